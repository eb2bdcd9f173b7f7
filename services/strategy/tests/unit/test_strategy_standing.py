"""The send-time standing rule: agreements' word on a debt stops a collection message the moment an agreement is
accepted or the debt settled or recalled, before strategy consumes the event; installment reminders go on; an
unanswered question is a stored deny to be asked again, never a send."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cordial.types.v1 import types_pb2
from cordial_core.clock import ControllableClock
from cordial_core.ids import stable_id
from cordial_core.money import Money
from cordial_strategy.adapters.memory import MemoryCases, MemoryDebtors
from cordial_strategy.domain import standing as kinds
from cordial_strategy.domain.guard import ContactGuard
from cordial_strategy.domain.policy import ContactRequest
from cordial_strategy.domain.ruler import Ruler
from cordial_strategy.domain.standing import RETRY_RULE, Standing, standing_decision

SP = "America/Sao_Paulo"
NOW = datetime(2024, 3, 5, 13, 0, tzinfo=UTC)  # Tuesday 10:00 in São Paulo
SMS = types_pb2.CHANNEL_SMS
COLLECTION = ContactRequest("t1", "d1", SMS, "cp1", time_zone=SP, country="BR", state="SP", action_id="a1")
REMINDER = ContactRequest("t1", "d1", SMS, "cp1", "installment_reminder", SP, "BR", "SP", "a1")
NOTICE = ContactRequest("t1", "d1", SMS, "cp1", "validation_notice", "America/New_York", "US", "NY", "a1")
IN_AGREEMENT = Standing(
    kinds.IN_AGREEMENT, "agreement ag1 accepted, in good standing; next installment 2 of 3 due 2024-04-08", "ag1",
    "2 of 3, due 2024-04-08",
)  # fmt: skip


def test_an_open_debt_leaves_the_decision_to_the_rest_of_the_policy() -> None:
    assert standing_decision(NOW, COLLECTION, Standing(kinds.OPEN, "no agreement holds the debt")) is None


def test_a_collection_message_for_a_debt_in_agreement_is_denied_with_agreements_words() -> None:
    decision = standing_decision(NOW, COLLECTION, IN_AGREEMENT)
    assert decision is not None
    assert decision.allowed is False
    assert decision.rule == "standing_in_agreement"
    assert decision.explanation == (
        "agreements says: agreement ag1 accepted, in good standing; next installment 2 of 3 due 2024-04-08: "
        "a debt in an agreement gets only reminders of its next installment"
    )
    assert decision.next_allowed_at is None  # held until the agreement ends; strategy's events take it from there
    assert decision.values["agreement"] == "ag1"
    assert decision.values["next_installment"] == "2 of 3, due 2024-04-08"
    assert decision.values["local_time"] == "2024-03-05 Tuesday 10:00"
    assert decision.time_zone == SP


def test_an_installment_reminder_for_a_debt_in_agreement_is_left_to_the_policy() -> None:
    assert standing_decision(NOW, REMINDER, IN_AGREEMENT) is None
    overdue = Standing(kinds.AGREEMENT_OVERDUE, "installment 1 unpaid past 5 grace days", "ag1")
    assert standing_decision(NOW, REMINDER, overdue) is None
    denied = standing_decision(NOW, COLLECTION, overdue)
    assert denied is not None
    assert denied.rule == "standing_in_agreement"


def test_a_validation_notice_goes_on_while_the_debt_is_open_or_in_an_agreement() -> None:
    assert standing_decision(NOW, NOTICE, Standing(kinds.OPEN, "no agreement holds the debt")) is None
    assert standing_decision(NOW, NOTICE, IN_AGREEMENT) is None
    assert standing_decision(NOW, NOTICE, Standing(kinds.AGREEMENT_OVERDUE, "installment 1 unpaid", "ag1")) is None


@pytest.mark.parametrize("kind", [kinds.SETTLED, kinds.RECALLED, kinds.WRITTEN_OFF])
@pytest.mark.parametrize("request_", [COLLECTION, REMINDER, NOTICE], ids=["collection", "reminder", "notice"])
def test_a_closed_debt_gets_no_message_at_all(kind: str, request_: ContactRequest) -> None:
    decision = standing_decision(NOW, request_, Standing(kind, f"the debt is {kind}"))
    assert decision is not None
    assert decision.allowed is False
    assert decision.rule == f"standing_{kind}"
    assert decision.explanation == f"agreements says: the debt is {kind}: contact about it has ended"


def test_a_reminder_whose_agreement_no_longer_stands_is_denied() -> None:
    decision = standing_decision(NOW, REMINDER, Standing(kinds.OPEN, "agreement ag1 is only broken"))
    assert decision is not None
    assert decision.rule == "standing_no_agreement"


def test_no_answer_is_a_deny_to_ask_again_later_never_a_send() -> None:
    unknown = Standing(kinds.UNKNOWN, "no answer within 2 s")
    for request in (COLLECTION, REMINDER):
        decision = standing_decision(NOW, request, unknown, timedelta(seconds=90))
        assert decision is not None
        assert decision.allowed is False
        assert decision.rule == RETRY_RULE
        assert decision.next_allowed_at == NOW + timedelta(seconds=90)
        assert decision.explanation == (
            "agreements says: no answer within 2 s; not sent blind, asked again from 2024-03-05 13:01:30 UTC"
        )


class ScriptedStandings:
    """Agreements' answers, set by the test; counts the questions."""

    def __init__(self, standing: Standing) -> None:
        self.now = standing
        self.asked: list[tuple[str, str]] = []

    async def standing(self, tenant: str, debt_id: str) -> Standing:
        self.asked.append((tenant, debt_id))
        return self.now


