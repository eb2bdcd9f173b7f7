"""The collection ruler: runs each debt's treatment path step by step, asking the contact policy first.

A debt enters its path once it is placed and reachable. Each evaluation (on an event, when its scheduled
moment falls due, or in the daily sweep) requests at most one step: the step's action id is stable per debt
and step, so a step is requested once; the next moment anything falls due is stored on the case
(`next_due_at`) for the leased scheduler, so a crash loses nothing. Settlement, recall and write-off end the
path; holds (agreement in good standing, dispute, hardship...) pause it through the contact policy.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Protocol

from cordial.events.v1 import registry_pb2
from cordial.types.v1 import types_pb2
from cordial_core.clock import Clock
from cordial_core.errors import FailedPrecondition
from cordial_core.events import Event
from cordial_core.ids import stable_id
from cordial_core.lanes import in_lanes
from cordial_core.money import Money
from cordial_strategy.domain.book import Assignment, StrategyBook
from cordial_strategy.domain.case import (
    DONE,
    MAX_HISTORY,
    ActionRecord,
    Case,
    Cases,
    Escalation,
    Results,
    VariantResults,
)
from cordial_strategy.domain.case_events import CaseEvents
from cordial_strategy.domain.casebook import CaseBook, request_of
from cordial_strategy.domain.debtor import DebtorState, OpenDebt, debt_key
from cordial_strategy.domain.enrichment import DEFAULT_TTL, fresh_flags, freshness, is_fresh
from cordial_strategy.domain.escalating import escalate
from cordial_strategy.domain.guard import ContactGuard
from cordial_strategy.domain.hours import check_contact_hours, zone
from cordial_strategy.domain.installments import InstallmentPlan, due_on, next_reminder
from cordial_strategy.domain.path import DueStep, answered, next_step
from cordial_strategy.domain.policy import Decision
from cordial_strategy.domain.profile import build_profile
from cordial_strategy.domain.standing import DEFAULT_RETRY, Standings
from cordial_strategy.domain.strategies import StepSpec, Strategy, assign
from cordial_strategy.domain.treatment import DEFAULT_PATH, Step, hardship_ended_at, step_of

__all__ = ["COST_PER_CHANNEL", "LEASE", "MAX_HISTORY", "ActionRecord", "Case", "Cases", "Escalation", "Results"]
__all__ += ["Ruler", "VariantResults"]

LEASE = timedelta(minutes=2)
# Cases the daily sweep looks at at once: their reads and writes overlap, so the store keeps both cores busy.
SWEEP_LANES = 8
INSTALLMENT = "installment_reminder"
REMINDER_CHANNELS = (types_pb2.CHANNEL_WHATSAPP, types_pb2.CHANNEL_SMS)
# Estimated cost of one message per channel, in minor units of BRL, until providers report their prices.
COST_PER_CHANNEL = {
    types_pb2.CHANNEL_SMS: 9,
    types_pb2.CHANNEL_WHATSAPP: 5,
    types_pb2.CHANNEL_EMAIL: 0,
    types_pb2.CHANNEL_VOICE: 40,
    types_pb2.CHANNEL_LETTER: 250,
}


class PublicDataRefresh(Protocol):
    """Asks the enrichment provider again for a debtor whose flags went stale (the Enricher)."""

    ttl: timedelta

    async def refresh(self, debtor_id: str) -> bool: ...


class Ruler(CaseBook):
    """Turns what happened to a debt into the next step of its path, once, at a decent hour."""

    def __init__(
        self,
        cases: Cases,
        guard: ContactGuard,
        clock: Clock,
        book: StrategyBook | None = None,
        enrichment: PublicDataRefresh | None = None,
        standings: Standings | None = None,
        standing_retry: timedelta = DEFAULT_RETRY,
    ) -> None:
        super().__init__(cases, guard, clock, book, standings, standing_retry)
        self._events = CaseEvents(clock)
        self._enrichment = enrichment
        self._public_data_ttl = enrichment.ttl if enrichment else DEFAULT_TTL
        # The day each sweep partition of this instance ran to its end: its rosters are not read again that day.
        self._swept: dict[tuple[int, int], str] = {}

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
        event_id: str = "",
    ) -> None:
        """Records the debt and where the debtor lives, and acts if a contact point is already known."""
        case = await self._cases.load_or_new(tenant, debt_id, debtor_id)
        if not case.takes(event_id):
            return
        case.has_debt, case.creditor_name, case.balance, case.time_zone = True, creditor_name, balance, time_zone
        case.country, case.state = country.strip().upper(), state.strip().upper()
        case.due_date, case.company = due_date, company
        await self._guard.debt_opened(debtor_id, debt_key(tenant, debt_id), OpenDebt(balance.amount_minor, due_date))
        await self._cases.save(case, await self._evaluate(case))

    async def contact_verified(self, tenant: str, debt_id: str, debtor_id: str, event_id: str = "") -> None:
        """Records that the debtor can be reached and acts if the debt is known."""
        case = await self._cases.load_or_new(tenant, debt_id, debtor_id)
        if not case.takes(event_id):
            return
        case.contact_ready = True
        await self._cases.save(case, await self._evaluate(case))

    async def happened(
        self,
        tenant: str,
        debt_id: str,
        event: str,
        event_id: str = "",
        count: Callable[[Results], None] | None = None,
    ) -> Case | None:
        """An event that may trigger a step of the debt's path (message delivered or failed, reply, payment...),
        counted towards the variant's results in the same change if asked; the case, or None (see `_change`)."""
        now = self._clock.now()

        async def trigger(case: Case) -> list[Event]:
            if count is not None:
                count(case.results)
            return await self._evaluate(case) if case.path.happened(event, now) else []

        return await self._change(tenant, debt_id, trigger, event_id)

    async def agreement_accepted(
        self, tenant: str, debt_id: str, agreement_id: str, first_due: str, installments: int, event_id: str = ""
    ) -> Case | None:
        """An agreement in good standing, counted for the variant: the path pauses and only its installments are
        reminded; the case, or None (see `_change`)."""

        async def accepted(case: Case) -> list[Event]:
            case.results.agreements += 1
            if first_due:
                case.installments = InstallmentPlan(agreement_id, first_due, max(installments, 1))
            return await self._evaluate(case)

        return await self._change(tenant, debt_id, accepted, event_id)

    async def installment_paid(
        self, tenant: str, debt_id: str, agreement_id: str, number: int, event_id: str = ""
    ) -> None:
        """An installment paid in full: its reminder is never sent; the next unpaid one is reminded in its turn."""

        async def paid(case: Case) -> list[Event]:
            plan = case.installments
            if plan is None or plan.agreement_id != agreement_id:
                return []
            plan.installment_paid(number)
            return await self._evaluate(case)

        await self._change(tenant, debt_id, paid, event_id)

    async def agreement_ended(
        self, tenant: str, debt_id: str, agreement_id: str, event_id: str = "", trigger: str = ""
    ) -> None:
        """An agreement kept or broken: no more installment reminders; the path resumes if the debt is open, with
        the step that answers the trigger if one is named (a break), counted first in the same change."""
        now = self._clock.now()

        async def ended(case: Case) -> list[Event]:
            if trigger:
                case.path.happened(trigger, now)
            if case.installments is not None and case.installments.agreement_id == agreement_id:
                case.installments = None
            return await self._evaluate(case)

        await self._change(tenant, debt_id, ended, event_id)

    async def debt_settled(self, tenant: str, debt_id: str, debtor_id: str) -> None:
        """Ends the path of a settled debt and asks for any inscription's removal."""
        await self._stop(tenant, debt_id, debtor_id, "debt settled", settled=True)

    async def debt_closed(self, tenant: str, debt_id: str, debtor_id: str, reason: str) -> None:
        """Ends the path of a debt the client recalled or the agency wrote off."""
        await self._stop(tenant, debt_id, debtor_id, reason)

    async def run_due(self, owner: str = "local", limit: int = 100) -> int:
        """Claims the cases with something due and re-evaluates them; returns how many."""
        due = await self._cases.claim_due(self._clock.now(), owner, LEASE, limit)
        return await self._evaluate_all(due)

    async def sweep(self, partition: int = 0, partitions: int = 1, limit: int = 100) -> int:
        """Looks again at open cases of one partition not yet swept today (agency time, UTC day); returns how many."""
        now = self._clock.now()
        day = f"{now:%Y-%m-%d}"
        if self._swept.get((partition, partitions)) == day:
            return 0  # today's sweep of this partition is done: its rosters need not be read again
        batch = await self._cases.sweep_batch(day, partition, partitions, limit)
        if not batch:
            self._swept[(partition, partitions)] = day
        await in_lanes((self._look_again(case) for case in batch), SWEEP_LANES)
        return len(batch)

    async def _look_again(self, case: Case) -> None:
        """Evaluates a swept case and saves it only if that changed it: most days most cases have nothing new."""
        before = copy.deepcopy(case)
        events = await self._evaluate(case)
        if not events and case == before:
            return
        with contextlib.suppress(FailedPrecondition):
            await self._cases.save(case, events)  # else an event changed it meanwhile, and evaluated it

    async def reevaluate(self, tenant: str, debt_id: str) -> None:
        """Looks at a debt again (after a reply, a hold, or in the daily sweep)."""
        await self._change(tenant, debt_id, self._evaluate)

    async def bureau_update(
        self, tenant: str, debt_id: str, change: Callable[[Escalation], None], event_id: str = ""
    ) -> None:
        """Records what registry-bridge reported (notice confirmed, inscribed, removed) and looks again."""

        async def update(case: Case) -> list[Event]:
            change(case.escalation)
            return await self._evaluate(case)

        await self._change(tenant, debt_id, update, event_id)

    async def protest_withdrawn(self, tenant: str, debt_id: str, event_id: str = "") -> None:
        """The registry withdrew the title of an open debt (an agreement): a later protest is a new presentation."""

        async def withdrawn(case: Case) -> list[Event]:
            if case.stopped:
                return []  # settled or recalled: the cancellation ends protest for good
            case.escalation.protest_withdrawn()
            return await self._evaluate(case)

        await self._change(tenant, debt_id, withdrawn, event_id)

    async def _evaluate_all(self, cases: list[Case]) -> int:
        for case in cases:
            try:
                await self._cases.save(case, await self._evaluate(case))
            except FailedPrecondition:
                continue  # an event changed it meanwhile and evaluated it; its lease is gone
        return len(cases)

    async def _stop(self, tenant: str, debt_id: str, debtor_id: str, reason: str, settled: bool = False) -> None:
        await self._guard.debt_closed(debtor_id, debt_key(tenant, debt_id))
        case = await self._cases.load_or_new(tenant, debt_id, debtor_id)
        if case.stopped:
            return
        case.stopped, case.stop_reason, case.next_due_at = True, reason, None
        events = [self._events.stopped(case, reason)]
        esc = case.escalation
        if settled and esc.inscription_requested and not esc.removal_requested:
            # CDC art. 43 §3: a settled debt's inscription is removed at once.
            esc.removal_requested = True
            events.append(self._events.escalation(case, registry_pb2.ESCALATION_KIND_REMOVAL, "settled", reason))
        await self._cases.save(case, events)

    async def _evaluate(self, case: Case) -> list[Event]:
        """Escalation if due, then the path's next step if due; stores when to look again."""
        if case.stopped or not case.has_debt or not case.contact_ready:
            return []
        now = self._clock.now()
        debtor = await self._guard.state(case.debtor_id)
        if await self._refreshed(debtor, now):
            debtor = await self._guard.state(case.debtor_id)
        path, strategy, why = await self._plan(case, debtor)
        case.path.started_at = case.path.started_at or now
        events = escalate(case, debtor, now, self._events)
        if case.installments is not None:
            return events + self._remind(case, debtor, case.installments, now)
        done = {key for key, a in case.actions.items() if a.state in DONE}
        due, later = next_step(path, case.path, done, now)
        case.next_due_at = self._window(case, later)
        if due is None:
            return events
        for name in due.skipped:
            self._skip(case, name, due, now)
        return events + self._take(case, debtor, due, strategy, why, path)

    async def _refreshed(self, debtor: DebtorState, now: datetime) -> bool:
        """Asks the provider again when the debtor's public-data flags went stale; True when it answered."""
        if self._enrichment is None or not debtor.public_data_document:
            return False
        return not is_fresh(debtor, now, self._public_data_ttl) and await self._enrichment.refresh(debtor.debtor_id)

    def _take(
        self,
        case: Case,
        debtor: DebtorState,
        due: DueStep,
        strategy: Strategy | None,
        why: dict[str, str],
        path: list[StepSpec],
    ) -> list[Event]:
        """Requests a due step if the policy allows now; else records why and when to try again."""
        now = self._clock.now()
        step, about = step_of(due.spec, strategy, hardship_ended_at(debtor, debt_key(case.tenant, case.debt_id), now))
        known = case.actions.get(due.key)
        before = known.decision if known else None
        decision, channels = self._spacing(case, now) or self._decide(case, debtor, step)
        decision = replace(decision, values={**decision.values, **why, **about, "trigger": due.trigger})
        action_id = stable_id(case.tenant, case.debt_id, due.key)
        record = known or ActionRecord(action_id, step.name, step.channels, "deferred", decision)
        record.decided(decision)
        case.actions[due.key] = record
        if not decision.allowed:
            # A hold with no end waits for the sweep (or the next step's moment); anything else comes back when allowed.
            record.state = "deferred" if decision.next_allowed_at else "held"
            case.next_due_at = _earliest(decision.next_allowed_at, case.next_due_at)
            if before is None or before.allowed or before.rule != decision.rule:
                return [self._events.decision(case, record, decision)]  # the timeline says why, once
            return []
        record.state, record.channels = "requested", channels
        answered(due.spec, case.path)
        case.path.last_requested_at = now
        case.escalation.started_at = case.escalation.started_at or now
        done = {key for key, a in case.actions.items() if a.state in DONE}
        following, later = next_step(path, case.path, done, now)
        case.next_due_at = now if following else self._window(case, later)  # one due now waits (see _spacing)
        return [self._events.action_requested(case, record, step, decision)]

    def _remind(self, case: Case, debtor: DebtorState, plan: InstallmentPlan, now: datetime) -> list[Event]:
        """Reminds the agreement's next installment when its moment has come (allowed through the agreement hold)."""
        found = next_reminder(plan, zone(case.time_zone), now)
        if found is None:
            case.next_due_at = None
            return []
        number, at = found
        if at > now:
            case.next_due_at = self._window(case, at)
            return []
        step = Step(f"installment-{number}", REMINDER_CHANNELS, "reminder", "friendly")
        key = plan.key(number)
        known = case.actions.get(key)
        before = known.decision if known else None
        request = replace(request_of(case, types_pb2.CHANNEL_UNSPECIFIED), purpose=INSTALLMENT)
        decision = self._guard.policy.check(now, request, debtor)
        channels = tuple(c for c in step.channels if str(c) not in debtor.opted_out_channels)
        due = due_on(plan, number)
        values = {"installment": f"{number} of {plan.count}, due {due}", "agreement": plan.agreement_id}
        decision = left_out(replace(decision, values={**decision.values, **values}), step.channels, debtor)
        if decision.allowed and not channels:
            decision = self._guard.policy.check(now, replace(request, channel=step.channels[0]), debtor)
        record = known or ActionRecord(
            stable_id(case.tenant, case.debt_id, key),
            step.name,
            step.channels,
            "deferred",
            decision,
            purpose=INSTALLMENT,
        )
        record.decided(decision)
        case.actions[key] = record
        if not decision.allowed:
            record.state = "deferred" if decision.next_allowed_at else "held"
            case.next_due_at = decision.next_allowed_at
            changed = before is None or before.allowed or before.rule != decision.rule
            return [self._events.decision(case, record, decision)] if changed else []
        record.state, record.channels, plan.reminded = "requested", channels, number
        following = next_reminder(plan, zone(case.time_zone), now)
        case.next_due_at = self._window(case, following[1]) if following else None
        return [self._events.action_requested(case, record, step, decision)]

    @staticmethod
    def _window(case: Case, at: datetime | None) -> datetime | None:
        """The first moment from `at` the debtor's contact hours are open: no need to look earlier."""
        if at is None:
            return None
        hours = check_contact_hours(at, case.time_zone, case.country, case.state)
        return at if hours.allowed else hours.next_allowed_at or at

    def _skip(self, case: Case, name: str, due: DueStep, now: datetime) -> None:
        """Marks a day step overtaken by a later one: recorded, never requested."""
        text = f"overtaken by {due.spec.name} ({due.trigger}) while it waited: one message, not a backlog"
        decision = Decision(False, "step_superseded", text, now, case.time_zone, None, {"superseded_by": due.key})
        record = case.actions.get(name) or ActionRecord(
            stable_id(case.tenant, case.debt_id, name), name, (), "skipped", decision
        )
        record.decided(decision)
        record.state = "skipped"
        case.actions[name] = record

    def _spacing(self, case: Case, now: datetime) -> tuple[Decision, tuple[types_pb2.Channel, ...]] | None:
        """One step a local day per debt: a second one waits for the next day's contact hours."""
        last = case.path.last_requested_at
        tz = zone(case.time_zone)
        if last is None or last.astimezone(tz).date() != now.astimezone(tz).date():
            return None
        midnight = datetime.combine(now.astimezone(tz).date() + timedelta(days=1), time(0), tz)
        opens = check_contact_hours(midnight, case.time_zone, case.country, case.state)
        text = f"a step of this debt was already requested today ({last:%Y-%m-%d %H:%M} UTC): one a day"
        values = {"last_requested_at": last.isoformat()}
        return Decision(False, "step_spacing", text, now, tz.key, opens.next_allowed_at or midnight, values), ()

    async def _plan(self, case: Case, debtor: DebtorState) -> tuple[list[StepSpec], Strategy | None, dict[str, str]]:
        """The path the debt's strategy gives its segment now, pinning the strategy the first time."""
        if self._book is None:
            return DEFAULT_PATH, None, {}
        assignment: Assignment | None
        if case.strategy_version:
            assignment = await self._book.pinned(case.strategy_scope, case.strategy_version, case.variant)
        else:
            assignment = await self._book.assign(case.tenant, case.debtor_id)
            if assignment is not None:
                case.strategy_scope, case.strategy_version = assignment.scope, assignment.version
                case.variant = assignment.variant
        if assignment is None or assignment.strategy is None:
            return DEFAULT_PATH, None, {"strategy": "none (built-in reminder)"}
        strategy = assignment.strategy
        now = self._clock.now()
        profile = build_profile(debtor, now, case.company, fresh_flags(debtor, now, self._public_data_ttl))
        segment, index = assign(profile, strategy.segments)
        case.segment = segment
        case.escalation.path = tuple(strategy.escalation)
        case.escalation.conditions = strategy.escalation_conditions
        return (
            strategy.paths[segment],
            strategy,
            {
                "strategy": f"{assignment.scope} v{assignment.version}",
                "variant": assignment.variant,
                "segment": segment,
                "segment_rule": f"segments[{index}]",
                "profile": f"{profile.days_past_due} days past due, {profile.open_debts} open, "
                f"balance {profile.balance_minor}, reason {profile.stated_reason or '-'}, "
                f"agreements kept {profile.agreements_kept} broken {profile.agreements_broken}",
                "public_data": freshness(debtor, now, self._public_data_ttl),
            },
        )

    def _decide(self, case: Case, debtor: DebtorState, step: Step) -> tuple[Decision, tuple[types_pb2.Channel, ...]]:
        """The policy for the debt on any channel, and the step's channels the person has not opted out of."""
        now = self._clock.now()
        decision = self._guard.policy.check(now, request_of(case, types_pb2.CHANNEL_UNSPECIFIED), debtor)
        open_channels = tuple(c for c in step.channels if str(c) not in debtor.opted_out_channels)
        if decision.allowed and not open_channels:
            channel = self._guard.policy.check(now, request_of(case, step.channels[0]), debtor)
            return channel, ()
        return left_out(decision, step.channels, debtor), open_channels


def left_out(decision: Decision, channels: tuple[types_pb2.Channel, ...], debtor: DebtorState) -> Decision:
    """An allowed decision that names the step's channels it leaves out because the debtor opted out of them."""
    opted = debtor.opted_out_channels
    dropped = [f"{types_pb2.Channel.Name(c)} ({opted[str(c)]})" for c in channels if str(c) in opted]
    if not decision.allowed or not dropped:
        return decision
    text = ", ".join(dropped)
    return replace(
        decision,
        explanation=f"{decision.explanation}; left out, the debtor opted out: {text}",
        values={**decision.values, "opted_out": text},
    )


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return min((t for t in (a, b) if t is not None), default=None)
