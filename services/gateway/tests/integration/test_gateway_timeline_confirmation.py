"""An opt-out's confirmation is one entry of the debt's timeline, with its text (encrypted at rest), contact point and
provider id, and each delivery state its receipts bring; the receipts of other messages stay entries of their own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.fernet import Fernet
from google.protobuf.message import Message
from pymongo.asynchronous.database import AsyncDatabase

from cordial.events.v1 import messages_pb2
from cordial.types.v1 import types_pb2
from cordial_core.clock import ControllableClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.events import EventSource, decode_envelope
from cordial_core.store import TenantCollection
from cordial_gateway.adapters.timeline import TimelineRepository
from cordial_gateway.api.events import timeline_projection

TEXT = "Pronto: Loja A não enviará mais mensagens por este canal. Se mudar de ideia, é só responder VOLTAR. Obrigado."


async def test_the_confirmation_entry_keeps_its_text_contact_point_provider_id_and_delivery_states(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    clock = ControllableClock(datetime(2026, 3, 3, 13, 0, tzinfo=UTC))
    timeline = TimelineRepository(
        TenantCollection(mongo_db["timeline"]), PersonalDataCipher(Fernet.generate_key().decode(), "lookup-key")
    )
    project = timeline_projection(timeline)
    source = EventSource("messaging", clock)

    async def publish(event_type: str, payload: Message) -> None:
        event = source.event(event_type, payload, tenant="t1", subject="d1", key="p1")
        envelope = decode_envelope(event.encode())
        await project(envelope)
        await project(envelope)  # delivered again by Kafka: nothing twice

    confirmed = messages_pb2.OptOutConfirmationSent(
        message_id="c1",
        debt_id="d1",
        debtor_id="p1",
        channel=types_pb2.CHANNEL_WHATSAPP,
        contact_point_id="cp1",
        provider="whatsapp-cloud",
        provider_message_id="wamid.c1",
        text=TEXT,
    )
    await publish("message.confirmation_sent", confirmed)
    for state, minutes in ((messages_pb2.DELIVERY_STATE_DELIVERED, 1), (messages_pb2.DELIVERY_STATE_READ, 2)):
        clock.set(datetime(2026, 3, 3, 13, minutes, tzinfo=UTC))
        receipt = messages_pb2.MessageDeliveryUpdated(message_id="c1", debt_id="d1", state=state, confirmation=True)
        await publish("message.delivery_updated", receipt)
    other = messages_pb2.MessageDeliveryUpdated(message_id="m1", debt_id="d1", state=messages_pb2.DELIVERY_STATE_READ)
    await publish("message.delivery_updated", other)

    entries = await timeline.of_debt("t1", "d1")
    assert [e["type"] for e in entries] == ["message.confirmation_sent", *["message.delivery_updated"] * 3]
    entry = entries[0]
    assert entry["summary"] == (
        "opt-out confirmed to the debtor by whatsapp through whatsapp-cloud (wamid.c1) at contact point cp1"
    )
    start = datetime(2026, 3, 3, 13, 0, tzinfo=UTC)
    assert entry["message"] == {
        "message_id": "c1",
        "channel": "whatsapp",
        "contact_point_id": "cp1",
        "provider": "whatsapp-cloud",
        "provider_message_id": "wamid.c1",
        "text": TEXT,
        "deliveries": {"delivered": start + timedelta(minutes=1), "read": start + timedelta(minutes=2)},
    }
    stored = await mongo_db["timeline"].find_one({"_id": entry["_id"]})
    assert stored is not None
    assert "text" not in stored["message"]
    assert "mensagens" not in str(stored)  # the text is kept encrypted
    assert all("message" not in e for e in entries[1:])
