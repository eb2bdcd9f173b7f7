"""A small run of bench/simulate.py on FerretDB: the invariants hold (zeros) and escalation runs end to end."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from cordial_stack.infra import Infra

BENCH = Path(__file__).resolve().parents[2] / "bench" / "simulate.py"


def _load_simulation() -> Any:
    spec = importlib.util.spec_from_file_location("cordial_bench_simulate", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


async def test_simulation_keeps_every_invariant(infra: Infra) -> None:
    # Small because FerretDB (SQLite) on a shared machine evaluates ~5-10 cases a second; 28 days so the
    # prior notice (15 days after first contact) and the 10-day waiting period both run out.
    sim = _load_simulation()
    tally, lines = await sim.simulate(infra.mongodb_uri, "cordial_simulation_test", debtors=12, days=28)
    assert sim.violations(tally) == dict.fromkeys(sim.violations(tally), 0)
    assert tally.sends > 0
    assert tally.events["escalation.requested"] > 0
    assert tally.inscriptions > 0
    assert tally.decisions_recorded > 0
    assert lines
