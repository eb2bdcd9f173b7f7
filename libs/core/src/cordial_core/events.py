"""The event envelope, the catalogue of event types and their topics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from google.protobuf.message import Message

from cordial.events.v1 import (
    actions_pb2,
    agreements_pb2,
    contacts_pb2,
    debts_pb2,
    envelope_pb2,
    messages_pb2,
    registry_pb2,
)
from cordial_core.clock import Clock
from cordial_core.context import correlation_var
from cordial_core.ids import new_id

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class EventType:
    """One kind of fact: its name, the topic it travels on and its payload message."""

    name: str
    topic: str
    payload: type[Message]


# Topics are per domain; partition counts are explicit because auto-create is off.
TOPIC_PARTITIONS: dict[str, int] = {
    "debts": 6,
    "contacts": 6,
    "actions": 6,
    "messages": 6,
    "registry": 3,
}
DEAD_LETTER_SUFFIX = ".dlq"

CATALOGUE: dict[str, EventType] = {
    t.name: t
    for t in (
        EventType("debt.placed", "debts", debts_pb2.DebtPlaced),
        EventType("payment.received", "debts", debts_pb2.PaymentReceived),
        EventType("debt.settled", "debts", debts_pb2.DebtSettled),
        EventType("debt.collection_started", "debts", debts_pb2.DebtCollectionStarted),
        EventType("debt.recalled", "debts", debts_pb2.DebtRecalled),
        EventType("debt.written_off", "debts", debts_pb2.DebtWrittenOff),
        EventType("debt.amount_corrected", "debts", debts_pb2.DebtAmountCorrected),
        EventType("debt.contacts_added", "debts", debts_pb2.DebtContactsAdded),
        EventType("agreement.accepted", "debts", agreements_pb2.AgreementAccepted),
        EventType("agreement.activated", "debts", agreements_pb2.AgreementActivated),
        EventType("agreement.installment_paid", "debts", agreements_pb2.AgreementInstallmentPaid),
        EventType("agreement.broken", "debts", agreements_pb2.AgreementBroken),
        EventType("agreement.settled", "debts", agreements_pb2.AgreementSettled),
        EventType("agreement.cancelled", "debts", agreements_pb2.AgreementCancelled),
        EventType("agreement.proposed", "debts", agreements_pb2.AgreementProposed),
        EventType("payment.unapplied", "debts", agreements_pb2.PaymentUnapplied),
        EventType("contact.verified", "contacts", contacts_pb2.ContactVerified),
        EventType("contact.rejected", "contacts", contacts_pb2.ContactRejected),
        EventType("action.requested", "actions", actions_pb2.ActionRequested),
        EventType("treatment.stopped", "actions", actions_pb2.TreatmentStopped),
        EventType("decision.recorded", "actions", actions_pb2.DecisionRecorded),
        EventType("escalation.requested", "registry", registry_pb2.EscalationRequested),
        EventType("bureau.notice_confirmed", "registry", registry_pb2.BureauNoticeConfirmed),
        EventType("bureau.inscribed", "registry", registry_pb2.BureauInscribed),
        EventType("bureau.removed", "registry", registry_pb2.BureauRemoved),
        EventType("protest.notice_sent", "registry", registry_pb2.ProtestNoticeSent),
        EventType("protest.registered", "registry", registry_pb2.ProtestRegistered),
        EventType("protest.cancelled", "registry", registry_pb2.ProtestCancelled),
        EventType("court.filed", "registry", registry_pb2.CourtFiled),
        EventType("escalation.refused", "registry", registry_pb2.EscalationRefused),
        EventType("message.sent", "messages", messages_pb2.MessageSent),
        EventType("message.failed", "messages", messages_pb2.MessageFailed),
        EventType("message.delivery_updated", "messages", messages_pb2.MessageDeliveryUpdated),
        EventType("message.own_sent", "messages", messages_pb2.OwnMessageSent),
        # Superseded by message.own_sent; still read (kept on the topic, published by the previous release).
        EventType("message.confirmation_sent", "messages", messages_pb2.OptOutConfirmationSent),
        EventType("reply.received", "messages", messages_pb2.ReplyReceived),
        EventType("contact.opted_out", "contacts", contacts_pb2.ContactOptedOut),
    )
}


def all_topics() -> dict[str, int]:
    """Every topic with its partition count, dead-letter topics included."""
    topics = dict(TOPIC_PARTITIONS)
    topics.update({f"{name}{DEAD_LETTER_SUFFIX}": 1 for name in TOPIC_PARTITIONS})
    return topics


@dataclass(frozen=True)
class Event:
    """An envelope ready to publish: where it goes, its key and its bytes."""

    id: str
    type: str
    topic: str
    key: str
    envelope: envelope_pb2.Envelope

    def encode(self) -> bytes:
        """The wire form published on Kafka."""
        return self.envelope.SerializeToString()


def new_event(
    event_type: str,
    payload: Message,
    *,
    source: str,
    tenant: str,
    subject: str,
    key: str,
    clock: Clock,
    correlation_id: str | None = None,
) -> Event:
    """Wraps a payload in an envelope; the key (the debtor id) keeps one debtor's events in order."""
    kind = CATALOGUE.get(event_type)
    if kind is None:
        raise ValueError(f"unknown event type {event_type!r}")
    if not isinstance(payload, kind.payload):
        raise TypeError(f"{event_type} carries {kind.payload.__name__}")
    if not tenant:
        raise ValueError("every event carries its tenant")
    envelope = envelope_pb2.Envelope(
        id=new_id(),
        type=event_type,
        source=source,
        tenant=tenant,
        subject=subject,
        correlation_id=correlation_id or correlation_var.get() or new_id(),
        schema_version=SCHEMA_VERSION,
    )
    envelope.time.FromDatetime(clock.now())
    envelope.payload.Pack(payload)
    return Event(envelope.id, event_type, kind.topic, key, envelope)


