"""`make simulate`, small: the real stack on a shared clock, seeded debtors acting through the real edges, and the
independent checker over what the providers received. Every invariant holds, and the run did what it must
(messages, payments, an inscription and its removal, holds respected) so a broken behaviour fails it."""

from __future__ import annotations

import pytest

from cordial_stack.simulation.checker import RULES
from cordial_stack.simulation.config import Config
from cordial_stack.simulation.report import render
from cordial_stack.simulation.runner import run_simulation


# The whole stack and 60 clock steps: its wall time follows the machine's load, which is not what it tests.
@pytest.mark.timeout(1200)
def test_a_small_simulation_keeps_every_invariant_and_does_the_work() -> None:
    # 30 days: the prior notice comes 15 days after the first contact and the inscription 10 days later, so the
    # late payers (after day 27) settle inscribed debts. Steps of 12 hours keep it to minutes here.
    outcome = run_simulation(Config(debtors=16, days=30, seed=11, step_minutes=720))
    report = render(outcome)
    print(report)
    assert outcome.findings.violations == dict.fromkeys(RULES, 0), report
    looked, stats = outcome.findings.looked_at, outcome.stats
    did = {name: looked[name] for name in ("messages sms", "messages whatsapp", "inscriptions", "removals")}
    # Holds and opt-outs were asked for after a contact, and then respected (the zeros above).
    did |= {name: looked[name] for name in ("replies dispute", "replies hardship", "replies opt_out")}
    did |= {name: stats[name] for name in ("PIX payments", "debts settled", "inscribed and settled")}
    assert all(did.values()), did
    assert stats["debts settled"] == stats["debts paid in full"], report
    assert outcome.variants, report
    assert all(outcome.variants.values()), report
