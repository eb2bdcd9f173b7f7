"""Escalation as the ruler runs it: the next stage the path asks for, requested when allowed, else held with why.

Each stage is an action of the case (key `escalation:<stage>`, id = registry-bridge's request id), so its
decisions are stored and explained like a step's: ExplainDecision and the timeline show why it waits.
"""

from __future__ import annotations

from datetime import date, datetime

from cordial.events.v1 import registry_pb2
from cordial_core.events import Event
from cordial_strategy.domain.case import ActionRecord, Case
from cordial_strategy.domain.case_events import CaseEvents, escalation_id
from cordial_strategy.domain.debtor import DebtorState, HoldKind, debt_key
from cordial_strategy.domain.decision import Decision
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

# Each stage: the kind registry-bridge is asked for and the Escalation field that records the ask.
STAGES = {
    NOTICE: (registry_pb2.ESCALATION_KIND_PRIOR_NOTICE, "notice_requested"),
    BUREAU: (registry_pb2.ESCALATION_KIND_INSCRIPTION, "inscription_requested"),
    PRESENT: (registry_pb2.ESCALATION_KIND_PROTEST, "protest_presented"),
    PROTEST: (registry_pb2.ESCALATION_KIND_PROTEST, "protest_requested_at"),
    SUIT: (registry_pb2.ESCALATION_KIND_SMALL_CLAIMS, "filing_requested"),
}


def standing(case: Case, debtor: DebtorState, now: datetime) -> DebtStanding:
    """What escalation needs to know about the debt now."""
    key = debt_key(case.tenant, case.debt_id)
    holds = [h.kind for h in debtor.holds.values() if h.covers(key, now)]
    due = _date(case.due_date)
    return DebtStanding(
        due_date=due or date(1970, 1, 1),  # unknown: never waits on prescription
        balance_minor=case.balance.amount_minor if case.balance else 0,
        days_past_due=max((now.date() - due).days, 0) if due else 0,
        in_good_agreement=HoldKind.AGREEMENT in holds,
        disputed=HoldKind.DISPUTE in holds,
        settled=case.stopped,
        inscribed=case.escalation.inscribed,
        notice_confirmed_at=case.escalation.notice_confirmed_at,
        protest_notice_at=case.escalation.protest_notice_at,
        protest_not_before=case.escalation.protest_not_before,
        country=case.country or "BR",
        state=case.state,
        time_zone=case.time_zone,
    )


def escalate(case: Case, debtor: DebtorState, now: datetime, events: CaseEvents) -> list[Event]:
    """Requests the next escalation stage when the strategy's conditions and the law allow; records why not."""
    esc = case.escalation
    debt = standing(case, debtor, now)
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
    found = next_escalation(esc.path, progress, debt, now, conditions=esc.conditions)
    if found is None:
        return []
    stage, verdict = found
    kind, asked = STAGES[stage]
    key = f"escalation:{stage}"
    if stage in (PRESENT, PROTEST) and esc.protest_round:
        key += f":{esc.protest_round}"  # a new presentation after a withdrawal: its own action and decisions
    record = case.actions.get(key)
    before = record.decision if record else None
    values = {
        "stage": stage,
        "balance_minor": str(debt.balance_minor),
        "days_past_due": str(debt.days_past_due),
        "client_opted_in": str(esc.conditions.client_opted_in).lower(),
        "min_balance_minor": str(esc.conditions.min_balance_minor),
        "min_days_past_due": str(esc.conditions.min_days_past_due),
    }
    decision = Decision(verdict.allowed, verdict.rule, verdict.reason, now, case.time_zone, verdict.not_before, values)
    record = record or ActionRecord(escalation_id(case, kind, stage), stage, (), "held", decision)
    record.decided(decision)
    case.actions[key] = record
    if not verdict.allowed:
        record.state = "held"
        changed = before is None or before.allowed or before.rule != decision.rule
        return [events.decision(case, record, decision)] if changed else []
    record.state = "requested"
    setattr(esc, asked, now if asked.endswith("_at") else True)
    return [events.escalation(case, kind, verdict.rule, verdict.reason, stage)]


def _date(iso: str) -> date | None:
    try:
        return date.fromisoformat(iso)
    except ValueError:
        return None
