"""What the ruler answers about cases: send-time checks, explanations, per-variant results and explicit moves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta

from cordial.types.v1 import types_pb2
from cordial_core.clock import Clock
from cordial_core.errors import FailedPrecondition, NotFound
from cordial_core.events import Event
from cordial_strategy.domain.book import StrategyBook
from cordial_strategy.domain.case import MAX_HISTORY, ActionRecord, Case, Cases, Results, VariantResults
from cordial_strategy.domain.guard import ContactGuard
from cordial_strategy.domain.policy import ContactRequest, Decision
from cordial_strategy.domain.standing import DEFAULT_RETRY, Standing, Standings, standing_decision

ATTEMPTS = 5


class CaseBook:
    """Reads and small changes of cases, each retried on a concurrent change."""

    def __init__(
        self,
        cases: Cases,
        guard: ContactGuard,
        clock: Clock,
        book: StrategyBook | None = None,
        standings: Standings | None = None,
        standing_retry: timedelta = DEFAULT_RETRY,
    ) -> None:
        self._cases = cases
        self._guard = guard
        self._clock = clock
        self._book = book
        # Agreements' word on the debt at send time (None: events alone, as in tests without agreements).
        self._standings = standings
        self._standing_retry = standing_retry

    async def _change(
        self, tenant: str, debt_id: str, change: Callable[[Case], Awaitable[list[Event]]], event_id: str = ""
    ) -> Case | None:
        """Loads a case, changes it and saves it with the events the change returns, and the id of the event that
        caused it (`Case.takes`) in the same write; None when the case is unknown or that event changed it before."""
        for _ in range(ATTEMPTS):
            case = await self._cases.load(tenant, debt_id)
            if case is None or not case.takes(event_id):
                return None
            events = await change(case)
            try:
                await self._cases.save(case, events)
                return case
            except FailedPrecondition:
                continue  # the case moved meanwhile; change the fresh one
        raise FailedPrecondition("the case kept changing; retry")

    async def check_contact(
        self,
        tenant: str,
        debt_id: str,
        channel: types_pb2.Channel,
        contact_point_id: str,
        action_id: str,
        purpose: str = "",
    ) -> Decision:
        """Messaging's question at send time: the debt's standing as agreements knows it now, then the full policy;
        the decision is stored under the action. A deny by the standing reserves nothing. A purpose given (a
        validation notice messaging owes) decides over the action's own."""
        decided: list[Decision] = []
        # Asked before the case is read: agreements may know of an agreement or a settlement strategy has not
        # consumed yet (the event is on its way), and that must stop a collection message now.
        standing = await self._standings.standing(tenant, debt_id) if self._standings is not None else None

        async def check(case: Case) -> list[Event]:
            record = next((a for a in case.actions.values() if a.action_id == action_id), None)
            request = request_of(case, channel, contact_point_id, action_id)
            if record is not None:
                request = replace(request, purpose=record.purpose)
            if purpose:
                request = replace(request, purpose=purpose)
            decision = self._by_standing(request, standing) or await self._guard.check(case.debtor_id, request)
            if record is None:
                record = ActionRecord(action_id, "", (channel,), "checked", decision, purpose=request.purpose)
                case.actions[action_id] = record
            record.history = [*record.history, decision][-MAX_HISTORY:]
            decided.append(decision)
            return []

        if await self._change(tenant, debt_id, check) is None:
            raise NotFound(f"no case for debt {debt_id}", field="debt_id")
        return decided[-1]

    def _by_standing(self, request: ContactRequest, standing: Standing | None) -> Decision | None:
        """The deny the debt's standing imposes now, if any."""
        if standing is None:
            return None
        return standing_decision(self._clock.now(), request, standing, self._standing_retry)

    async def explain(self, tenant: str, action_id: str) -> tuple[Case, ActionRecord]:
        """The action and every decision taken for it."""
        case = await self._cases.with_action(tenant, action_id)
        record = next((a for a in case.actions.values() if a.action_id == action_id), None) if case else None
        if case is None or record is None:
            raise NotFound(f"no action {action_id}", field="action_id")
        return case, record

    async def case(self, tenant: str, debt_id: str) -> Case | None:
        """The case of a debt, or None."""
        return await self._cases.load(tenant, debt_id)

    async def count(
        self, tenant: str, debt_id: str, change: Callable[[Results], None], event_id: str = ""
    ) -> Case | None:
        """Counts something that happened to a debt towards its variant's results; the case, or None if unknown (or
        the event was counted before)."""

        async def counted(case: Case) -> list[Event]:
            change(case.results)
            return []

        return await self._change(tenant, debt_id, counted, event_id)

    async def variant_results(self, tenant: str) -> list[VariantResults]:
        """Results per strategy version and variant of a client's debts."""
        totals: dict[tuple[str, int, str], VariantResults] = {}
        for case in await self._cases.of_tenant(tenant):
            if not case.strategy_version:
                continue
            key = (case.strategy_scope, case.strategy_version, case.variant)
            totals.setdefault(key, VariantResults(*key)).add(case.results)
        return sorted(totals.values(), key=lambda r: (r.scope, r.version, r.variant))

    async def move(self, tenant: str, debt_id: str, version: int) -> Case:
        """Moves a debt explicitly to another saved version of its strategy's scope."""
        if self._book is None:
            raise FailedPrecondition("no strategy book")
        case = await self._cases.load(tenant, debt_id)
        if case is None:
            raise NotFound(f"no case for debt {debt_id}", field="debt_id")
        scope = case.strategy_scope or tenant
        await self._book.pinned(scope, version, "moved")
        case.strategy_scope, case.strategy_version, case.variant = scope, version, "moved"
        await self._cases.save(case, [])
        return case


def request_of(case: Case, channel: int, contact_point_id: str = "", action_id: str = "") -> ContactRequest:
    """A contact request about a case's debt, where its debtor lives."""
    return ContactRequest(
        case.tenant,
        case.debt_id,
        channel,
        contact_point_id,
        time_zone=case.time_zone,
        country=case.country,
        state=case.state,
        action_id=action_id,
    )
