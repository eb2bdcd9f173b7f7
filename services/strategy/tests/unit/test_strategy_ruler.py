"""The ruler: one action per step, at a decent hour, none after settlement, and the full contact policy."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from cordial.events.v1 import actions_pb2, messages_pb2, registry_pb2
from cordial.types.v1 import types_pb2
from cordial_core.clock import ControllableClock
from cordial_core.errors import FailedPrecondition, NotFound
from cordial_core.events import Event, unpack_payload
from cordial_core.ids import stable_id
from cordial_core.money import Money
from cordial_strategy.adapters.memory import MemoryDebtors
from cordial_strategy.domain.escalation import EscalationConditions
from cordial_strategy.domain.guard import ContactGuard
from cordial_strategy.domain.ruler import Case, Ruler

SP = "America/Sao_Paulo"
# Monday 2024-03-04 10:00 in São Paulo (UTC-3).
INSIDE = datetime(2024, 3, 4, 13, 0, tzinfo=UTC)
# Monday 2024-03-04 21:00 in São Paulo: after hours.
OUTSIDE = datetime(2024, 3, 5, 0, 0, tzinfo=UTC)
BALANCE = Money(15_000, "BRL")


class FakeCases:
    """In-memory Cases, copying in and out like a store, with optimistic versions."""

    def __init__(self) -> None:
        self.cases: dict[tuple[str, str], Case] = {}
        self.events: list[Event] = []
        self.decisions: list[Event] = []  # decision.recorded, kept apart so the tests above read requests only

    async def load_or_new(self, tenant: str, debt_id: str, debtor_id: str) -> Case:
        self.cases.setdefault((tenant, debt_id), Case(debt_id, tenant, debtor_id))
        return copy.deepcopy(self.cases[(tenant, debt_id)])

    async def load(self, tenant: str, debt_id: str) -> Case | None:
        found = self.cases.get((tenant, debt_id))
        return copy.deepcopy(found) if found else None

    async def save(self, case: Case, events: list[Event]) -> None:
        stored = self.cases[(case.tenant, case.debt_id)]
        if stored.version != case.version:
            raise FailedPrecondition("the case changed meanwhile; retry")
        case.version += 1
        self.cases[(case.tenant, case.debt_id)] = copy.deepcopy(case)
        self.events.extend(e for e in events if e.type != "decision.recorded")
        self.decisions.extend(e for e in events if e.type == "decision.recorded")

    async def claim_due(self, now: datetime, owner: str, lease: timedelta, limit: int) -> list[Case]:
        due = [c for c in self.cases.values() if c.next_due_at is not None and c.next_due_at <= now and not c.stopped]
        return [copy.deepcopy(c) for c in due[:limit]]

    async def sweep_batch(self, day: str, partition: int, partitions: int, limit: int) -> list[Case]:
        return [copy.deepcopy(c) for c in self.cases.values() if not c.stopped][:limit]

    async def with_action(self, tenant: str, action_id: str) -> Case | None:
        for (t, _), case in self.cases.items():
            if t == tenant and any(a.action_id == action_id for a in case.actions.values()):
                return copy.deepcopy(case)
        return None

    async def of_tenant(self, tenant: str) -> list[Case]:
        return [copy.deepcopy(c) for (t, _), c in self.cases.items() if t == tenant]

    def types(self) -> list[str]:
        return [e.type for e in self.events]


def make(start: datetime = INSIDE) -> tuple[Ruler, FakeCases, ControllableClock]:
    cases = FakeCases()
    clock = ControllableClock(start)
    return Ruler(cases, ContactGuard(MemoryDebtors(), clock), clock), cases, clock


async def placed(ruler: Ruler, debt_id: str = "d1") -> None:
    await ruler.debt_placed("t1", debt_id, "p1", "Loja", BALANCE, SP)


async def test_debt_alone_or_contact_alone_requests_nothing() -> None:
    ruler, cases, _ = make()
    await placed(ruler, "d1")
    await ruler.contact_verified("t1", "d2", "p2")
    assert cases.events == []


async def test_debt_then_contact_requests_once_with_full_payload() -> None:
    ruler, cases, _ = make()
    await placed(ruler)
    await ruler.contact_verified("t1", "d1", "p1")
    assert cases.types() == ["action.requested"]
    event = cases.events[0]
    assert event.envelope.tenant == "t1"
    assert event.envelope.subject == "d1"
    assert event.key == "p1"
    assert event.envelope.source == "strategy"
    payload = unpack_payload(event.envelope)
    assert isinstance(payload, actions_pb2.ActionRequested)
    assert payload.action_id == stable_id("t1", "d1", "reminder-1")
    assert payload.debt_id == "d1"
    assert payload.debtor_id == "p1"
    assert payload.step == "reminder-1"
    assert list(payload.channels) == [types_pb2.CHANNEL_WHATSAPP, types_pb2.CHANNEL_SMS]
    assert payload.template == "reminder"
    assert payload.balance.amount_minor == 15_000
    assert payload.balance.currency == "BRL"
    assert payload.creditor_name == "Loja"
    assert payload.time_zone == SP
    assert payload.policy_rule == "contact_policy"
    record = cases.cases[("t1", "d1")].actions["reminder-1"]
    assert record.state == "requested"
    assert record.decision.allowed is True


async def test_contact_before_debt_still_requests_exactly_once() -> None:
    ruler, cases, _ = make()
    await ruler.contact_verified("t1", "d1", "p1")
    assert cases.events == []
    await placed(ruler)
    assert cases.types() == ["action.requested"]


async def test_repeated_events_do_not_request_twice() -> None:
    ruler, cases, clock = make()
    await ruler.contact_verified("t1", "d1", "p1")
    await placed(ruler)
    for _ in range(3):
        clock.advance(timedelta(minutes=5))
        await ruler.contact_verified("t1", "d1", "p1")
        await placed(ruler)
    assert await ruler.run_due() == 0
    assert cases.types() == ["action.requested"]


async def test_cases_of_different_tenants_are_separate() -> None:
    ruler, cases, _ = make()
    await placed(ruler)
    await ruler.contact_verified("t2", "d1", "p1")
    assert cases.events == []


async def test_outside_hours_defers_then_run_due_requests_in_the_window() -> None:
    ruler, cases, clock = make(OUTSIDE)
    await placed(ruler)
    await ruler.contact_verified("t1", "d1", "p1")
    assert cases.events == []
    case = cases.cases[("t1", "d1")]
    record = case.actions["reminder-1"]
    assert record.state == "deferred"
    assert record.decision.allowed is False
    # Tuesday 09:00 in São Paulo's zone: the debtor's state is unknown, so the strictest state (RJ) rules.
    window = datetime(2024, 3, 5, 12, 0, tzinfo=UTC)
    assert case.next_due_at == window
    assert record.decision.next_allowed_at == window

    # Not due yet: nothing happens, even just before the window.
    clock.set(window - timedelta(minutes=1))
    assert await ruler.run_due() == 0
    assert cases.events == []

    clock.set(window)
    assert await ruler.run_due() == 1
    assert cases.types() == ["action.requested"]
    case = cases.cases[("t1", "d1")]
    assert case.actions["reminder-1"].state == "requested"
    assert case.next_due_at is None

    clock.advance(timedelta(hours=1))
    assert await ruler.run_due() == 0
    await ruler.contact_verified("t1", "d1", "p1")
    assert cases.types() == ["action.requested"]


async def test_the_debtors_state_from_the_placement_decides_the_hours() -> None:
    # Tuesday 08:30 in São Paulo: open in SP, closed in RJ (09:00), closed when the state is unknown.
    early = datetime(2024, 3, 5, 11, 30, tzinfo=UTC)
    ruler, cases, _ = make(early)
    for debt_id, debtor_id, state in (("d-sp", "p-sp", "sp"), ("d-rj", "p-rj", "RJ"), ("d-x", "p-x", "")):
        await ruler.debt_placed("t1", debt_id, debtor_id, "Loja", BALANCE, SP, country="BR", state=state)
        await ruler.contact_verified("t1", debt_id, debtor_id)
    sp, rj, unknown = (cases.cases[("t1", d)] for d in ("d-sp", "d-rj", "d-x"))
    assert (sp.country, sp.state) == ("BR", "SP")
    assert sp.actions["reminder-1"].state == "requested"
    assert sp.actions["reminder-1"].decision.values["jurisdiction"] == "BR-SP"
    assert rj.actions["reminder-1"].state == "deferred"
    assert rj.actions["reminder-1"].decision.values["jurisdiction"] == "BR-RJ"
    assert "Lei 7.868/2018" in rj.actions["reminder-1"].decision.explanation
    assert unknown.actions["reminder-1"].state == "deferred"
    assert unknown.actions["reminder-1"].decision.values["jurisdiction"].startswith("BR-{")
    # Messaging's send-time check reads the same state from the case.
    decision = await ruler.check_contact("t1", "d-rj", types_pb2.CHANNEL_SMS, "cp", "a-rj")
    assert decision.rule == "contact_hours"
    assert decision.values["jurisdiction"] == "BR-RJ"


async def test_repeated_event_while_deferred_keeps_it_deferred() -> None:
    ruler, cases, clock = make(OUTSIDE)
    await placed(ruler)
    await ruler.contact_verified("t1", "d1", "p1")
    clock.advance(timedelta(hours=1))
    await ruler.contact_verified("t1", "d1", "p1")
    assert cases.events == []
    assert cases.cases[("t1", "d1")].actions["reminder-1"].state == "deferred"


async def test_settled_debt_stops_once_and_requests_nothing() -> None:
    ruler, cases, _ = make()
    await placed(ruler)
    await ruler.debt_settled("t1", "d1", "p1")
    await ruler.debt_settled("t1", "d1", "p1")
    await ruler.contact_verified("t1", "d1", "p1")
    await placed(ruler)
    assert cases.types() == ["treatment.stopped"]
    payload = unpack_payload(cases.events[0].envelope)
    assert isinstance(payload, actions_pb2.TreatmentStopped)
    assert payload.debt_id == "d1"
    assert payload.debtor_id == "p1"
    assert payload.reason == "debt settled"
    case = cases.cases[("t1", "d1")]
    assert case.stopped is True
    assert case.actions == {}


async def test_settlement_before_anything_else_still_stops() -> None:
    ruler, cases, _ = make()
    await ruler.debt_settled("t1", "d1", "p1")
    await ruler.contact_verified("t1", "d1", "p1")
    await placed(ruler)
    assert cases.types() == ["treatment.stopped"]


async def test_settlement_cancels_a_deferred_action() -> None:
    ruler, cases, clock = make(OUTSIDE)
    await placed(ruler)
    await ruler.contact_verified("t1", "d1", "p1")
    await ruler.debt_settled("t1", "d1", "p1")
    assert cases.cases[("t1", "d1")].next_due_at is None
    clock.advance(timedelta(days=2))
    assert await ruler.run_due() == 0
    assert cases.types() == ["treatment.stopped"]


SMS = types_pb2.CHANNEL_SMS
WA = types_pb2.CHANNEL_WHATSAPP


def make_guarded() -> tuple[Ruler, ContactGuard, FakeCases, ControllableClock]:
    cases, clock = FakeCases(), ControllableClock(INSIDE)
    guard = ContactGuard(MemoryDebtors(), clock)
    return Ruler(cases, guard, clock), guard, cases, clock


async def ready(ruler: Ruler, debt: str, tenant: str = "t1", debtor: str = "p1") -> None:
    await ruler.debt_placed(tenant, debt, debtor, "Loja", BALANCE, SP)
    await ruler.contact_verified(tenant, debt, debtor)


def sent(debt: str, action: str = "a0", channel: int = SMS) -> messages_pb2.MessageSent:
    return messages_pb2.MessageSent(
        message_id="m-" + action, action_id=action, debt_id=debt, debtor_id="p1", channel=channel
    )


async def test_a_message_sent_for_another_clients_debt_defers_to_the_next_day() -> None:
    ruler, guard, cases, _ = make_guarded()
    await guard.message_sent("t2", sent("other"))
    await ready(ruler, "d1")
    assert cases.events == []
    record = cases.cases[("t1", "d1")].actions["reminder-1"]
    assert record.state == "deferred"
    assert record.decision.rule == "cap_per_day"
    assert cases.cases[("t1", "d1")].next_due_at == record.decision.next_allowed_at


async def test_failed_message_frees_its_reservation() -> None:
    ruler, guard, _, _ = make_guarded()
    await ready(ruler, "d1")
    action = stable_id("t1", "d1", "reminder-1")
    allowed = await ruler.check_contact("t1", "d1", SMS, "cp1", action)
    assert allowed.allowed is True
    # A second send for another debt the same day is refused: the reservation counts.
    await ready(ruler, "d2")
    other = stable_id("t1", "d2", "reminder-1")
    assert (await ruler.check_contact("t1", "d2", SMS, "cp1", other)).rule == "cap_per_day"
    # Retrying the first check is not refused by its own reservation.
    assert (await ruler.check_contact("t1", "d1", SMS, "cp1", action)).allowed is True
    await guard.message_failed(messages_pb2.MessageFailed(action_id=action, debt_id="d1", debtor_id="p1"))
    assert (await ruler.check_contact("t1", "d2", SMS, "cp1", other)).allowed is True


async def test_a_validation_notice_is_neither_refused_nor_counted_by_the_caps_and_is_explained() -> None:
    ruler, _, _, _ = make_guarded()
    await ready(ruler, "d1")
    await ready(ruler, "d2")
    first = stable_id("t1", "d1", "reminder-1")
    assert (await ruler.check_contact("t1", "d1", SMS, "cp1", first)).allowed is True
    notice = stable_id("validation-notice", first)
    allowed = await ruler.check_contact("t1", "d1", SMS, "cp1", notice, "validation_notice")
    assert allowed.allowed is True
    # The notice reserved nothing: the day's one contact is still the first message, not two.
    other = stable_id("t1", "d2", "reminder-1")
    refused = await ruler.check_contact("t1", "d2", SMS, "cp1", other)
    assert (refused.rule, refused.values["count"]) == ("cap_per_day", "1")
    _, record = await ruler.explain("t1", notice)
    assert record.purpose == "validation_notice"
    assert record.decision.allowed is True


async def test_check_contact_is_stored_and_explained() -> None:
    ruler, _, _, _ = make_guarded()
    await ready(ruler, "d1")
    action = stable_id("t1", "d1", "reminder-1")
    await ruler.check_contact("t1", "d1", SMS, "cp1", action)
    case, record = await ruler.explain("t1", action)
    assert case.debt_id == "d1"
    assert [d.rule for d in record.history] == ["contact_policy", "contact_policy"]
    assert record.history[-1].values["contacts_today"] == "0/1"
    with pytest.raises(NotFound):
        await ruler.explain("t2", action)
    with pytest.raises(NotFound):
        await ruler.check_contact("t1", "nope", SMS, "", action)


@pytest.mark.parametrize(
    ("intent", "rule"),
    [
        (messages_pb2.REPLY_INTENT_DISPUTE, "hold_dispute"),
        (messages_pb2.REPLY_INTENT_CANNOT_PAY_NOW, "hold_hardship"),
        (messages_pb2.REPLY_INTENT_ALREADY_PAID, "hold_dispute"),
    ],
)
async def test_replies_place_holds(intent: int, rule: str) -> None:
    ruler, guard, cases, _ = make_guarded()
    await guard.reply("t1", messages_pb2.ReplyReceived(debtor_id="p1", debt_id="d1", channel=SMS, intent=intent))
    await ready(ruler, "d1")
    assert cases.events == []
    assert cases.cases[("t1", "d1")].actions["reminder-1"].decision.rule == rule


async def test_hardship_pause_comes_back_after_30_days() -> None:
    ruler, guard, cases, clock = make_guarded()
    reply = messages_pb2.ReplyReceived(debtor_id="p1", intent=messages_pb2.REPLY_INTENT_CANNOT_PAY_NOW)
    await guard.reply("t1", reply)
    await ready(ruler, "d1")
    case = cases.cases[("t1", "d1")]
    assert case.actions["reminder-1"].state == "deferred"
    assert case.next_due_at == INSIDE + timedelta(days=30)
    clock.set(INSIDE + timedelta(days=30))
    assert await ruler.run_due() == 1
    assert cases.types() == ["action.requested"]


async def test_not_me_blocks_the_point_and_opt_out_drops_the_channel() -> None:
    ruler, guard, cases, _ = make_guarded()
    not_me = messages_pb2.ReplyReceived(debtor_id="p1", contact_point_id="cp1", intent=messages_pb2.REPLY_INTENT_NOT_ME)
    await guard.reply("t1", not_me)
    await guard.opted_out("p1", WA, "keyword")
    await ready(ruler, "d1")
    payload = unpack_payload(cases.events[0].envelope)
    assert isinstance(payload, actions_pb2.ActionRequested)
    assert list(payload.channels) == [SMS]
    decision = cases.cases[("t1", "d1")].actions["reminder-1"].decision
    assert decision.values["opted_out"] == "CHANNEL_WHATSAPP (keyword)"
    assert decision.explanation.endswith("; left out, the debtor opted out: CHANNEL_WHATSAPP (keyword)")
    action = payload.action_id
    assert (await ruler.check_contact("t1", "d1", SMS, "cp1", action)).rule == "contact_point_blocked"
    assert (await ruler.check_contact("t1", "d1", WA, "cp2", action)).rule == "opted_out"
    assert (await ruler.check_contact("t1", "d1", SMS, "cp2", action)).allowed is True


async def test_every_channel_opted_out_holds_the_action() -> None:
    ruler, guard, cases, _ = make_guarded()
    await guard.opted_out("p1", WA, "portal")
    await guard.opted_out("p1", SMS, "keyword")
    await ready(ruler, "d1")
    assert cases.events == []
    record = cases.cases[("t1", "d1")].actions["reminder-1"]
    assert record.state == "held"
    assert record.decision.rule == "opted_out"


async def test_a_deferred_step_is_recorded_once_for_the_timeline_with_its_rule() -> None:
    ruler, cases, _clock = make(OUTSIDE)
    await placed(ruler)
    await ruler.contact_verified("t1", "d1", "p1")
    await ruler.reevaluate("t1", "d1")  # same rule again: not recorded twice
    assert len(cases.decisions) == 1
    payload = unpack_payload(cases.decisions[0].envelope)
    assert isinstance(payload, actions_pb2.DecisionRecorded)
    assert payload.step == "reminder-1"
    assert not payload.allowed
    assert payload.rule == cases.cases[("t1", "d1")].actions["reminder-1"].decision.rule
    assert payload.explanation
    assert payload.HasField("next_allowed_at")


def _kinds(cases: FakeCases) -> list[str]:
    return [
        registry_pb2.EscalationKind.Name(unpack_payload(e.envelope).kind)  # type: ignore[attr-defined]
        for e in cases.events
        if e.type == "escalation.requested"
    ]


async def test_escalation_follows_the_path_only_when_the_rules_allow_and_removal_follows_settlement() -> None:
    ruler, cases, clock = make()
    await placed(ruler)
    await ruler.contact_verified("t1", "d1", "p1")
    assert cases.types() == ["action.requested"]
    cases.cases[("t1", "d1")].escalation.path = ("prior_notice", "bureau_inscription")
    cases.cases[("t1", "d1")].escalation.conditions = EscalationConditions(client_opted_in=True)

    clock.advance(timedelta(days=14))
    await ruler.reevaluate("t1", "d1")
    assert _kinds(cases) == []  # too soon after the first contact
    clock.advance(timedelta(days=1))
    await ruler.reevaluate("t1", "d1")
    await ruler.reevaluate("t1", "d1")
    assert _kinds(cases) == ["ESCALATION_KIND_PRIOR_NOTICE"]  # once

    clock.advance(timedelta(days=20))
    await ruler.reevaluate("t1", "d1")
    assert _kinds(cases) == ["ESCALATION_KIND_PRIOR_NOTICE"]  # no inscription before the notice is confirmed
    confirmed_at = clock.now()
    await ruler.bureau_update("t1", "d1", lambda e: setattr(e, "notice_confirmed_at", confirmed_at))
    clock.advance(timedelta(days=9))
    await ruler.reevaluate("t1", "d1")
    assert _kinds(cases) == ["ESCALATION_KIND_PRIOR_NOTICE"]  # waiting period
    clock.advance(timedelta(days=1))
    await ruler.reevaluate("t1", "d1")
    assert _kinds(cases)[-1] == "ESCALATION_KIND_INSCRIPTION"

    await ruler.bureau_update("t1", "d1", lambda e: setattr(e, "inscribed", True))
    await ruler.debt_settled("t1", "d1", "p1")
    await ruler.debt_settled("t1", "d1", "p1")
    assert _kinds(cases) == ["ESCALATION_KIND_PRIOR_NOTICE", "ESCALATION_KIND_INSCRIPTION", "ESCALATION_KIND_REMOVAL"]


async def test_escalation_conditions_hold_the_step_and_the_decision_says_why() -> None:
    ruler, cases, clock = make()
    await ruler.debt_placed("t1", "d1", "p1", "Loja", BALANCE, SP, due_date="2024-02-01")
    await ruler.contact_verified("t1", "d1", "p1")
    case = cases.cases[("t1", "d1")]
    case.escalation.path = ("prior_notice", "bureau_inscription")
    case.escalation.conditions = EscalationConditions(min_balance_minor=15_000, min_days_past_due=60)
    clock.advance(timedelta(days=15))  # the notice is due: 47 days past due
    await ruler.reevaluate("t1", "d1")
    await ruler.reevaluate("t1", "d1")
    assert _kinds(cases) == []
    notice = stable_id("t1", "d1", "escalation", str(registry_pb2.ESCALATION_KIND_PRIOR_NOTICE))
    _, record = await ruler.explain("t1", notice)
    assert record.state == "held"
    assert record.decision.rule == "escalation_not_opted_in"
    assert record.decision.values["client_opted_in"] == "false"
    recorded = [unpack_payload(e.envelope) for e in cases.decisions]
    assert [(p.action_id, p.rule) for p in recorded] == [(notice, "escalation_not_opted_in")]  # type: ignore[attr-defined]

    cases.cases[("t1", "d1")].escalation.conditions = EscalationConditions(15_000, 60, client_opted_in=True)
    await ruler.reevaluate("t1", "d1")
    assert (await ruler.explain("t1", notice))[1].decision.rule == "escalation_min_days_past_due"
    assert "47 days past due" in (await ruler.explain("t1", notice))[1].decision.explanation
    clock.advance(timedelta(days=13))  # 60 days past due: the minimum, exactly
    await ruler.reevaluate("t1", "d1")
    assert _kinds(cases) == ["ESCALATION_KIND_PRIOR_NOTICE"]
    _, record = await ruler.explain("t1", notice)
    assert (record.state, record.decision.allowed) == ("requested", True)
    assert [d.rule for d in record.history][-2:] == ["escalation_min_days_past_due", "allowed"]


async def _escalated_to_inscription(ruler: Ruler, cases: FakeCases, clock: ControllableClock, due: str) -> None:
    await ruler.debt_placed("t1", "d1", "p1", "Loja", BALANCE, SP, due_date=due)
    await ruler.contact_verified("t1", "d1", "p1")
    cases.cases[("t1", "d1")].escalation.path = ("prior_notice", "bureau_inscription", "protest", "small_claims")
    cases.cases[("t1", "d1")].escalation.conditions = EscalationConditions(client_opted_in=True)
    clock.advance(timedelta(days=15))
    await ruler.reevaluate("t1", "d1")
    confirmed_at = clock.now()
    await ruler.bureau_update("t1", "d1", lambda e: setattr(e, "notice_confirmed_at", confirmed_at))
    clock.advance(timedelta(days=10))
    await ruler.reevaluate("t1", "d1")
    await ruler.bureau_update("t1", "d1", lambda e: setattr(e, "inscribed", True))


async def test_protest_and_small_claims_are_requested_in_order_with_the_due_date() -> None:
    ruler, cases, clock = make()
    due = (clock.now() - timedelta(days=40)).date().isoformat()
    await _escalated_to_inscription(ruler, cases, clock, due)
    assert _kinds(cases) == ["ESCALATION_KIND_PRIOR_NOTICE", "ESCALATION_KIND_INSCRIPTION", "ESCALATION_KIND_PROTEST"]
    noticed_at = clock.now()
    await ruler.bureau_update("t1", "d1", lambda e: setattr(e, "protest_notice_at", noticed_at))
    clock.advance(timedelta(days=6))  # notified on Good Friday: the weekend, then three business days
    await ruler.reevaluate("t1", "d1")
    await ruler.reevaluate("t1", "d1")
    assert _kinds(cases)[3:] == ["ESCALATION_KIND_PROTEST"]  # the protest itself, once
    await ruler.bureau_update("t1", "d1", lambda e: setattr(e, "protested", True))
    assert _kinds(cases)[4:] == ["ESCALATION_KIND_SMALL_CLAIMS"]
    requests = [unpack_payload(e.envelope) for e in cases.events if e.type == "escalation.requested"]
    assert all(r.due_date == due for r in requests)  # type: ignore[attr-defined]
    protest_ids = {r.request_id for r in requests if r.kind == registry_pb2.ESCALATION_KIND_PROTEST}  # type: ignore[attr-defined]
    assert len(protest_ids) == 2  # presentation and protest are two requests


async def test_no_small_claims_on_a_time_barred_debt() -> None:
    ruler, cases, clock = make()
    due = (clock.now() - timedelta(days=5 * 366)).date().isoformat()
    await _escalated_to_inscription(ruler, cases, clock, due)
    noticed_at = clock.now()
    await ruler.bureau_update("t1", "d1", lambda e: setattr(e, "protest_notice_at", noticed_at))
    clock.advance(timedelta(days=6))
    await ruler.reevaluate("t1", "d1")
    await ruler.bureau_update("t1", "d1", lambda e: setattr(e, "protested", True))
    clock.advance(timedelta(days=30))
    await ruler.reevaluate("t1", "d1")
    assert "ESCALATION_KIND_SMALL_CLAIMS" not in _kinds(cases)
    filing = stable_id("t1", "d1", "escalation", str(registry_pb2.ESCALATION_KIND_SMALL_CLAIMS))
    _, record = await ruler.explain("t1", filing)  # held, and the decision says why
    assert (record.state, record.decision.rule) == ("held", "time_barred")


async def test_a_title_withdrawn_for_an_agreement_is_presented_again_under_a_new_request_id() -> None:
    ruler, cases, clock = make()
    due = (clock.now() - timedelta(days=40)).date().isoformat()
    await _escalated_to_inscription(ruler, cases, clock, due)
    noticed_at = clock.now()
    await ruler.bureau_update("t1", "d1", lambda e: setattr(e, "protest_notice_at", noticed_at))
    await ruler.protest_withdrawn("t1", "d1")  # registry-bridge withdrew it: the debtor entered an agreement
    await ruler.protest_withdrawn("nobody", "d9")  # unknown case: nothing
    requests = [unpack_payload(e.envelope) for e in cases.events if e.type == "escalation.requested"]
    presentations = [r for r in requests if r.kind == registry_pb2.ESCALATION_KIND_PROTEST]  # type: ignore[attr-defined]
    assert len(presentations) == 2  # the first, and the new one once nothing holds it
    first, again = (p.request_id for p in presentations)  # type: ignore[attr-defined]
    assert first != again
    case = cases.cases[("t1", "d1")]
    assert case.escalation.protest_round == 1
    assert case.escalation.protest_notice_at is None
    assert {"escalation:protest_presentation", "escalation:protest_presentation:1"} <= set(case.actions)
    assert case.actions["escalation:protest_presentation:1"].action_id == again
    # Withdrawn once more: a third presentation, a third id.
    await ruler.protest_withdrawn("t1", "d1")
    third = [unpack_payload(e.envelope) for e in cases.events if e.type == "escalation.requested"][-1]
    assert third.request_id not in (first, again)  # type: ignore[attr-defined]


class CountingSweeps(FakeCases):
    """FakeCases whose sweep claims each case once a day, counting the store's claim queries."""

    def __init__(self) -> None:
        super().__init__()
        self.queries = 0
        self.swept: dict[str, str] = {}

    async def sweep_batch(self, day: str, partition: int, partitions: int, limit: int) -> list[Case]:
        self.queries += 1
        open_cases = [c for c in self.cases.values() if not c.stopped and self.swept.get(c.debt_id) != day]
        for case in open_cases[:limit]:
            self.swept[case.debt_id] = day
        return [copy.deepcopy(c) for c in open_cases[:limit]]


async def test_a_finished_sweep_asks_the_store_again_only_the_next_day() -> None:
    cases, clock = CountingSweeps(), ControllableClock(INSIDE)
    ruler = Ruler(cases, ContactGuard(MemoryDebtors(), clock), clock)
    for i in range(3):
        await ruler.debt_placed("t1", f"d{i}", f"p{i}", "Loja", BALANCE, SP)
    assert await ruler.sweep(limit=2) == 2
    assert await ruler.sweep(limit=2) == 1
    assert await ruler.sweep(limit=2) == 0
    assert cases.queries == 3
    assert await ruler.sweep(limit=2) == 0  # done for today: no scan
    assert cases.queries == 3
    clock.advance(timedelta(days=1))
    assert await ruler.sweep(limit=5) == 3
    assert cases.queries == 4
