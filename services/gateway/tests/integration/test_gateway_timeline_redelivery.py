"""The gateway's consumers keep no processed ids (two round trips spared per event and group): a redelivered
event writes nothing new, because the timeline and the client webhook deliveries are keyed by the event id."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cryptography.fernet import Fernet
from pymongo.asynchronous.database import AsyncDatabase

from cordial.events.v1 import debts_pb2
from cordial_core.clock import ControllableClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.events import EventSource, decode_envelope
from cordial_core.store import TenantCollection
from cordial_gateway.adapters.timeline import TimelineRepository
from cordial_gateway.api.events import timeline_projection


async def test_a_redelivered_event_is_on_the_timeline_once(mongo_db: AsyncDatabase[dict[str, Any]]) -> None:
    clock = ControllableClock(datetime(2026, 3, 3, 13, 0, tzinfo=UTC))
    timeline = TimelineRepository(
        TenantCollection(mongo_db["timeline"]), PersonalDataCipher(Fernet.generate_key().decode(), "lookup-key")
    )
    project = timeline_projection(timeline)
    event = EventSource("agreements", clock).event(
        "debt.settled", debts_pb2.DebtSettled(debt_id="d1"), tenant="t1", subject="d1", key="p1"
    )
    envelope = decode_envelope(event.encode())
    await project(envelope)
    await project(envelope)  # Kafka delivers it again: no processed id says it was handled
    assert [entry["_id"] for entry in await timeline.of_debt("t1", "d1")] == [event.id]
