"""The collection ruler: decides each next action for a debt, asking the contact policy first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from cordial.events.v1 import actions_pb2
from cordial_core.clock import Clock
from cordial_core.events import Event, EventSource
from cordial_core.ids import stable_id
from cordial_core.money import Money
from cordial_strategy.domain.policy import Decision, check_contact_hours
from cordial_strategy.domain.treatment import DEFAULT_FIRST_STEP, Step

SOURCE = "strategy"


@dataclass
class ActionRecord:
    """A step the ruler decided on, with the decision behind it."""

    action_id: str
    step: str
    channels: tuple[int, ...]
    state: str  # requested | deferred
    decision: Decision


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
    async def due(self, now: datetime, limit: int) -> list[Case]: ...


class Ruler:
    """Turns what happened to a debt into the next action, once, at a decent hour."""

    def __init__(self, cases: Cases, clock: Clock, first_step: Step = DEFAULT_FIRST_STEP) -> None:
        self._cases = cases
        self._clock = clock
        self._events = EventSource(SOURCE, clock)
        self._first_step = first_step

    async def debt_placed(
        self, tenant: str, debt_id: str, debtor_id: str, creditor_name: str, balance: Money, time_zone: str
    ) -> None:
        """Records the debt and acts if a contact point is already known."""
        case = await self._cases.load_or_new(tenant, debt_id, debtor_id)
        case.has_debt, case.creditor_name, case.balance, case.time_zone = True, creditor_name, balance, time_zone
        await self._cases.save(case, self._evaluate(case))

    async def contact_verified(self, tenant: str, debt_id: str, debtor_id: str) -> None:
        """Records that the debtor can be reached and acts if the debt is known."""
        case = await self._cases.load_or_new(tenant, debt_id, debtor_id)
        case.contact_ready = True
        await self._cases.save(case, self._evaluate(case))

    async def debt_settled(self, tenant: str, debt_id: str, debtor_id: str) -> None:
        """Stops all contact for a settled debt."""
        await self._stop(tenant, debt_id, debtor_id, "debt settled")

    async def debt_closed(self, tenant: str, debt_id: str, debtor_id: str, reason: str) -> None:
        """Stops all contact for a debt the client recalled or the agency wrote off."""
        await self._stop(tenant, debt_id, debtor_id, reason)

    async def run_due(self, limit: int = 100) -> int:
        """Re-evaluates the cases whose deferred actions are due; returns how many."""
        due = await self._cases.due(self._clock.now(), limit)
        for case in due:
            await self._cases.save(case, self._evaluate(case))
        return len(due)

    async def _stop(self, tenant: str, debt_id: str, debtor_id: str, reason: str) -> None:
        case = await self._cases.load_or_new(tenant, debt_id, debtor_id)
        if case.stopped:
            return
        case.stopped, case.stop_reason, case.next_due_at = True, reason, None
        payload = actions_pb2.TreatmentStopped(debt_id=debt_id, debtor_id=debtor_id, reason=reason)
        await self._cases.save(case, [self._event(case, "treatment.stopped", payload)])

    def _evaluate(self, case: Case) -> list[Event]:
        step = self._first_step
        known = case.actions.get(step.name)
        if case.stopped or not case.has_debt or not case.contact_ready or (known and known.state == "requested"):
            return []
        decision = check_contact_hours(self._clock.now(), case.time_zone)
        action_id = stable_id(case.tenant, case.debt_id, step.name)
        if not decision.allowed:
            case.actions[step.name] = ActionRecord(action_id, step.name, step.channels, "deferred", decision)
            case.next_due_at = decision.next_allowed_at
            return []
        case.actions[step.name] = ActionRecord(action_id, step.name, step.channels, "requested", decision)
        case.next_due_at = None
        assert case.balance is not None
        payload = actions_pb2.ActionRequested(
            action_id=action_id,
            debt_id=case.debt_id,
            debtor_id=case.debtor_id,
            step=step.name,
            channels=list(step.channels),
            template=step.template,
            balance=case.balance.to_proto(),
            creditor_name=case.creditor_name,
            time_zone=decision.time_zone,
            policy_rule=decision.rule,
        )
        return [self._event(case, "action.requested", payload)]

    def _event(self, case: Case, event_type: str, payload: object) -> Event:
        return self._events.event(event_type, payload, tenant=case.tenant, subject=case.debt_id, key=case.debtor_id)
