"""Event handlers of the gateway: the timeline of every debt, and webhooks queued for clients."""

from __future__ import annotations

from google.protobuf.json_format import MessageToDict

from cordial.events.v1 import envelope_pb2
from cordial_core.events import event_time, unpack_payload
from cordial_gateway.adapters.timeline import TimelineRepository
from cordial_gateway.domain.client_webhooks import NOTIFIED
from cordial_gateway.domain.notifier import Notifier
from cordial_gateway.domain.timeline import message_delivery, sent_message, subjects, summarise


def timeline_projection(timeline: TimelineRepository):  # type: ignore[no-untyped-def]
    """The handler that writes each event to the debt's timeline."""

    async def project(envelope: envelope_pb2.Envelope) -> None:
        payload = unpack_payload(envelope)
        summary, sent = summarise(envelope.type, payload), sent_message(payload)
        for i, debt_id in enumerate(subjects(envelope.subject, payload)):
            entry_id = envelope.id if i == 0 else f"{envelope.id}:{debt_id}"
            await timeline.add(
                envelope.tenant, entry_id, debt_id, envelope.type, envelope.source, event_time(envelope), summary, sent
            )
        # Messages are published in order per debtor, so the message's entry is there before its receipts.
        if (delivery := message_delivery(payload)) is not None:
            await timeline.delivered(envelope.tenant, *delivery, event_time(envelope))

    return project


def client_notifications(notifier: Notifier):  # type: ignore[no-untyped-def]
    """The handler that queues a client webhook delivery for each event a client subscribes to."""

    async def enqueue(envelope: envelope_pb2.Envelope) -> None:
        if envelope.type not in NOTIFIED:
            return
        data = MessageToDict(unpack_payload(envelope), preserving_proto_field_name=True)
        await notifier.enqueue(envelope.tenant, envelope.id, envelope.type, data)

    return enqueue
