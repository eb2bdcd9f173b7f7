"""The timeline says why a contact was deferred and where a debt's escalation stands."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp

from cordial.events.v1 import actions_pb2, registry_pb2
from cordial_gateway.domain.timeline import summarise


def test_a_deferred_step_reads_with_its_rule_and_when() -> None:
    until = Timestamp()
    until.FromDatetime(datetime(2024, 3, 5, 12, tzinfo=UTC))
    decision = actions_pb2.DecisionRecorded(
        step="reminder-1", rule="quiet_hours", explanation="outside 08:00-20:00", next_allowed_at=until
    )
    line = summarise("decision.recorded", decision)
    assert line == "step reminder-1 deferred until 2024-03-05T12:00:00Z by quiet_hours: outside 08:00-20:00"


def test_escalation_steps_read_plainly() -> None:
    asked = registry_pb2.EscalationRequested(kind=registry_pb2.ESCALATION_KIND_PRIOR_NOTICE, rule="allowed")
    assert summarise("escalation.requested", asked) == "escalation requested: prior notice (allowed by allowed)"
    confirmed = registry_pb2.BureauNoticeConfirmed(wait_days=10)
    assert "10-day waiting period" in summarise("bureau.notice_confirmed", confirmed)
    assert summarise("bureau.inscribed", registry_pb2.BureauInscribed()) == "debt inscribed at the credit bureau"
    assert "removed" in summarise("bureau.removed", registry_pb2.BureauRemoved())


def test_a_requested_step_reads_with_its_tone_and_offer_set() -> None:
    gentle = actions_pb2.ActionRequested(
        step="formal", template="reminder", tone="gentle", offer_set="std-hardship", policy_rule="contact_policy"
    )
    assert summarise("action.requested", gentle) == (
        "step formal requested (template reminder, tone gentle, offer set std-hardship); allowed by contact_policy"
    )
    plain = actions_pb2.ActionRequested(step="r", template="reminder", policy_rule="contact_policy")
    assert summarise("action.requested", plain) == "step r requested (template reminder); allowed by contact_policy"


def test_protest_court_and_refusals_read_plainly() -> None:
    not_before = Timestamp()
    not_before.FromDatetime(datetime(2024, 3, 8, 13, tzinfo=UTC))
    notice = registry_pb2.ProtestNoticeSent(not_before=not_before)
    assert summarise("protest.notice_sent", notice) == (
        "protest registry notified the debtor; no protest before 2024-03-08T13:00:00Z"
    )
    assert summarise("protest.registered", registry_pb2.ProtestRegistered()) == "debt protested at the protest registry"
    cancelled = registry_pb2.ProtestCancelled(reason="recalled", was_protested=True)
    assert summarise("protest.cancelled", cancelled) == "protest cancelled: debt recalled"
    withdrawn = registry_pb2.ProtestCancelled(reason="settled")
    assert summarise("protest.cancelled", withdrawn) == "title withdrawn from the protest registry: debt settled"
    filed = registry_pb2.CourtFiled(case_number="0000001-23.2024.8.26.0100")
    assert summarise("court.filed", filed) == "small-claims petition filed: case 0000001-23.2024.8.26.0100"
    refused = registry_pb2.EscalationRefused(
        kind=registry_pb2.ESCALATION_KIND_SMALL_CLAIMS, rule="time_barred", reason="time-barred since 2023-01-01"
    )
    assert summarise("escalation.refused", refused) == (
        "escalation refused: small claims (time_barred: time-barred since 2023-01-01)"
    )
    removed = registry_pb2.BureauRemoved(reason="recalled")
    assert summarise("bureau.removed", removed) == "credit-bureau inscription removed: debt recalled"
