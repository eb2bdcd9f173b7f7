"""Protest requests: business days of the debtor's state, idempotent retries, a new ask after a withdrawal."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

from cordial.events.v1 import registry_pb2
from cordial_core.business_days import protest_not_before
from cordial_core.clock import ControllableClock
from cordial_core.errors import FailedPrecondition
from cordial_core.events import Event, unpack_payload
from cordial_registry_bridge.domain.bridge import RegistryBridge
from cordial_registry_bridge.domain.cases import BureauCase
from cordial_registry_bridge.domain.protest import ProtestState

MONDAY = datetime(2024, 7, 8, 15, tzinfo=UTC)  # 9 July is a holiday in São Paulo, not in Minas Gerais
SP_READY = datetime(2024, 7, 13, 3, tzinfo=UTC)  # Wed 10, Thu 11, Fri 12
MG_READY = datetime(2024, 7, 12, 3, tzinfo=UTC)  # Tue 9, Wed 10, Thu 11


class Cases:
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


class Bureau:
    async def send_notice(self, notice_id: str, case: BureauCase, amount_minor: int, creditor: str) -> bool:
        return True

    async def inscribe(self, inscription_id: str, case: BureauCase, amount_minor: int, creditor: str) -> None:
        return None

    async def remove(self, inscription_id: str) -> None:
        return None


class Registry:
    """Keeps one title per number like the real registry: presenting a known number answers that title."""

    def __init__(self, clock: ControllableClock, calendar_days: int = 3) -> None:
        self.clock, self.calendar_days = clock, calendar_days
        self.titles: dict[str, dict[str, object]] = {}
        self.presentations = 0

    async def present(
        self, protest_id: str, case: BureauCase, amount_minor: int, creditor: str, state: str = ""
    ) -> datetime:
        self.presentations += 1
        title = self.titles.setdefault(
            protest_id, {"state": "notified", "until": self.clock.now() + timedelta(days=self.calendar_days)}
        )
        return title["until"]  # type: ignore[return-value]

    async def protest(self, protest_id: str) -> bool:
        title = self.titles[protest_id]
        if title["state"] != "notified" or self.clock.now() < title["until"]:  # type: ignore[operator]
            return False
        title["state"] = "protested"
        return True

    async def cancel(self, protest_id: str, why: str) -> None:
        self.titles[protest_id]["state"] = "withdrawn"


def make(calendar_days: int = 3) -> tuple[RegistryBridge, Cases, Registry, ControllableClock]:
    cases, clock = Cases(), ControllableClock(MONDAY)
    registry = Registry(clock, calendar_days)
    return RegistryBridge(cases, Bureau(), clock, registry=registry), cases, registry, clock


def ask(request_id: str, state: str = "SP") -> registry_pb2.EscalationRequested:
    return registry_pb2.EscalationRequested(
        request_id=request_id,
        debt_id="d1",
        debtor_id="p1",
        kind=registry_pb2.ESCALATION_KIND_PROTEST,
        creditor_name="Loja",
        debtor_country="BR",
        debtor_state=state,
        time_zone="America/Sao_Paulo",
    )


async def case_of(cases: Cases) -> BureauCase:
    case = await cases.get("t1", "d1")
    assert case is not None
    return case


async def test_the_period_is_counted_in_business_days_of_the_debtors_state() -> None:
    for state, ready in (("SP", SP_READY), ("MG", MG_READY)):
        bridge, cases, _, clock = make()
        await bridge.requested("t1", ask("present", state))
        case = await case_of(cases)
        assert case.protest.not_before == ready == protest_not_before(MONDAY, "America/Sao_Paulo", "BR", state)
        sent = unpack_payload(cases.events[0].envelope)
        assert isinstance(sent, registry_pb2.ProtestNoticeSent)
        assert sent.not_before.ToDatetime(tzinfo=UTC) == ready  # what strategy is told, and counts itself
        clock.set(ready - timedelta(seconds=1))
        await bridge.requested("t1", ask("protest", state))
        assert (await case_of(cases)).protest.state == ProtestState.NOTICE_SENT
        clock.set(ready)
        await bridge.requested("t1", ask("protest", state))
        assert (await case_of(cases)).protest.state == ProtestState.PROTESTED


async def test_a_registry_that_answers_later_is_waited_for() -> None:
    bridge, cases, _, _ = make(calendar_days=10)  # e.g. it knows a municipal holiday
    await bridge.requested("t1", ask("present"))
    assert (await case_of(cases)).protest.not_before == MONDAY + timedelta(days=10)


async def test_a_retry_presents_and_protests_once() -> None:
    bridge, cases, registry, clock = make()
    await bridge.requested("t1", ask("present"))
    await bridge.requested("t1", ask("present"))  # the same ask again: nothing new
    clock.set(SP_READY)
    for _ in range(3):
        await bridge.requested("t1", ask("protest"))
    assert registry.presentations == 1
    assert [e.type for e in cases.events] == ["protest.notice_sent", "protest.registered"]


async def test_a_new_ask_after_a_withdrawal_is_a_new_title_and_old_retries_change_nothing() -> None:
    bridge, cases, registry, clock = make()
    await bridge.requested("t1", ask("present-1"))
    first = (await case_of(cases)).protest_id
    await bridge.agreement_accepted("t1", "d1")  # in its period: withdrawn
    await bridge.agreement_accepted("t1", "d1")  # redelivered: nothing more
    assert registry.titles[first]["state"] == "withdrawn"
    assert [e.type for e in cases.events] == ["protest.notice_sent", "protest.cancelled"]
    cancelled = unpack_payload(cases.events[1].envelope)
    assert isinstance(cancelled, registry_pb2.ProtestCancelled)
    assert (cancelled.reason, cancelled.was_protested) == ("agreement", False)

    clock.advance(timedelta(days=20))  # the agreement broke; a late retry of the old ask arrives first
    await bridge.requested("t1", ask("present-1"))
    assert (await case_of(cases)).protest.state == ProtestState.CANCELLED
    assert registry.presentations == 1

    await bridge.requested("t1", ask("present-2"))  # strategy's new ask
    case = await case_of(cases)
    assert case.protest.state == ProtestState.NOTICE_SENT
    assert case.protest_id != first
    assert case.protest.attempt == 1
    assert registry.titles[case.protest_id]["state"] == "notified"
    clock.set(case.protest.not_before)  # type: ignore[arg-type]
    await bridge.requested("t1", ask("protest-2"))
    assert registry.titles[case.protest_id]["state"] == "protested"
    assert registry.titles[first]["state"] == "withdrawn"
    await bridge.requested("t1", ask("present-2"))  # a retry of the new ask: nothing
    assert registry.presentations == 2


async def test_an_ask_refused_in_the_period_and_retried_after_the_withdrawal_is_no_new_ask() -> None:
    bridge, cases, registry, clock = make()
    await bridge.requested("t1", ask("present-1"))
    await bridge.requested("t1", ask("protest-1"))  # too early: refused, but remembered as this attempt's
    await bridge.agreement_accepted("t1", "d1")
    clock.advance(timedelta(days=1))
    await bridge.requested("t1", ask("protest-1"))  # strategy re-asks before it heard of the agreement
    assert registry.presentations == 1
    assert (await case_of(cases)).protest.state == ProtestState.CANCELLED


async def test_a_settled_debt_is_never_presented_again_whatever_the_id() -> None:
    bridge, cases, registry, _ = make()
    await bridge.requested("t1", ask("present-1"))
    await bridge.settled("t1", "d1", "p1")
    await bridge.requested("t1", ask("present-2"))
    assert registry.presentations == 1
    assert (await case_of(cases)).protest.state == ProtestState.CANCELLED
