"""The collection ruler: decides each next action for a debt, asking the contact policy first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from cordial.events.v1 import actions_pb2
from cordial.types.v1 import types_pb2
from cordial_core.clock import Clock
from cordial_core.errors import FailedPrecondition, NotFound
from cordial_core.events import Event, EventSource
from cordial_core.ids import stable_id
from cordial_core.money import Money
from cordial_strategy.domain.debtor import DebtorState
from cordial_strategy.domain.guard import ContactGuard
from cordial_strategy.domain.policy import ContactRequest, Decision
from cordial_strategy.domain.treatment import DEFAULT_FIRST_STEP, Step

SOURCE = "strategy"
LEASE = timedelta(minutes=2)
MAX_HISTORY = 30


@dataclass
class ActionRecord:
    """A step the ruler decided on, with the decision behind it."""

    action_id: str
    step: str
    channels: tuple[int, ...]
    state: str  # requested | deferred | held | checked
    decision: Decision
    # Every decision taken for the action, oldest first: the ruler's, then messaging's at send time.
    history: list[Decision] = field(default_factory=list)

    def decided(self, decision: Decision) -> None:
        """Keeps a new decision with the action."""
        self.decision = decision
        self.history = [*self.history, decision][-MAX_HISTORY:]


@dataclass
class Case:
    """What the ruler knows about one debt; events may arrive in any order."""

    debt_id: str
    tenant: str
    debtor_id: str
    has_debt: bool = False
    creditor_name: str = ""
    balance: Money | None = None
    time_zone: str = ""
    country: str = ""  # ISO 3166 alpha-2 when the client said; else inferred from the zone
    state: str = ""  # the debtor's state (a UF) from the address; when unknown, see hours.jurisdiction
    contact_ready: bool = False
    stopped: bool = False
    stop_reason: str = ""
    actions: dict[str, ActionRecord] = field(default_factory=dict)
    next_due_at: datetime | None = None
    version: int = 0


class Cases(Protocol):
    """Where cases are kept."""

    async def load_or_new(self, tenant: str, debt_id: str, debtor_id: str) -> Case: ...
    async def load(self, tenant: str, debt_id: str) -> Case | None: ...
    async def save(self, case: Case, events: list[Event]) -> None: ...
    async def claim_due(self, now: datetime, owner: str, lease: timedelta, limit: int) -> list[Case]: ...
    async def claim_sweep(
        self, now: datetime, day: str, partition: int, partitions: int, owner: str, lease: timedelta, limit: int
    ) -> list[Case]: ...
    async def with_action(self, tenant: str, action_id: str) -> Case | None: ...


class Ruler:
    """Turns what happened to a debt into the next action, once, at a decent hour."""

    def __init__(self, cases: Cases, guard: ContactGuard, clock: Clock, first_step: Step = DEFAULT_FIRST_STEP) -> None:
        self._cases = cases
        self._guard = guard
        self._clock = clock
        self._events = EventSource(SOURCE, clock)
        self._first_step = first_step

    async def debt_placed(
        self,
        tenant: str,
        debt_id: str,
        debtor_id: str,
        creditor_name: str,
        balance: Money,
        time_zone: str,
        country: str = "",
        state: str = "",
    ) -> None:
        """Records the debt and where the debtor lives, and acts if a contact point is already known."""
        case = await self._cases.load_or_new(tenant, debt_id, debtor_id)
        case.has_debt, case.creditor_name, case.balance, case.time_zone = True, creditor_name, balance, time_zone
        case.country, case.state = country.strip().upper(), state.strip().upper()
        await self._cases.save(case, await self._evaluate(case))

    async def contact_verified(self, tenant: str, debt_id: str, debtor_id: str) -> None:
        """Records that the debtor can be reached and acts if the debt is known."""
        case = await self._cases.load_or_new(tenant, debt_id, debtor_id)
        case.contact_ready = True
        await self._cases.save(case, await self._evaluate(case))

    async def debt_settled(self, tenant: str, debt_id: str, debtor_id: str) -> None:
        """Stops all contact for a settled debt."""
        await self._stop(tenant, debt_id, debtor_id, "debt settled")

    async def debt_closed(self, tenant: str, debt_id: str, debtor_id: str, reason: str) -> None:
        """Stops all contact for a debt the client recalled or the agency wrote off."""
        await self._stop(tenant, debt_id, debtor_id, reason)

    async def run_due(self, owner: str = "local", limit: int = 100) -> int:
        """Claims the cases whose deferred actions are due and re-evaluates them; returns how many."""
        due = await self._cases.claim_due(self._clock.now(), owner, LEASE, limit)
        return await self._evaluate_all(due)

    async def sweep(self, partition: int = 0, partitions: int = 1, owner: str = "local", limit: int = 100) -> int:
        """Re-evaluates open cases of one partition not yet swept today (agency time, UTC day); returns how many."""
        now = self._clock.now()
        batch = await self._cases.claim_sweep(now, f"{now:%Y-%m-%d}", partition, partitions, owner, LEASE, limit)
        return await self._evaluate_all(batch)

    async def _evaluate_all(self, cases: list[Case]) -> int:
        for case in cases:
            try:
                await self._cases.save(case, await self._evaluate(case))
            except FailedPrecondition:
                continue  # an event changed it meanwhile and evaluated it; its lease is gone
        return len(cases)

    async def reevaluate(self, tenant: str, debt_id: str) -> None:
        """Looks at a debt again (after a reply, a hold, or in the daily sweep)."""
        case = await self._cases.load(tenant, debt_id)
        if case is not None:
            await self._cases.save(case, await self._evaluate(case))

    async def check_contact(
        self, tenant: str, debt_id: str, channel: int, contact_point_id: str, action_id: str
    ) -> Decision:
        """Messaging's question at send time: the full policy now, stored under the action."""
        for _ in range(5):
            case = await self._cases.load(tenant, debt_id)
            if case is None:
                raise NotFound(f"no case for debt {debt_id}", field="debt_id")
            request = self._request(case, channel, contact_point_id, action_id)
            decision = await self._guard.check(case.debtor_id, request)
            record = next((a for a in case.actions.values() if a.action_id == action_id), None)
            if record is None:
                record = ActionRecord(action_id, "", (channel,), "checked", decision)
                case.actions[action_id] = record
            record.history = [*record.history, decision][-MAX_HISTORY:]
            try:
                await self._cases.save(case, [])
                return decision
            except FailedPrecondition:
                continue  # the case moved meanwhile; decide again on the fresh one
        raise FailedPrecondition("the case kept changing; retry")

    async def explain(self, tenant: str, action_id: str) -> tuple[Case, ActionRecord]:
        """The action and every decision taken for it."""
        case = await self._cases.with_action(tenant, action_id)
        record = next((a for a in case.actions.values() if a.action_id == action_id), None) if case else None
        if case is None or record is None:
            raise NotFound(f"no action {action_id}", field="action_id")
        return case, record

    async def _stop(self, tenant: str, debt_id: str, debtor_id: str, reason: str) -> None:
        case = await self._cases.load_or_new(tenant, debt_id, debtor_id)
        if case.stopped:
            return
        case.stopped, case.stop_reason, case.next_due_at = True, reason, None
        payload = actions_pb2.TreatmentStopped(debt_id=debt_id, debtor_id=debtor_id, reason=reason)
        await self._cases.save(case, [self._event(case, "treatment.stopped", payload)])

    def _request(self, case: Case, channel: int, contact_point_id: str = "", action_id: str = "") -> ContactRequest:
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

    async def _evaluate(self, case: Case) -> list[Event]:
        step = self._first_step
        known = case.actions.get(step.name)
        if case.stopped or not case.has_debt or not case.contact_ready or (known and known.state == "requested"):
            return []
        debtor = await self._guard.state(case.debtor_id)
        decision, channels = self._decide(case, debtor, step)
        action_id = stable_id(case.tenant, case.debt_id, step.name)
        record = known or ActionRecord(action_id, step.name, step.channels, "deferred", decision)
        record.decided(decision)
        case.actions[step.name] = record
        if not decision.allowed:
            # A hold with no end waits for the daily sweep; anything else comes back when allowed.
            record.state = "deferred" if decision.next_allowed_at else "held"
            case.next_due_at = decision.next_allowed_at
            return []
        record.state, record.channels = "requested", channels
        case.next_due_at = None
        assert case.balance is not None
        payload = actions_pb2.ActionRequested(
            action_id=action_id,
            debt_id=case.debt_id,
            debtor_id=case.debtor_id,
            step=step.name,
            channels=list(channels),
            template=step.template,
            balance=case.balance.to_proto(),
            creditor_name=case.creditor_name,
            time_zone=decision.time_zone,
            policy_rule=decision.rule,
        )
        return [self._event(case, "action.requested", payload)]

    def _decide(self, case: Case, debtor: DebtorState, step: Step) -> tuple[Decision, tuple[int, ...]]:
        """The policy for the debt on any channel, and the step's channels the person has not opted out of."""
        now = self._clock.now()
        decision = self._guard.policy.check(now, self._request(case, types_pb2.CHANNEL_UNSPECIFIED), debtor)
        open_channels = tuple(c for c in step.channels if str(c) not in debtor.opted_out_channels)
        if decision.allowed and not open_channels:
            channel = self._guard.policy.check(now, self._request(case, step.channels[0]), debtor)
            return channel, ()
        return decision, open_channels

    def _event(self, case: Case, event_type: str, payload: object) -> Event:
        return self._events.event(event_type, payload, tenant=case.tenant, subject=case.debt_id, key=case.debtor_id)
