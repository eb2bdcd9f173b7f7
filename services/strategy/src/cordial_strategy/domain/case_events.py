"""The events the ruler publishes about a case: actions requested, decisions, escalations, the end of treatment."""

from __future__ import annotations

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from cordial.events.v1 import actions_pb2, registry_pb2
from cordial_core.clock import Clock
from cordial_core.events import Event, EventSource
from cordial_core.ids import stable_id
from cordial_strategy.domain.case import ActionRecord, Case
from cordial_strategy.domain.decision import Decision
from cordial_strategy.domain.escalation import PRESENT, PROTEST
from cordial_strategy.domain.treatment import Step

SOURCE = "strategy"
# The debtor's locale when the client gave the country (messaging's catalogue has pt-BR, en and es).
LOCALES = {"BR": "pt-BR", "PT": "pt-BR", "US": "en", "GB": "en", "ES": "es", "MX": "es", "AR": "es", "CO": "es"}


def escalation_id(case: Case, kind: int, stage: str = "") -> str:
    """The one id of an escalation step of a debt: registry-bridge's request id and the action's id."""
    # The two protest asks (presentation, protest) share a kind; the stage keeps their ids apart, and the round
    # keeps a presentation after a withdrawal apart from the withdrawn one's (registry-bridge ignores old ids).
    parts = (str(kind), stage) if stage in (PRESENT, PROTEST) else (str(kind),)
    if stage in (PRESENT, PROTEST) and case.escalation.protest_round:
        parts = (*parts, f"round-{case.escalation.protest_round}")
    return stable_id(case.tenant, case.debt_id, "escalation", *parts)


class CaseEvents:
    """Builds the ruler's events, each about a debt and keyed by its debtor."""

    def __init__(self, clock: Clock) -> None:
        self._source = EventSource(SOURCE, clock)

    def action_requested(self, case: Case, record: ActionRecord, step: Step, decision: Decision) -> Event:
        """Asks messaging to contact the debtor for a step."""
        assert case.balance is not None
        offer = step.offer_set
        payload = actions_pb2.ActionRequested(
            action_id=record.action_id,
            debt_id=case.debt_id,
            debtor_id=case.debtor_id,
            step=step.name,
            channels=list(record.channels),
            template=step.template,
            balance=case.balance.to_proto(),
            creditor_name=case.creditor_name,
            time_zone=decision.time_zone,
            policy_rule=decision.rule,
            tone=step.tone,
            locale=LOCALES.get(case.country, ""),
            offer_set=offer.name if offer else "",
            installment_counts=list(offer.installment_counts) if offer else [],
        )
        return self._event(case, "action.requested", payload)

    def decision(self, case: Case, record: ActionRecord, decision: Decision) -> Event:
        """A step or escalation denied or deferred, with why, for the timeline."""
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

    def escalation(
        self, case: Case, kind: registry_pb2.EscalationKind, rule: str, reason: str, stage: str = ""
    ) -> Event:
        """Asks registry-bridge for an escalation step (or a removal), with the debt's due date."""
        payload = registry_pb2.EscalationRequested(
            request_id=escalation_id(case, kind, stage),
            debt_id=case.debt_id,
            debtor_id=case.debtor_id,
            kind=kind,
            balance=case.balance.to_proto() if case.balance else None,
            creditor_name=case.creditor_name,
            rule=rule,
            reason=reason,
            due_date=case.due_date,
            debtor_country=case.country,
            debtor_state=case.state,
            time_zone=case.time_zone,
        )
        return self._event(case, "escalation.requested", payload)

    def stopped(self, case: Case, reason: str) -> Event:
        """No further action for the debt."""
        payload = actions_pb2.TreatmentStopped(debt_id=case.debt_id, debtor_id=case.debtor_id, reason=reason)
        return self._event(case, "treatment.stopped", payload)

    def _event(self, case: Case, event_type: str, payload: Message) -> Event:
        return self._source.event(event_type, payload, tenant=case.tenant, subject=case.debt_id, key=case.debtor_id)
