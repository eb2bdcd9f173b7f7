"""Runs bureau cases: takes escalation requests and settlements, calls the bureau, records what happened."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from google.protobuf.timestamp_pb2 import Timestamp

from cordial.events.v1 import registry_pb2
from cordial_core.clock import Clock
from cordial_core.errors import FailedPrecondition
from cordial_core.events import Event, EventSource
from cordial_registry_bridge.domain import cases as machine
from cordial_registry_bridge.domain.cases import BureauCase

SOURCE = "registry-bridge"


class BureauCases(Protocol):
    """Where bureau cases are kept (optimistic versions)."""

    async def get(self, tenant: str, debt_id: str) -> BureauCase | None: ...
    async def create(self, case: BureauCase) -> None: ...
    async def save(self, case: BureauCase, events: list[Event]) -> None: ...


class Bureau(Protocol):
    """The credit bureau; every call is idempotent by its id."""

    async def send_notice(self, notice_id: str, case: BureauCase, amount_minor: int, creditor: str) -> bool: ...
    async def inscribe(self, inscription_id: str, case: BureauCase, amount_minor: int, creditor: str) -> None: ...
    async def remove(self, inscription_id: str) -> None: ...


def _ts(at: datetime) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(at)
    return ts


class RegistryBridge:
    """The bureau case state machine driven by events, with the bureau behind a port."""

    def __init__(self, cases: BureauCases, bureau: Bureau, clock: Clock) -> None:
        self._cases = cases
        self._bureau = bureau
        self._clock = clock
        self._events = EventSource(SOURCE, clock)

    async def _load(self, tenant: str, debt_id: str, debtor_id: str) -> BureauCase:
        case = await self._cases.get(tenant, debt_id)
        if case is None:
            await self._cases.create(machine.new_case(tenant, debt_id, debtor_id))
            case = await self._cases.get(tenant, debt_id)
        assert case is not None
        return case

    async def requested(self, tenant: str, req: registry_pb2.EscalationRequested) -> BureauCase:
        """Takes one escalation step strategy asked for, if the state machine allows it."""
        case = await self._load(tenant, req.debt_id, req.debtor_id)
        amount, creditor = req.balance.amount_minor, req.creditor_name
        if req.kind == registry_pb2.ESCALATION_KIND_PRIOR_NOTICE:
            await self._notice(case, amount, creditor)
        elif req.kind == registry_pb2.ESCALATION_KIND_INSCRIPTION:
            await self._inscribe(case, amount, creditor)
        elif req.kind == registry_pb2.ESCALATION_KIND_REMOVAL:
            await self.settled(tenant, req.debt_id, req.debtor_id)
        return case

    async def _notice(self, case: BureauCase, amount: int, creditor: str) -> None:
        if not machine.notice_sent(case):
            return  # already sent, or settled: nothing twice
        confirmed = await self._bureau.send_notice(case.notice_id, case, amount, creditor)
        events: list[Event] = []
        now = self._clock.now()
        if confirmed and machine.notice_confirmed(case, now):
            payload = registry_pb2.BureauNoticeConfirmed(
                debt_id=case.debt_id,
                debtor_id=case.debtor_id,
                notice_id=case.notice_id,
                confirmed_at=_ts(now),
                wait_days=case.wait_days,
            )
            events.append(self._event(case, "bureau.notice_confirmed", payload))
        await self._cases.save(case, events)

    async def _inscribe(self, case: BureauCase, amount: int, creditor: str) -> None:
        try:
            machine.check_inscription(case, self._clock.now())
        except FailedPrecondition:
            return  # not allowed (yet) or already done; strategy asks again when its rules allow
        await self._bureau.inscribe(case.inscription_id, case, amount, creditor)
        now = self._clock.now()
        machine.inscribed(case, now)
        payload = registry_pb2.BureauInscribed(
            debt_id=case.debt_id, debtor_id=case.debtor_id, inscription_id=case.inscription_id, inscribed_at=_ts(now)
        )
        await self._cases.save(case, [self._event(case, "bureau.inscribed", payload)])

    async def settled(self, tenant: str, debt_id: str, debtor_id: str) -> BureauCase:
        """A settled debt is never inscribed, and its inscription is removed at once."""
        case = await self._load(tenant, debt_id, debtor_id)
        if not machine.settle(case):
            await self._cases.save(case, [])
            return case
        await self._bureau.remove(case.inscription_id)
        now = self._clock.now()
        machine.removed(case, now)
        payload = registry_pb2.BureauRemoved(
            debt_id=case.debt_id, debtor_id=case.debtor_id, inscription_id=case.inscription_id, removed_at=_ts(now)
        )
        await self._cases.save(case, [self._event(case, "bureau.removed", payload)])
        return case

    def _event(self, case: BureauCase, event_type: str, payload: object) -> Event:
        return self._events.event(event_type, payload, tenant=case.tenant, subject=case.debt_id, key=case.debtor_id)
