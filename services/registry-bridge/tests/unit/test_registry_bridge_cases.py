"""The bureau case state machine and the bridge that runs it, with in-memory fakes."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from cordial.events.v1 import registry_pb2
from cordial_core.clock import ControllableClock
from cordial_core.errors import FailedPrecondition
from cordial_core.events import Event
from cordial_registry_bridge.domain import cases as machine
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