@dataclass(frozen=True)
class EventSource:
    """Makes the events of one service: its name and clock stamped on every envelope."""

    service: str
    clock: Clock

    def event(self, event_type: str, payload: Message, *, tenant: str, subject: str, key: str) -> Event:
        """An event about a subject (a debt), keyed by the debtor so their events stay in order."""
        return new_event(
            event_type, payload, source=self.service, tenant=tenant, subject=subject, key=key, clock=self.clock
        )


def decode_envelope(raw: bytes) -> envelope_pb2.Envelope:
    """Parses an envelope from its wire form."""
    envelope = envelope_pb2.Envelope()
    envelope.ParseFromString(raw)
    return envelope


def unpack_payload(envelope: envelope_pb2.Envelope) -> Message:
    """The typed payload of an envelope; fails on an unknown type."""
    kind = CATALOGUE.get(envelope.type)
    if kind is None:
        raise ValueError(f"unknown event type {envelope.type!r}")
    payload = kind.payload()
    if not envelope.payload.Unpack(payload):
        raise ValueError(f"payload of {envelope.type} is not {kind.payload.__name__}")
    return payload


def event_time(envelope: envelope_pb2.Envelope) -> datetime:
    """The moment the fact happened, as an aware UTC datetime."""
    from datetime import UTC

    return envelope.time.ToDatetime(tzinfo=UTC)


def own_message_kind(update: messages_pb2.MessageDeliveryUpdated) -> int:
    """Which message messaging sent on its own a receipt is about (``OwnMessageKind``); unspecified for a step's.

    A receipt published before ``own_kind`` existed marks an opt-out's confirmation with ``confirmation`` alone.
    """
    if update.own_kind != messages_pb2.OWN_MESSAGE_KIND_UNSPECIFIED:
        return int(update.own_kind)
    return messages_pb2.OWN_MESSAGE_KIND_OPT_OUT_CONFIRMATION if update.confirmation else 0
