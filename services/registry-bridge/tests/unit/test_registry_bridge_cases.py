"""The bureau case state machine and the bridge that runs it, with in-memory fakes."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta

import pytest

from cordial.events.v1 import registry_pb2
from cordial_core.clock import ControllableClock
from cordial_core.errors import FailedPrecondition
from cordial_core.events import Event, unpack_payload
from cordial_registry_bridge.domain import cases as machine
from cordial_registry_bridge.domain import filing, protest
from cordial_registry_bridge.domain.bridge import RegistryBridge
from cordial_registry_bridge.domain.cases import BureauCase, CaseState

T0 = datetime(2024, 3, 5, 13, 0, tzinfo=UTC)


class FakeCases:
    """In-memory cases with optimistic versions."""

    def __init__(self) -> None:
        self.cases: dict[tuple[str, str], BureauCase] = {}
        self.events: list[Event] = []

    async def get(self, tenant: str, debt_id: str) -> BureauCase | None:
        found = self.cases.get((tenant, debt_id))
        return copy.deepcopy(found) if found else None

    async def create(self, case: BureauCase) -> None:
        self.cases.setdefault((case.tenant, case.debt_id), copy.deepcopy(case))

    async def save(self, case: BureauCase, events: list[Event]) -> None:
        if self.cases[(case.tenant, case.debt_id)].version != case.version:
            raise FailedPrecondition("changed")
        case.version += 1
        self.cases[(case.tenant, case.debt_id)] = copy.deepcopy(case)
        self.events.extend(events)


class FakeBureau:
    """Counts calls per id, like a bureau that keeps one record per id."""

    def __init__(self) -> None:
        self.notices: list[str] = []
        self.inscriptions: list[str] = []
        self.removals: list[str] = []

    async def send_notice(self, notice_id: str, case: BureauCase, amount_minor: int, creditor: str) -> bool:
        self.notices.append(notice_id)
        return True

    async def inscribe(self, inscription_id: str, case: BureauCase, amount_minor: int, creditor: str) -> None:
        self.inscriptions.append(inscription_id)

    async def remove(self, inscription_id: str) -> None:
        self.removals.append(inscription_id)


def request(kind: int) -> registry_pb2.EscalationRequested:
    return registry_pb2.EscalationRequested(debt_id="d1", debtor_id="p1", kind=kind, creditor_name="Loja")  # type: ignore[arg-type]


def make() -> tuple[RegistryBridge, FakeCases, FakeBureau, ControllableClock]:
    cases, bureau, clock = FakeCases(), FakeBureau(), ControllableClock(T0)
    return RegistryBridge(cases, bureau, clock), cases, bureau, clock


def test_inscription_needs_a_confirmed_notice_and_the_waiting_period() -> None:
    case = machine.new_case("t1", "d1", "p1")
    with pytest.raises(FailedPrecondition, match="prior notice"):
        machine.check_inscription(case, T0)
    assert machine.notice_sent(case)
    assert not machine.notice_sent(case)
    with pytest.raises(FailedPrecondition, match="prior notice"):
        machine.check_inscription(case, T0)
    assert machine.notice_confirmed(case, T0)
    with pytest.raises(FailedPrecondition, match="waiting period"):
        machine.check_inscription(case, T0 + timedelta(days=10) - timedelta(seconds=1))
    machine.check_inscription(case, T0 + timedelta(days=10))
    machine.inscribed(case, T0 + timedelta(days=10))
    with pytest.raises(FailedPrecondition, match="never inscribed twice"):
        machine.check_inscription(case, T0 + timedelta(days=11))


def test_settled_before_inscription_is_closed_and_never_inscribed() -> None:
    case = machine.new_case("t1", "d1", "p1")
    machine.notice_sent(case)
    machine.notice_confirmed(case, T0)
    assert machine.settle(case) is False
    assert case.state == CaseState.CLOSED
    with pytest.raises(FailedPrecondition, match="settled"):
        machine.check_inscription(case, T0 + timedelta(days=30))
    assert not machine.notice_sent(case)


async def test_bridge_runs_notice_wait_inscription_and_removal_once() -> None:
    bridge, cases, bureau, clock = make()
    await bridge.requested("t1", request(registry_pb2.ESCALATION_KIND_PRIOR_NOTICE))
    await bridge.requested("t1", request(registry_pb2.ESCALATION_KIND_PRIOR_NOTICE))  # a redelivery
    assert len(bureau.notices) == 1
    assert [e.type for e in cases.events] == ["bureau.notice_confirmed"]

    clock.advance(timedelta(days=9))
    await bridge.requested("t1", request(registry_pb2.ESCALATION_KIND_INSCRIPTION))  # too early: refused
    assert bureau.inscriptions == []

    clock.advance(timedelta(days=1))
    await bridge.requested("t1", request(registry_pb2.ESCALATION_KIND_INSCRIPTION))
    await bridge.requested("t1", request(registry_pb2.ESCALATION_KIND_INSCRIPTION))
    assert len(bureau.inscriptions) == 1
    assert cases.cases[("t1", "d1")].state == CaseState.INSCRIBED

    await bridge.settled("t1", "d1", "p1")
    await bridge.requested("t1", request(registry_pb2.ESCALATION_KIND_REMOVAL))
    assert bureau.removals == bureau.inscriptions
    assert cases.cases[("t1", "d1")].state == CaseState.REMOVED
    assert [e.type for e in cases.events] == ["bureau.notice_confirmed", "bureau.inscribed", "bureau.removed"]
    await bridge.requested("t1", request(registry_pb2.ESCALATION_KIND_INSCRIPTION))
    assert len(bureau.inscriptions) == 1


class FakeRegistry:
    """A protest registry with a 3-day notice period; counts calls."""

    def __init__(self, clock: ControllableClock) -> None:
        self.clock = clock
        self.presented: list[str] = []
        self.protested: list[str] = []
        self.cancelled: list[tuple[str, str]] = []
        self.later = timedelta(0)  # how much later than three calendar days the registry answers

    async def present(
        self, protest_id: str, case: BureauCase, amount_minor: int, creditor: str, state: str = ""
    ) -> datetime:
        self.presented.append(protest_id)
        return self.clock.now() + timedelta(days=3) + self.later

    async def protest(self, protest_id: str) -> bool:
        self.protested.append(protest_id)
        return True

    async def cancel(self, protest_id: str, why: str) -> None:
        self.cancelled.append((protest_id, why))


class FakeCourt:
    """Files petitions; counts them."""

    def __init__(self) -> None:
        self.filed: list[tuple[str, str]] = []

    async def file(self, filing_id: str, case: BureauCase, amount_minor: int, creditor: str, due_date: str) -> str:
        self.filed.append((filing_id, due_date))
        return "0000001-23.2024.8.26.0100"


def full() -> tuple[RegistryBridge, FakeCases, FakeBureau, FakeRegistry, FakeCourt, ControllableClock]:
    cases, bureau, clock, court = FakeCases(), FakeBureau(), ControllableClock(T0), FakeCourt()
    registry = FakeRegistry(clock)
    return RegistryBridge(cases, bureau, clock, registry=registry, court=court), cases, bureau, registry, court, clock


def filing_request(due_date: str) -> registry_pb2.EscalationRequested:
    req = request(registry_pb2.ESCALATION_KIND_SMALL_CLAIMS)
    req.due_date = due_date
    return req


async def test_protest_notice_then_period_then_protest_once() -> None:
    bridge, cases, _, registry, _, clock = full()
    await bridge.requested("t1", request(registry_pb2.ESCALATION_KIND_PROTEST))
    await bridge.requested("t1", request(registry_pb2.ESCALATION_KIND_PROTEST))  # inside the period: refused
    assert len(registry.presented) == 1
    assert registry.protested == []
    # Tuesday 5 March: Wed, Thu, Fri are the three business days; later than the registry's three calendar days.
    ready = datetime(2024, 3, 9, 3, tzinfo=UTC)
    assert cases.cases[("t1", "d1")].protest.not_before == ready

    clock.set(ready - timedelta(seconds=1))
    await bridge.requested("t1", request(registry_pb2.ESCALATION_KIND_PROTEST))
    assert registry.protested == []
    clock.advance(timedelta(seconds=1))
    await bridge.requested("t1", request(registry_pb2.ESCALATION_KIND_PROTEST))
    await bridge.requested("t1", request(registry_pb2.ESCALATION_KIND_PROTEST))
    assert len(registry.protested) == 1
    assert [e.type for e in cases.events] == ["protest.notice_sent", "protest.registered"]


def test_protest_rules_at_their_edges() -> None:
    p = protest.Protest()
    with pytest.raises(FailedPrecondition, match="not notified"):
        protest.check_protest(p, T0, "")
    protest.check_presentation(p, "")
    with pytest.raises(FailedPrecondition, match="settled"):
        protest.check_presentation(p, "settled")
    protest.notice_sent(p, T0, T0 + timedelta(days=3))
    with pytest.raises(FailedPrecondition, match="already presented"):
        protest.check_presentation(p, "")
    with pytest.raises(FailedPrecondition, match="notice period runs until 2024-03-08 13:00"):
        protest.check_protest(p, T0 + timedelta(days=3, seconds=-1), "")
    with pytest.raises(FailedPrecondition, match="recalled"):
        protest.check_protest(p, T0 + timedelta(days=3), "recalled")
    protest.check_protest(p, T0 + timedelta(days=3), "")


def test_time_barred_on_the_fifth_anniversary_of_the_due_date() -> None:
    f = filing.Filing()
    today = date(2024, 3, 5)
    assert filing.refusal(f, "2019-03-06", today, "") is None
    assert filing.refusal(f, "2019-03-05", today, "")[0] == "time_barred"  # type: ignore[index]
    assert filing.time_barred_on(date(2020, 2, 29)) == date(2025, 2, 28)
    assert filing.refusal(f, "", today, "")[0] == "due_date_unknown"  # type: ignore[index]
    assert filing.refusal(f, "2023-01-01", today, "settled")[0] == "settled"  # type: ignore[index]


async def test_small_claims_filed_once_and_never_for_a_time_barred_debt() -> None:
    bridge, cases, _, _, court, _ = full()
    await bridge.requested("t1", filing_request("2019-03-05"))  # five years ago today: time-barred
    await bridge.requested("t1", filing_request("2019-03-05"))
    assert court.filed == []
    assert [e.type for e in cases.events] == ["escalation.refused"]  # reported once
    refused = unpack_payload(cases.events[0].envelope)
    assert isinstance(refused, registry_pb2.EscalationRefused)
    assert refused.rule == "time_barred"
    assert "Código Civil art. 206" in refused.reason

    bridge, cases, _, _, court, _ = full()
    await bridge.requested("t1", filing_request("2023-06-01"))
    await bridge.requested("t1", filing_request("2023-06-01"))
    assert len(court.filed) == 1
    assert [e.type for e in cases.events] == ["court.filed"]
    assert cases.cases[("t1", "d1")].filing.case_number == "0000001-23.2024.8.26.0100"


async def test_recall_removes_the_inscription_and_cancels_the_protest() -> None:
    bridge, cases, bureau, registry, court, clock = full()
    await bridge.requested("t1", request(registry_pb2.ESCALATION_KIND_PRIOR_NOTICE))
    clock.advance(timedelta(days=10))
    await bridge.requested("t1", request(registry_pb2.ESCALATION_KIND_INSCRIPTION))
    await bridge.requested("t1", request(registry_pb2.ESCALATION_KIND_PROTEST))
    clock.advance(timedelta(days=6))  # presented on a Friday: the weekend, then three business days
    await bridge.requested("t1", request(registry_pb2.ESCALATION_KIND_PROTEST))
    assert cases.cases[("t1", "d1")].protest.state == protest.ProtestState.PROTESTED

    await bridge.recalled("t1", "d1", "p1")
    await bridge.recalled("t1", "d1", "p1")  # a redelivery changes nothing
    assert bureau.removals == bureau.inscriptions
    assert registry.cancelled == [(cases.cases[("t1", "d1")].protest_id, "recalled")]
    case = cases.cases[("t1", "d1")]
    assert case.state == CaseState.REMOVED
    assert case.reason == "inscription removed: debt recalled"
    assert case.protest.state == protest.ProtestState.CANCELLED
    removed, cancelled = unpack_payload(cases.events[-2].envelope), unpack_payload(cases.events[-1].envelope)
    assert isinstance(removed, registry_pb2.BureauRemoved)
    assert removed.reason == "recalled"
    assert isinstance(cancelled, registry_pb2.ProtestCancelled)
    assert cancelled.was_protested

    # Nothing further ever happens to a recalled debt.
    await bridge.requested("t1", request(registry_pb2.ESCALATION_KIND_PROTEST))
    await bridge.requested("t1", filing_request("2023-06-01"))
    assert court.filed == []
    assert len(registry.presented) == 1


async def test_settlement_in_the_notice_period_withdraws_the_title() -> None:
    bridge, cases, bureau, registry, _, clock = full()
    await bridge.requested("t1", request(registry_pb2.ESCALATION_KIND_PROTEST))
    await bridge.settled("t1", "d1", "p1")
    assert bureau.removals == []
    assert len(registry.cancelled) == 1
    cancelled = unpack_payload(cases.events[-1].envelope)
    assert isinstance(cancelled, registry_pb2.ProtestCancelled)
    assert not cancelled.was_protested
    clock.advance(timedelta(days=5))
    await bridge.requested("t1", request(registry_pb2.ESCALATION_KIND_PROTEST))
    assert registry.protested == []
