"""Messages messaging sends on its own are one entry each in the debt's timeline, over real Kafka and FerretDB: a
validation notice (message.own_sent) and an opt-out's confirmation published in the shape before kinds
(message.confirmation_sent, receipts marked by ``confirmation`` alone), each with its text (encrypted at rest),
contact point, provider id and every delivery state its receipts bring; the receipts of other messages stay entries
of their own."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.fernet import Fernet
from google.protobuf.message import Message
from pymongo.asynchronous.database import AsyncDatabase

from cordial.events.v1 import messages_pb2
from cordial.types.v1 import types_pb2
from cordial_core.bus import EventPublisher, ensure_topics
from cordial_core.clock import ControllableClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.events import DEAD_LETTER_SUFFIX, EventSource
from cordial_core.ids import new_id
from cordial_core.store import TenantCollection
from cordial_gateway.adapters.timeline import TimelineRepository
from cordial_gateway.api.events import timeline_projection
from cordial_stack.eventually import consumer_group, until
from cordial_stack.infra import Infra

CONFIRMATION = "Pronto: Loja A não enviará mais mensagens por este canal. Se mudar de ideia, é só responder VOLTAR."
NOTICE = "This is a communication from a debt collector about a debt of US$ 1,500.00 owed to Acme Bank."
START = datetime(2026, 3, 3, 13, 0, tzinfo=UTC)
DELIVERED, READ = messages_pb2.DELIVERY_STATE_DELIVERED, messages_pb2.DELIVERY_STATE_READ


async def test_own_messages_keep_text_contact_point_provider_id_and_delivery_states_on_their_entries(
    infra: Infra, mongo_db: AsyncDatabase[dict[str, Any]]
) -> None:
    topic = f"test-messages-{new_id()[:10]}"
    await ensure_topics(infra.kafka_bootstrap_servers, {topic: 1, topic + DEAD_LETTER_SUFFIX: 1})
    clock = ControllableClock(START)
    timeline = TimelineRepository(
        TenantCollection(mongo_db["timeline"]), PersonalDataCipher(Fernet.generate_key().decode(), "lookup-key")
    )
    source = EventSource("messaging", clock)
    publisher = EventPublisher(infra.kafka_bootstrap_servers)
    await publisher.start()
    consumer = consumer_group(
        infra.kafka_bootstrap_servers, mongo_db, new_id(), [topic], timeline_projection(timeline), publisher
    )
    await consumer.start()

    async def publish(event_type: str, payload: Message, minutes: int = 0) -> None:
        clock.set(START + timedelta(minutes=minutes))
        event = source.event(event_type, payload, tenant="t1", subject="d1", key="p1")
        await publisher.publish(dataclasses.replace(event, topic=topic))

    try:
        confirmed = messages_pb2.OptOutConfirmationSent(
            message_id="c1",
            debt_id="d1",
            debtor_id="p1",
            channel=types_pb2.CHANNEL_WHATSAPP,
            contact_point_id="cp1",
            provider="whatsapp-cloud",
            provider_message_id="wamid.c1",
            text=CONFIRMATION,
        )
        await publish("message.confirmation_sent", confirmed)
        notice = messages_pb2.OwnMessageSent(
            message_id="n1",
            debt_id="d1",
            debtor_id="p1",
            channel=types_pb2.CHANNEL_SMS,
            contact_point_id="cp2",
            provider="twilio",
            provider_message_id="SM1",
            text=NOTICE,
            kind=messages_pb2.OWN_MESSAGE_KIND_VALIDATION_NOTICE,
            follows_message_id="a1",
        )
        await publish("message.own_sent", notice, 1)
        for state, minutes in ((DELIVERED, 2), (READ, 3)):
            old_shape = messages_pb2.MessageDeliveryUpdated(
                message_id="c1", debt_id="d1", state=state, confirmation=True
            )
            await publish("message.delivery_updated", old_shape, minutes)
        for state, minutes in ((DELIVERED, 4), (READ, 5)):
            receipt = messages_pb2.MessageDeliveryUpdated(
                message_id="n1",
                debt_id="d1",
                state=state,
                confirmation=True,
                own_kind=messages_pb2.OWN_MESSAGE_KIND_VALIDATION_NOTICE,
            )
            await publish("message.delivery_updated", receipt, minutes)
        other = messages_pb2.MessageDeliveryUpdated(message_id="m1", debt_id="d1", state=READ)
        await publish("message.delivery_updated", other, 6)

        async def projected() -> list[dict[str, Any]]:
            entries = await timeline.of_debt("t1", "d1")
            return entries if len(entries) == 7 and len(entries[1]["message"]["deliveries"]) == 2 else []

        entries = await until(projected, "every event and both states on the notice's entry")
    finally:
        await consumer.stop()
        await publisher.stop()

    types = [e["type"] for e in entries]
    assert types == ["message.confirmation_sent", "message.own_sent", *["message.delivery_updated"] * 5]
    confirmation, validation = entries[0], entries[1]
    assert confirmation["summary"] == (
        "opt-out confirmed to the debtor by whatsapp through whatsapp-cloud (wamid.c1) at contact point cp1"
    )
    assert confirmation["message"] == {
        "message_id": "c1",
        "kind": "opt_out_confirmation",
        "follows_message_id": "",
        "channel": "whatsapp",
        "contact_point_id": "cp1",
        "provider": "whatsapp-cloud",
        "provider_message_id": "wamid.c1",
        "text": CONFIRMATION,
        "deliveries": {"delivered": START + timedelta(minutes=2), "read": START + timedelta(minutes=3)},
    }
    assert validation["summary"] == (
        "validation notice sent to the debtor by sms through twilio (SM1) at contact point cp2, following message a1"
    )
    assert validation["message"] == {
        "message_id": "n1",
        "kind": "validation_notice",
        "follows_message_id": "a1",
        "channel": "sms",
        "contact_point_id": "cp2",
        "provider": "twilio",
        "provider_message_id": "SM1",
        "text": NOTICE,
        "deliveries": {"delivered": START + timedelta(minutes=4), "read": START + timedelta(minutes=5)},
    }
    for entry in (confirmation, validation):
        stored = await mongo_db["timeline"].find_one({"_id": entry["_id"]})
        assert stored is not None
        assert "text" not in stored["message"]
        assert "mensagens" not in str(stored)  # the texts are kept encrypted
        assert "debt collector" not in str(stored)
    assert all("message" not in e for e in entries[2:])