async def _requested() -> tuple[Ruler, ScriptedStandings, str]:
    """A debt whose first step was requested while it was open."""
    clock = ControllableClock(NOW)
    standings = ScriptedStandings(Standing(kinds.OPEN, "no agreement holds the debt"))
    ruler = Ruler(MemoryCases(), ContactGuard(MemoryDebtors(), clock), clock, standings=standings)
    await ruler.debt_placed("t1", "d1", "p1", "Loja", Money(30_000, "BRL"), SP, country="BR", state="SP")
    await ruler.contact_verified("t1", "d1", "p1")
    action = stable_id("t1", "d1", "reminder-1")
    _, record = await ruler.explain("t1", action)
    assert record.state == "requested"
    return ruler, standings, action


async def test_accepted_before_strategy_heard_of_it_the_send_time_check_denies_and_explains() -> None:
    ruler, standings, action = await _requested()
    standings.now = IN_AGREEMENT  # accepted at agreements; agreement.accepted not consumed here
    decision = await ruler.check_contact("t1", "d1", SMS, "cp1", action)
    assert standings.asked == [("t1", "d1")]
    assert (decision.allowed, decision.rule) == (False, "standing_in_agreement")
    _, record = await ruler.explain("t1", action)
    assert record.history[-1] == decision  # stored with the action: ExplainDecision shows it
    # Nothing was reserved: once open again the same send is allowed, within the caps.
    standings.now = Standing(kinds.OPEN, "agreement ag1 is only broken")
    assert (await ruler.check_contact("t1", "d1", SMS, "cp1", action)).allowed is True


async def test_an_unanswered_standing_is_stored_and_asked_again() -> None:
    ruler, standings, action = await _requested()
    standings.now = Standing(kinds.UNKNOWN, "no answer within 2 s")
    decision = await ruler.check_contact("t1", "d1", SMS, "cp1", action)
    assert decision.rule == RETRY_RULE
    assert decision.next_allowed_at == NOW + timedelta(minutes=1)
    _, record = await ruler.explain("t1", action)
    assert record.history[-1].rule == RETRY_RULE
