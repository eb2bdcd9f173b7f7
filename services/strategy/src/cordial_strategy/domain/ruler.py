"""The collection ruler: decides each next action for a debt, asking the contact policy first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Protocol

from google.protobuf.timestamp_pb2 import Timestamp

from cordial.events.v1 import actions_pb2, registry_pb2
from cordial.types.v1 import types_pb2
from cordial_core.clock import Clock
from cordial_core.errors import FailedPrecondition, NotFound
from cordial_core.events import Event, EventSource
from cordial_core.ids import stable_id
from cordial_core.money import Money
from cordial_strategy.domain.book import Assignment, StrategyBook
from cordial_strategy.domain.debtor import DebtorState, HoldKind, OpenDebt, debt_key
from cordial_strategy.domain.escalation import (
    BUREAU,
    NOTICE,
    PRESENT,
    PROTEST,
    SUIT,
    DebtStanding,
    EscalationProgress,
    next_escalation,
)
from cordial_strategy.domain.guard import ContactGuard
from cordial_strategy.domain.policy import ContactRequest, Decision
from cordial_strategy.domain.profile import build_profile
from cordial_strategy.domain.strategies import assign
from cordial_strategy.domain.treatment import DEFAULT_FIRST_STEP, Step, first_step

SOURCE = "strategy"
LEASE = timedelta(minutes=2)
# Estimated cost of one message per channel, in minor units of BRL, until providers report their prices.
COST_PER_CHANNEL = {
    types_pb2.CHANNEL_SMS: 9,
    types_pb2.CHANNEL_WHATSAPP: 5,
    types_pb2.CHANNEL_EMAIL: 0,
    types_pb2.CHANNEL_VOICE: 40,
    types_pb2.CHANNEL_LETTER: 250,
}
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
    company: bool = False
    due_date: str = ""
    # The strategy the debt follows, pinned when it is first evaluated; moved only explicitly.
    strategy_scope: str = ""
    strategy_version: int = 0
    variant: str = ""
    segment: str = ""
    results: Results = field(default_factory=lambda: Results())
    escalation: Escalation = field(default_factory=lambda: Escalation())
    version: int = 0


@dataclass
class Escalation:
    """A debt's escalation: the strategy's path and what registry-bridge was asked and answered."""

    path: tuple[str, ...] = ()
    started_at: datetime | None = None
    notice_requested: bool = False
    notice_confirmed_at: datetime | None = None
    inscription_requested: bool = False
    inscribed: bool = False
    removal_requested: bool = False
    removed: bool = False
    protest_presented: bool = False
    protest_notice_at: datetime | None = None
    protest_requested_at: datetime | None = None
    protested: bool = False
    filing_requested: bool = False


# Each escalation stage: the kind registry-bridge is asked for and the Escalation flag that records the ask.
_STAGES = {
    NOTICE: (registry_pb2.ESCALATION_KIND_PRIOR_NOTICE, "notice_requested"),
    BUREAU: (registry_pb2.ESCALATION_KIND_INSCRIPTION, "inscription_requested"),
    PRESENT: (registry_pb2.ESCALATION_KIND_PROTEST, "protest_presented"),
    PROTEST: (registry_pb2.ESCALATION_KIND_PROTEST, "protest_requested_at"),
    SUIT: (registry_pb2.ESCALATION_KIND_SMALL_CLAIMS, "filing_requested"),
}


@dataclass
class VariantResults:
    """A variant's results summed over its debts."""

    scope: str
    version: int
    variant: str
    debts: int = 0
    contacted: int = 0
    right_party: int = 0
    agreements: int = 0
    recovered_minor: int = 0
    messages_sent: int = 0
    cost_minor: int = 0

    def add(self, r: Results) -> None:
        """Adds one debt's results."""
        self.debts += 1
        self.contacted += r.contacted
        self.right_party += r.right_party
        self.agreements += r.agreements
        self.recovered_minor += r.recovered_minor
        self.messages_sent += r.messages_sent
        self.cost_minor += r.cost_minor


@dataclass
class Results:
    """What happened to one debt, counted from events, for its strategy variant's results."""

    contacted: bool = False
    right_party: bool = False
    messages_sent: int = 0
    cost_minor: int = 0
    recovered_minor: int = 0
    agreements: int = 0

    def message_sent(self, cost_minor: int) -> None:
        """A message went out for the debt."""
        self.contacted = True
        self.messages_sent += 1
        self.cost_minor += cost_minor

    def recovered(self, amount_minor: int) -> None:
        """Money arrived for the debt."""
        self.recovered_minor += amount_minor


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
    async def of_tenant(self, tenant: str) -> list[Case]: ...


