"""Contact-locator's group keeps no processed ids: an event delivered twice on Kafka counts once on FerretDB."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime
from typing import Any

from cryptography.fernet import Fernet
from pymongo.asynchronous.database import AsyncDatabase

from cordial.events.v1 import messages_pb2
from cordial.types.v1 import types_pb2
from cordial_contact_locator.adapters.contact_points import ContactPointRepository
from cordial_contact_locator.adapters.outcomes import MongoOutcomes
from cordial_contact_locator.api.events import handlers
from cordial_contact_locator.domain.directory import Directory
from cordial_core.bus import EventConsumer, EventPublisher, ensure_topics
from cordial_core.clock import ControllableClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.events import DEAD_LETTER_SUFFIX, Event, EventSource
from cordial_core.ids import new_id
from cordial_core.store import KeyedByEvent, TenantCollection
from cordial_stack.eventually import until
from cordial_stack.infra import Infra

NOW = datetime(2024, 3, 4, 13, 0, tzinfo=UTC)
WHATSAPP = types_pb2.CHANNEL_WHATSAPP


class Rig:
    """The group's handler on FerretDB, with a point of p1's recorded."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.db = db
        clock = ControllableClock(NOW)
        cipher = PersonalDataCipher(Fernet.generate_key().decode(), "lookup-key-redelivery")
        self.points = ContactPointRepository(TenantCollection(db["contact_points"]), cipher, clock)
        outcomes = MongoOutcomes(TenantCollection(db["contact_outcomes"]), clock)
        self.directory = Directory(self.points, clock, cipher.lookup_hash, outcomes)
        self.handle = handlers(self.directory)
        self.source = EventSource("messaging", clock)

    async def point(self) -> str:
        [point] = await self.directory.record_supplied(
            "t1", "d1", "p1", [(types_pb2.CONTACT_KIND_PHONE, "11 98765-4321")], "client"
        )
        return point.id

    def reply(self, point_id: str, topic: str = "") -> Event:
        answer = messages_pb2.ReplyReceived(contact_point_id=point_id, channel=WHATSAPP, debt_id="d1", debtor_id="p1")
        event = self.source.event("reply.received", answer, tenant="t1", subject="d1", key="p1")
        return dataclasses.replace(event, topic=topic) if topic else event

    async def reach(self, point_id: str) -> tuple[float, float]:
        point = await self.points.get("t1", point_id)
        assert point is not None
        return point.reach[WHATSAPP]

    async def right_parties(self) -> int:
        return await self.db["contact_outcomes"].count_documents({"outcome": "right_party"})


async def test_a_reply_handled_twice_even_at_once_counts_once(mongo_db: AsyncDatabase[dict[str, Any]]) -> None:
    rig = Rig(mongo_db)
    point_id = await rig.point()
    event = rig.reply(point_id)
    await rig.handle(event.envelope)
    await rig.handle(event.envelope)
    assert await rig.reach(point_id) == (3.0, 1.0)
    assert await rig.right_parties() == 1
    # Two deliveries at once (a rebalance while the first was handled): the conditional write takes one.
    again = rig.reply(point_id)
    await asyncio.gather(rig.handle(again.envelope), rig.handle(again.envelope))
    assert await rig.reach(point_id) == (5.0, 1.0)
    assert await rig.right_parties() == 2


async def test_a_reply_redelivered_on_kafka_to_a_group_without_processed_ids_counts_once(
    infra: Infra, mongo_db: AsyncDatabase[dict[str, Any]]
) -> None:
    topic = f"test-messages-{new_id()[:10]}"
    await ensure_topics(infra.kafka_bootstrap_servers, {topic: 1, topic + DEAD_LETTER_SUFFIX: 1})
    rig = Rig(mongo_db)
    point_id = await rig.point()
    publisher = EventPublisher(infra.kafka_bootstrap_servers)
    await publisher.start()
    consumer = EventConsumer(
        bootstrap_servers=infra.kafka_bootstrap_servers,
        group_id=new_id(),
        topics=[topic],
        handler=rig.handle,
        processed=KeyedByEvent(),
        publisher=publisher,
        backoff_seconds=0.01,
    )
    await consumer.start()
    try:
        event = rig.reply(point_id, topic)
        marker = rig.reply(point_id, topic)  # handled after the repeat: then the repeat was handled too
        for published in (event, event, marker):
            await publisher.publish(published)
        await until(lambda: _at_least(rig.right_parties(), 2), "the marker counted")
        assert await rig.reach(point_id) == (5.0, 1.0), "two replies, not three"
        assert await rig.right_parties() == 2
        assert "processed" not in " ".join(await mongo_db.list_collection_names())
    finally:
        await consumer.stop()
        await publisher.stop()


async def _at_least(count: Any, wanted: int) -> bool:
    return bool(await count >= wanted)
