"""Runs escalation cases: takes requests, settlements and recalls, calls bureau, registry and court, records it."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from cordial.events.v1 import registry_pb2
from cordial_core.business_days import protest_not_before
from cordial_core.clock import Clock
from cordial_core.errors import FailedPrecondition
from cordial_core.events import Event, EventSource
from cordial_registry_bridge.domain import cases as machine
from cordial_registry_bridge.domain import filing, protest
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


class ProtestRegistry(Protocol):
    """The protest registry; every call is idempotent by the protest id."""

    async def present(
        self, protest_id: str, case: BureauCase, amount_minor: int, creditor: str, state: str = ""
    ) -> datetime:
        """Presents the title at the state's registry; it notifies the debtor and answers when protest may follow."""
        ...

    async def protest(self, protest_id: str) -> bool:
        """Asks for the protest; False when the registry says the period still runs."""
        ...

    async def cancel(self, protest_id: str, why: str) -> None: ...


class Court(Protocol):
    """Court e-filing; idempotent by the filing id."""

    async def file(self, filing_id: str, case: BureauCase, amount_minor: int, creditor: str, due_date: str) -> str:
        """Files the small-claims petition and answers the court's case number."""
        ...


def _ts(at: datetime) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(at)
    return ts


class RegistryBridge:
    """The bureau case state machine driven by events, with the bureau behind a port."""

    def __init__(
        self,
        cases: BureauCases,
        bureau: Bureau,
        clock: Clock,
        registry: ProtestRegistry | None = None,
        court: Court | None = None,
    ) -> None:
        self._cases = cases
        self._bureau = bureau
        self._registry = registry
        self._court = court
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
        elif req.kind == registry_pb2.ESCALATION_KIND_PROTEST:
            await self._protest(case, amount, creditor, req)
        elif req.kind == registry_pb2.ESCALATION_KIND_SMALL_CLAIMS:
            await self._file(case, amount, creditor, req.due_date)
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

    async def _protest(
        self, case: BureauCase, amount: int, creditor: str, req: registry_pb2.EscalationRequested
    ) -> None:
        """Presents the title (the registry notifies the debtor), or protests it once the notice period has run.

        The period is counted in business days of the debtor's place (cordial_core.business_days, as strategy
        counts it); the later of that and the registry's own answer holds.
        """
        if self._registry is None:
            return await self._refuse(case, registry_pb2.ESCALATION_KIND_PROTEST, "no_registry", "no protest registry")
        now = self._clock.now()
        if protest.is_new_attempt(case.protest, req.request_id, case.closed_because):
            protest.reopen(case.protest)  # withdrawn while in an agreement that broke: a new title, a new number
        # Every ask of this attempt is remembered, answered or not: after a withdrawal its late retry is no new ask.
        first_ask = protest.asked(case.protest, req.request_id)
        try:
            if case.protest.state == protest.ProtestState.NONE:
                protest.check_presentation(case.protest, case.closed_because)
            else:
                protest.check_protest(case.protest, now, case.closed_because)
        except FailedPrecondition:
            # Not allowed (yet) or already done; strategy asks again when its rules allow.
            return await self._cases.save(case, []) if first_ask else None
        if case.protest.state == protest.ProtestState.NONE:
            answered = await self._registry.present(case.protest_id, case, amount, creditor, req.debtor_state)
            ours = protest_not_before(now, req.time_zone, req.debtor_country or "BR", req.debtor_state)
            not_before = max(answered, ours)
            protest.notice_sent(case.protest, now, not_before)
            sent = registry_pb2.ProtestNoticeSent(
                debt_id=case.debt_id,
                debtor_id=case.debtor_id,
                protest_id=case.protest_id,
                notice_sent_at=_ts(now),
                not_before=_ts(not_before),
            )
            return await self._cases.save(case, [self._event(case, "protest.notice_sent", sent)])
        if not await self._registry.protest(case.protest_id):
            return await self._cases.save(case, []) if first_ask else None  # the registry's own period still runs
        protest.protested(case.protest, now)
        done = registry_pb2.ProtestRegistered(
            debt_id=case.debt_id, debtor_id=case.debtor_id, protest_id=case.protest_id, protested_at=_ts(now)
        )
        await self._cases.save(case, [self._event(case, "protest.registered", done)])

    async def _file(self, case: BureauCase, amount: int, creditor: str, due_date: str) -> None:
        """Files a small-claims petition unless the debt is time-barred, closed or already filed."""
        now = self._clock.now()
        refused = filing.refusal(case.filing, due_date, now.date(), case.closed_because)
        if refused is None and self._court is None:
            refused = ("no_court", "no court e-filing configured")
        if refused is not None:
            return await self._refuse(case, registry_pb2.ESCALATION_KIND_SMALL_CLAIMS, *refused)
        assert self._court is not None
        number = await self._court.file(case.filing_id, case, amount, creditor, due_date)
        filing.filed(case.filing, now, number)
        filed = registry_pb2.CourtFiled(
            debt_id=case.debt_id,
            debtor_id=case.debtor_id,
            filing_id=case.filing_id,
            case_number=number,
            filed_at=_ts(now),
        )
        await self._cases.save(case, [self._event(case, "court.filed", filed)])

    async def _refuse(self, case: BureauCase, kind: registry_pb2.EscalationKind, rule: str, reason: str) -> None:
        """Reports a refusal once per rule (a repeated request changes nothing)."""
        if rule == "already_filed" or case.filing.refused == rule:
            return
        case.filing.refused = rule
        payload = registry_pb2.EscalationRefused(
            debt_id=case.debt_id,
            debtor_id=case.debtor_id,
            kind=kind,
            rule=rule,
            reason=reason,
        )
        await self._cases.save(case, [self._event(case, "escalation.refused", payload)])

    async def agreement_accepted(self, tenant: str, debt_id: str) -> None:
        """Withdraws a title still in its notice period: a debt in an agreement in good standing is not protested."""
        case = await self._cases.get(tenant, debt_id)
        if case is None or case.protest.state != protest.ProtestState.NOTICE_SENT or self._registry is None:
            return
        await self._registry.cancel(case.protest_id, "agreement")
        protest.cancelled(case.protest, self._clock.now(), "in an agreement")
        await self._cases.save(case, [self._cancelled_event(case, "agreement", was_protested=False)])

    async def settled(self, tenant: str, debt_id: str, debtor_id: str) -> BureauCase:
        """A settled debt is never inscribed, protested or sued; its inscription is removed, its protest cancelled."""
        return await self._close(tenant, debt_id, debtor_id, "settled")

    async def recalled(self, tenant: str, debt_id: str, debtor_id: str) -> BureauCase:
        """A recalled debt leaves collection: as on settlement, its inscription is removed and its protest cancelled."""
        return await self._close(tenant, debt_id, debtor_id, "recalled")

    async def _close(self, tenant: str, debt_id: str, debtor_id: str, why: str) -> BureauCase:
        case = await self._load(tenant, debt_id, debtor_id)
        remove = machine.settle(case) if why == "settled" else machine.recall(case)
        events: list[Event] = []
        now = self._clock.now()
        if remove:
            await self._bureau.remove(case.inscription_id)
            machine.removed(case, now, why)
            removed = registry_pb2.BureauRemoved(
                debt_id=case.debt_id,
                debtor_id=case.debtor_id,
                inscription_id=case.inscription_id,
                removed_at=_ts(now),
                reason=why,
            )
            events.append(self._event(case, "bureau.removed", removed))
        if protest.must_cancel(case.protest) and self._registry is not None:
            await self._registry.cancel(case.protest_id, why)
            was_protested = protest.cancelled(case.protest, now, why)
            events.append(self._cancelled_event(case, why, was_protested))
        await self._cases.save(case, events)
        return case

    def _cancelled_event(self, case: BureauCase, why: str, was_protested: bool) -> Event:
        cancelled = registry_pb2.ProtestCancelled(
            debt_id=case.debt_id,
            debtor_id=case.debtor_id,
            protest_id=case.protest_id,
            cancelled_at=_ts(self._clock.now()),
            reason=why,
            was_protested=was_protested,
        )
        return self._event(case, "protest.cancelled", cancelled)

    def _event(self, case: BureauCase, event_type: str, payload: Message) -> Event:
        return self._events.event(event_type, payload, tenant=case.tenant, subject=case.debt_id, key=case.debtor_id)