class Ruler:
    """Turns what happened to a debt into the next action, once, at a decent hour."""

    def __init__(
        self,
        cases: Cases,
        guard: ContactGuard,
        clock: Clock,
        first_step: Step = DEFAULT_FIRST_STEP,
        book: StrategyBook | None = None,
    ) -> None:
        self._cases = cases
        self._guard = guard
        self._clock = clock
        self._events = EventSource(SOURCE, clock)
        self._first_step = first_step
        self._book = book

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
        due_date: str = "",
        company: bool = False,
    ) -> None:
        """Records the debt and where the debtor lives, and acts if a contact point is already known."""
        case = await self._cases.load_or_new(tenant, debt_id, debtor_id)
        case.has_debt, case.creditor_name, case.balance, case.time_zone = True, creditor_name, balance, time_zone
        case.country, case.state = country.strip().upper(), state.strip().upper()
        case.due_date, case.company = due_date, company
        await self._guard.debt_opened(debtor_id, debt_key(tenant, debt_id), OpenDebt(balance.amount_minor, due_date))
        await self._cases.save(case, await self._evaluate(case))

    async def contact_verified(self, tenant: str, debt_id: str, debtor_id: str) -> None:
        """Records that the debtor can be reached and acts if the debt is known."""
        case = await self._cases.load_or_new(tenant, debt_id, debtor_id)
        case.contact_ready = True
        await self._cases.save(case, await self._evaluate(case))

    async def debt_settled(self, tenant: str, debt_id: str, debtor_id: str) -> None:
        """Stops all contact for a settled debt."""
        await self._stop(tenant, debt_id, debtor_id, "debt settled", settled=True)

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

    async def case(self, tenant: str, debt_id: str) -> Case | None:
        """The case of a debt, or None."""
        return await self._cases.load(tenant, debt_id)

    async def count(self, tenant: str, debt_id: str, change: Callable[[Results], None]) -> Case | None:
        """Counts something that happened to a debt towards its variant's results; the case, or None if unknown."""
        for _ in range(5):
            case = await self._cases.load(tenant, debt_id)
            if case is None:
                return None
            change(case.results)
            try:
                await self._cases.save(case, [])
                return case
            except FailedPrecondition:
                continue
        raise FailedPrecondition("the case kept changing; retry")

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

    async def _stop(self, tenant: str, debt_id: str, debtor_id: str, reason: str, settled: bool = False) -> None:
        await self._guard.debt_closed(debtor_id, debt_key(tenant, debt_id))
        case = await self._cases.load_or_new(tenant, debt_id, debtor_id)
        if case.stopped:
            return
        case.stopped, case.stop_reason, case.next_due_at = True, reason, None
        payload = actions_pb2.TreatmentStopped(debt_id=debt_id, debtor_id=debtor_id, reason=reason)
        events = [self._event(case, "treatment.stopped", payload)]
        esc = case.escalation
        if settled and esc.inscription_requested and not esc.removal_requested:
            # CDC art. 43 §3: a settled debt's inscription is removed at once.
            esc.removal_requested = True
            events.append(self._escalation_event(case, registry_pb2.ESCALATION_KIND_REMOVAL, "settled", reason))
        await self._cases.save(case, events)

    async def bureau_update(self, tenant: str, debt_id: str, change: Callable[[Escalation], None]) -> None:
        """Records what registry-bridge reported (notice confirmed, inscribed, removed) and looks again."""
        for _ in range(5):
            case = await self._cases.load(tenant, debt_id)
            if case is None:
                return
            change(case.escalation)
            try:
                await self._cases.save(case, await self._evaluate(case))
                return
            except FailedPrecondition:
                continue
        raise FailedPrecondition("the case kept changing; retry")

    def _escalate(self, case: Case, debtor: DebtorState) -> list[Event]:
        """Asks registry-bridge for the next escalation step when the strategy's path and the pure rules allow."""
        esc, now, key = case.escalation, self._clock.now(), debt_key(case.tenant, case.debt_id)
        holds = [h.kind for h in debtor.holds.values() if h.covers(key, now)]
        standing = DebtStanding(
            due_date=_date(case.due_date),
            balance_minor=case.balance.amount_minor if case.balance else 0,
            days_past_due=0,
            in_good_agreement=HoldKind.AGREEMENT in holds,
            disputed=HoldKind.DISPUTE in holds,
            settled=case.stopped,
            inscribed=esc.inscribed,
            notice_confirmed_at=esc.notice_confirmed_at,
            protest_notice_at=esc.protest_notice_at,
        )
        progress = EscalationProgress(
            esc.started_at,
            esc.notice_requested,
            esc.inscription_requested,
            case.results.recovered_minor,
            inscribed=esc.inscribed,
            protest_presented=esc.protest_presented,
            protest_requested_at=esc.protest_requested_at,
            protested=esc.protested,
            filing_requested=esc.filing_requested,
        )
        step = next_escalation(esc.path, progress, standing, now)
        if step is None:
            return []
        stage, verdict = step
        kind, asked = _STAGES[stage]
        setattr(esc, asked, now if asked.endswith("_at") else True)
        return [self._escalation_event(case, kind, verdict.rule, verdict.reason, stage)]

    def _escalation_event(self, case: Case, kind: int, rule: str, reason: str, stage: str = "") -> Event:
        # The two protest asks (presentation, protest) share a kind; the stage keeps their ids apart.
        parts = (str(kind), stage) if stage in (PRESENT, PROTEST) else (str(kind),)
        payload = registry_pb2.EscalationRequested(
            request_id=stable_id(case.tenant, case.debt_id, "escalation", *parts),
            debt_id=case.debt_id,
            debtor_id=case.debtor_id,
            kind=kind,
            balance=case.balance.to_proto() if case.balance else None,
            creditor_name=case.creditor_name,
            rule=rule,
            reason=reason,
            due_date=case.due_date,
        )
        return self._event(case, "escalation.requested", payload)

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

    async def _strategy_step(self, case: Case, debtor: DebtorState) -> tuple[Step, dict[str, str]]:
        """The step the debt's strategy gives its segment now, pinning the strategy the first time."""
        if self._book is None:
            return self._first_step, {}
        assignment: Assignment | None
        if case.strategy_version:
            assignment = await self._book.pinned(case.strategy_scope, case.strategy_version, case.variant)
        else:
            assignment = await self._book.assign(case.tenant, case.debtor_id)
            if assignment is not None:
                case.strategy_scope, case.strategy_version = assignment.scope, assignment.version
                case.variant = assignment.variant
        if assignment is None or assignment.strategy is None:
            return self._first_step, {"strategy": "none (built-in reminder)"}
        profile = build_profile(debtor, self._clock.now(), case.company, debtor.public_data)
        segment, index = assign(profile, assignment.strategy.segments)
        case.segment = segment
        case.escalation.path = tuple(assignment.strategy.escalation)
        step = first_step(assignment.strategy.paths[segment]) or self._first_step
        return step, {
            "strategy": f"{assignment.scope} v{assignment.version}",
            "variant": assignment.variant,
            "segment": segment,
            "segment_rule": f"segments[{index}]",
            "profile": f"{profile.days_past_due} days past due, {profile.open_debts} open, "
            f"balance {profile.balance_minor}, reason {profile.stated_reason or '-'}",
        }

    async def _evaluate(self, case: Case) -> list[Event]:
        if case.stopped or not case.has_debt or not case.contact_ready:
            return []
        debtor = await self._guard.state(case.debtor_id)
        escalation = self._escalate(case, debtor)
        if any(a.state == "requested" for a in case.actions.values()):
            return escalation
        step, why = await self._strategy_step(case, debtor)
        known = case.actions.get(step.name)
        before = known.decision if known else None
        decision, channels = self._decide(case, debtor, step)
        if why:
            decision = replace(decision, values={**decision.values, **why})
        action_id = stable_id(case.tenant, case.debt_id, step.name)
        record = known or ActionRecord(action_id, step.name, step.channels, "deferred", decision)
        record.decided(decision)
        case.actions[step.name] = record
        if not decision.allowed:
            # A hold with no end waits for the daily sweep; anything else comes back when allowed.
            record.state = "deferred" if decision.next_allowed_at else "held"
            case.next_due_at = decision.next_allowed_at
            if before is None or before.allowed or before.rule != decision.rule:
                escalation.append(self._decision_event(case, record, decision))  # the timeline says why, once
            return escalation
        record.state, record.channels = "requested", channels
        case.next_due_at = None
        case.escalation.started_at = case.escalation.started_at or self._clock.now()
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
        return [*escalation, self._event(case, "action.requested", payload)]

    def _decision_event(self, case: Case, record: ActionRecord, decision: Decision) -> Event:
        payload = actions_pb2.DecisionRecorded(
            debt_id=case.debt_id,
            debtor_id=case.debtor_id,
            step=record.step,
            action_id=record.action_id,
            allowed=decision.allowed,
            rule=decision.rule,
            explanation=decision.explanation,
        )
        if decision.next_allowed_at is not None:
            ts = Timestamp()
            ts.FromDatetime(decision.next_allowed_at)
            payload.next_allowed_at.CopyFrom(ts)
        return self._event(case, "decision.recorded", payload)

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


def _date(iso: str) -> date:
    """A due date, or a far past one when unknown (escalation then never waits on it)."""
    try:
        return date.fromisoformat(iso)
    except ValueError:
        return date(1970, 1, 1)
