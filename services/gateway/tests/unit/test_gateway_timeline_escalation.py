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
