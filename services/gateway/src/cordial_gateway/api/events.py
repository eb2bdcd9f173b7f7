"""Event handlers of the gateway: project every event about a debt into its timeline."""

from __future__ import annotations

from cordial.events.v1 import envelope_pb2
from cordial_core.events import event_time, unpack_payload
from cordial_gateway.adapters.timeline import TimelineRepository
from cordial_gateway.domain.timeline import summarise


def timeline_projection(timeline: TimelineRepository):  # type: ignore[no-untyped-def]
    """The handler that writes each event to the debt's timeline."""

    async def project(envelope: envelope_pb2.Envelope) -> None:
        payload = unpack_payload(envelope)
        await timeline.add(
            envelope.tenant,
            envelope.id,
            envelope.subject,
            envelope.type,
            envelope.source,
            event_time(envelope),
            summarise(envelope.type, payload),
        )

    return project
