"""Recipient spacing over real Kafka, FerretDB and the sandbox: a spaced recipient is deferred, the partition flows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from cryptography.fernet import Fernet
from pymongo.asynchronous.database import AsyncDatabase

from cordial.types.v1 import types_pb2
from cordial_core.bus import EventPublisher, ensure_topics
from cordial_core.clock import ControllableClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.events import DEAD_LETTER_SUFFIX, Event
from cordial_core.ids import new_id
from cordial_core.store import TenantCollection
from cordial_messaging.adapters.audit import AuditRepository
from cordial_messaging.adapters.catalogue import CreditorRepository, TemplateRepository
from cordial_messaging.adapters.messages import MessageRepository
from cordial_messaging.adapters.providers import SmsGateway
from cordial_messaging.api.events import handlers
from cordial_messaging.domain.composer import Composer, Creditor
from cordial_messaging.domain.dispatch import Dispatcher, Recipient
from cordial_messaging.domain.throttle import Pace, Throttle
from cordial_stack.eventually import consumer_group, until
from cordial_stack.fixtures import sandbox_fixtures
from cordial_stack.infra import Infra

TOKEN = "integration-sandbox-token"
sandbox_url, http = sandbox_fixtures(TOKEN, timeout=5)
NOW = datetime(2024, 3, 4, 13, 0, tzinfo=UTC)
SMS = types_pb2.CHANNEL_SMS
# An hour between two messages to one person: a handler that waited for it would hold the partition that long.
SPACING = 3600.0
NUMBERS = {"p1": "+5511955550001", "p2": "+5511955550002"}


class Plan:
    """Each debtor's one phone."""

    async def plan(self, debtor_id: str, channels: tuple[int, ...]) -> list[Recipient]:
        return [Recipient(f"cp-{debtor_id}", SMS, NUMBERS[debtor_id])]


async def test_a_spaced_recipient_is_deferred_and_sent_once_later_while_others_flow(
    infra: Infra,
    mongo_db: AsyncDatabase[dict[str, Any]],
    http: httpx.AsyncClient,
    sandbox_url: str,
    action_requested: Callable[..., Event],
) -> None:
    topic = f"test-actions-{new_id()[:10]}"
    await ensure_topics(infra.kafka_bootstrap_servers, {topic: 1, topic + DEAD_LETTER_SUFFIX: 1})
    clock = ControllableClock(NOW)
    cipher = PersonalDataCipher(Fernet.generate_key().decode(), "lookup-key")
    creditors = CreditorRepository(TenantCollection(mongo_db["creditors"]), cipher, clock)
    await creditors.put("t1", Creditor("Loja X", "Rua A, 1", "11.222.333/0001-81"))
    messages = MessageRepository(TenantCollection(mongo_db["messages"]), cipher, clock)
    await messages.ensure_indexes()
    sms = SmsGateway(http, sandbox_url, "ACtest", TOKEN, "+5511999990000")
    dispatcher = Dispatcher(
        messages,
        Plan(),
        {SMS: sms},
        clock,
        Composer(TemplateRepository(TenantCollection(mongo_db["templates"]), clock), creditors, "https://p.example"),
        throttle=Throttle({sms.name: Pace(rate=80, burst=1, per_recipient_seconds=SPACING)}),
        audit=AuditRepository(TenantCollection(mongo_db["audit"]), cipher),
    )
    publisher = EventPublisher(infra.kafka_bootstrap_servers)
    await publisher.start()
    group = new_id()
    consumer = consumer_group(infra.kafka_bootstrap_servers, mongo_db, group, [topic], handlers(dispatcher), publisher)
    await consumer.start()

    async def inbox(number: str) -> list[dict[str, str]]:
        reply = await http.get(f"{sandbox_url}/sandbox/inbox", params={"to": number, "channel": "sms"})
        found: list[dict[str, str]] = reply.json()["messages"]
        return found

    try:
        # One partition, in this order: p1, p1 again (within the spacing), then p2.
        for action_id, debtor in (("a1", "p1"), ("a2", "p1"), ("a3", "p2")):
            await publisher.publish(action_requested(action_id, debtor, NOW, topic=topic))
        await until(lambda: inbox(NUMBERS["p2"]), "p2's message, behind p1's second one on the partition")
        assert len(await inbox(NUMBERS["p1"])) == 1
        deferred = await mongo_db["messages"].find_one({"_id": "a2"})
        assert deferred is not None
        assert deferred["state"] == "pending"
        assert deferred["due_at"].replace(tzinfo=UTC) == NOW + timedelta(seconds=SPACING)
        assert await dispatcher.run_due() == 0  # not due yet

        clock.advance(timedelta(seconds=SPACING))
        assert await dispatcher.run_due() == 1
        assert len(await inbox(NUMBERS["p1"])) == 2
        # The same action requested again (a duplicate event): nothing more is sent.
        await publisher.publish(action_requested("a2", "p1", NOW, topic=topic))
        await publisher.publish(action_requested("a4", "p2", NOW, topic=topic))  # a marker: handled after the duplicate
        await until(lambda: _count(inbox(NUMBERS["p2"]), 2), "the marker sent, after the duplicate was handled")
        assert await dispatcher.run_due() == 0
        assert len(await inbox(NUMBERS["p1"])) == 2
        sent = await mongo_db["messages"].find_one({"_id": "a2"})
        assert sent is not None
        assert sent["state"] == "sent"
    finally:
        await consumer.stop()
        await publisher.stop()


async def _count(found: Any, at_least: int) -> bool:
    return len(await found) >= at_least
