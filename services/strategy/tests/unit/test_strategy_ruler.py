"""The ruler: one action per step, at a decent hour, and none after settlement."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

from cordial.events.v1 import actions_pb2
from cordial.types.v1 import types_pb2
from cordial_core.clock import ControllableClock
from cordial_core.errors import FailedPrecondition
from cordial_core.events import Event, unpack_payload
from cordial_core.ids import stable_id
from cordial_core.money import Money
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
        self.events.extend(events)

    async def due(self, now: datetime, limit: int) -> list[Case]:
        due = [c for c in self.cases.values() if c.next_due_at is not None and c.next_due_at <= now and not c.stopped]
        return [copy.deepcopy(c) for c in due[:limit]]

    def types(self) -> list[str]:
        return [e.type for e in self.events]


def make(start: datetime = INSIDE) -> tuple[Ruler, FakeCases, ControllableClock]:
    cases = FakeCases()
    clock = ControllableClock(start)
    return Ruler(cases, clock), cases, clock


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
    assert payload.policy_rule == "contact_hours"
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
