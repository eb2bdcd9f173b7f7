"""A US first communication declaring "the validation notice follows in 3 days", over Kafka, FerretDB and the sandbox.

Exactly one validation notice follows it to the same number, though messaging restarts while the notice waits for
the debtor's contact hours (another instance takes it up) and the first action's event comes again; it is published as
message.own_sent (the timeline's entry) and its receipts name it as the validation notice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from cryptography.fernet import Fernet
from pymongo.asynchronous.database import AsyncDatabase

from cordial.events.v1 import messages_pb2
from cordial.types.v1 import types_pb2
from cordial_core.bus import EventConsumer, EventPublisher, ensure_topics
from cordial_core.clock import ControllableClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.events import DEAD_LETTER_SUFFIX, Event, decode_envelope, unpack_payload
from cordial_core.ids import new_id
from cordial_core.money import Money
from cordial_core.store import TenantCollection
from cordial_messaging.adapters.audit import AuditRepository
from cordial_messaging.adapters.catalogue import CreditorRepository, TemplateRepository
from cordial_messaging.adapters.inbound import InboundRepository
from cordial_messaging.adapters.messages import ORPHANED_AFTER, MessageRepository
from cordial_messaging.adapters.providers import SmsGateway
from cordial_messaging.api.events import handlers
from cordial_messaging.domain.catalogue import StoredTemplate
from cordial_messaging.domain.composer import Composer, Creditor
from cordial_messaging.domain.dispatch import Dispatcher, Recipient
from cordial_messaging.domain.inbound import Inbound
from cordial_messaging.domain.notices import Notices, notice_id
from cordial_messaging.domain.policy import ContactCheck, PolicyVerdict
from cordial_messaging.domain.throttle import Pace, Throttle
from cordial_stack.eventually import consumer_group, until
from cordial_stack.fixtures import sandbox_fixtures
from cordial_stack.infra import Infra

TOKEN = "integration-sandbox-token-validation"
sandbox_url, http = sandbox_fixtures(TOKEN, timeout=5)
NOW = datetime(2024, 3, 4, 22, 0, tzinfo=UTC)  # Monday 17:00 in New York
SMS = types_pb2.CHANNEL_SMS
TENANT = "t-us"
CIPHER = PersonalDataCipher(Fernet.generate_key().decode(), "lookup-key-validation")
FIRST = StoredTemplate(
    TENANT,
    "first",
    "sms",
    "en",
    "reminder",
    "US",
    "{{ creditor }}: {{ amount }} is open on your account, see {{ portal_link }}",
    first_communication=True,
    validation_notice_follows_in_days=3,
)


class Plan:
    """Each debtor's one phone: p1's the number under test, anyone else's another."""

    def __init__(self, number: str) -> None:
        self.number = number

    async def plan(self, debtor_id: str, channels: tuple[int, ...]) -> list[Recipient]:
        number = self.number if debtor_id == "p1" else self.number[:-1] + str((int(self.number[-1]) + 1) % 10)
        return [Recipient(f"cp-{debtor_id}", SMS, number)]


class Policy:
    """Strategy's CheckContact as this test needs it: the notice refused for contact hours until they open."""

    def __init__(self, opens: datetime | None = None) -> None:
        self.opens = opens
        self.asked: list[ContactCheck] = []

    async def check(self, check: ContactCheck) -> PolicyVerdict:
        self.asked.append(check)
        if self.opens is not None and check.purpose == "validation_notice":
            return PolicyVerdict(False, "contact_hours", "18:00 in New York, outside 08:00-21:00", self.opens)
        return PolicyVerdict(True, "contact_policy", "allowed")


class Instance:
    """One messaging process: its dispatcher on the shared database, and its consumer of the actions topic."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]], http: httpx.AsyncClient, url: str, number: str) -> None:
        self.clock = ControllableClock(NOW)
        self.messages = MessageRepository(TenantCollection(db["messages"]), CIPHER, self.clock, new_id())
        self.audit = AuditRepository(TenantCollection(db["audit"]), CIPHER)
        self.creditors = CreditorRepository(TenantCollection(db["creditors"]), CIPHER, self.clock)
        self.templates = TemplateRepository(TenantCollection(db["templates"]), self.clock)
        self.policy = Policy()
        sms = SmsGateway(http, url, "ACtest", TOKEN, "+15005550006")
        self.dispatcher = Dispatcher(
            self.messages,
            Plan(number),
            {SMS: sms},
            self.clock,
            Composer(self.templates, self.creditors, "https://pay.example", clock=self.clock),
            policy=self.policy,
            throttle=Throttle({sms.name: Pace(30.0, 1, 1.0)}),
            audit=self.audit,
            notices=Notices(self.messages, self.clock, self.audit),
        )

    def inbound(self, db: AsyncDatabase[dict[str, Any]]) -> InboundRepository:
        """Where this instance finds sent messages for their receipts."""
        collection = TenantCollection(db["messages"])
        replies, opt_outs = TenantCollection(db["replies"]), TenantCollection(db["opt_outs"])
        return InboundRepository(collection, replies, opt_outs, CIPHER, self.clock)


async def test_one_validation_notice_follows_a_us_first_communication_across_a_restart_and_a_duplicate(
    infra: Infra,
    mongo_db: AsyncDatabase[dict[str, Any]],
    http: httpx.AsyncClient,
    sandbox_url: str,
    action_requested: Callable[..., Event],
) -> None:
    topic = f"test-actions-{new_id()[:10]}"

    def first_requested(action_id: str, debtor_id: str) -> Event:
        """The US creditor's first communication for the action: template `first`, in dollars, in English."""
        return action_requested(
            action_id,
            debtor_id,
            NOW,
            topic=topic,
            tenant=TENANT,
            template="first",
            balance=Money(150000, "USD"),
            creditor_name="Acme Bank",
            tone="reminder",
            locale="en",
        )

    await ensure_topics(infra.kafka_bootstrap_servers, {topic: 1, topic + DEAD_LETTER_SUFFIX: 1})
    number = f"+1202555{new_id()[:4].translate(str.maketrans('abcdef', '123456'))}"
    first = Instance(mongo_db, http, sandbox_url, number)
    await first.creditors.put(TENANT, Creditor("Acme Bank", "1 Main St, Springfield", "12-3456789"))
    await first.templates.save(FIRST)
    await first.messages.ensure_indexes()
    # The debtor's hours open at 08:00 tomorrow: the notice waits for them.
    opens = NOW + timedelta(hours=15)
    first.policy.opens = opens
    publisher = EventPublisher(infra.kafka_bootstrap_servers)
    await publisher.start()
    group = new_id()

    def consumer(instance: Instance) -> EventConsumer:
        return consumer_group(
            infra.kafka_bootstrap_servers, mongo_db, group, [topic], handlers(instance.dispatcher), publisher
        )

    async def inbox() -> list[dict[str, Any]]:
        reply = await http.get(f"{sandbox_url}/sandbox/inbox", params={"to": number, "channel": "sms"})
        found: list[dict[str, Any]] = reply.json()["messages"]
        return found

    running = consumer(first)
    await running.start()
    try:
        await publisher.publish(first_requested("a1", "p1"))
        await until(inbox, "the first communication")
        owed = notice_id(TENANT, "a1")
        # The notice is owed before the first message is recorded sent: once that is, the notice is listed as due.
        await until(lambda: mongo_db["messages"].find_one({"_id": "a1", "state": "sent"}), "the first recorded sent")
        stored = await mongo_db["messages"].find_one({"_id": owed})
        assert stored is not None
        assert stored["state"] == "pending"
        first.clock.advance(timedelta(seconds=2))  # past the recipient's spacing
        await first.dispatcher.run_due()
        waiting = await mongo_db["messages"].find_one({"_id": owed})
        assert waiting is not None
        assert waiting["due_at"].replace(tzinfo=UTC) == opens  # waits for the hours, within its 3 days
        assert [c.purpose for c in first.policy.asked] == ["", "validation_notice"]
        await running.stop()

        # Messaging restarts as another instance; the first action's event comes again meanwhile.
        second = Instance(mongo_db, http, sandbox_url, number)
        second.clock.set(opens + ORPHANED_AFTER)
        running = consumer(second)
        await running.start()
        await publisher.publish(first_requested("a1", "p1"))
        await publisher.publish(first_requested("a2", "p2"))  # a marker: handled after the duplicate
        await until(lambda: mongo_db["messages"].find_one({"_id": "a2", "state": "sent"}), "the marker sent")
        for _ in range(3):
            await second.dispatcher.run_due()
            second.clock.advance(timedelta(seconds=2))
        received = await inbox()
        assert len(received) == 2
        notice = received[1]["body"]
        assert notice.startswith("This is a communication from a debt collector about a debt of US$ 1,500.00")
        assert "owed to Acme Bank" in notice
        assert "by April 11, 2024" in notice  # sent on Tuesday March 5
        sent = await mongo_db["messages"].find_one({"_id": owed})
        assert sent is not None
        assert (sent["state"], sent["debt_id"], sent["contact_point_id"]) == ("sent", "d-a1", "cp-p1")
        # It is in the debt's messages and its audit trail like any message.
        assert [doc["_id"] for doc in await second.messages.of_debt(TENANT, "d-a1")] == ["a1", owed]
        trail = await second.audit.entries(TENANT, "d-a1", "")
        assert [(e.kind, e.message_id) for e in trail] == [("sent", "a1"), ("sent", owed)]
        assert trail[1].text == notice
        # Its event is message.own_sent, for the timeline (strategy counts nothing of it): kind, text, point, id.
        [queued] = sent["_outbox"].values()
        own = unpack_payload(decode_envelope(bytes(queued["value"])))
        assert isinstance(own, messages_pb2.OwnMessageSent)
        assert (queued["type"], own.kind, own.follows_message_id, own.text) == (
            "message.own_sent",
            messages_pb2.OWN_MESSAGE_KIND_VALIDATION_NOTICE,
            "a1",
            notice,
        )
        assert (own.contact_point_id, own.provider_message_id) == ("cp-p1", received[1]["id"])
        # Its receipts name it, so strategy never takes its delivery for the first communication's step.
        inbound = Inbound(second.inbound(mongo_db), second.dispatcher, second.clock, second.audit)
        delivered = messages_pb2.DELIVERY_STATE_DELIVERED
        assert await inbound.receipt(TENANT, "sms-gateway", received[1]["id"], delivered, "") == (True, True)
        receipts = await mongo_db["messages"].find_one({"_id": owed})
        assert receipts is not None
        [receipt] = [e for e in receipts["_outbox"].values() if e["type"] == "message.delivery_updated"]
        update = unpack_payload(decode_envelope(bytes(receipt["value"])))
        assert isinstance(update, messages_pb2.MessageDeliveryUpdated)
        assert (update.message_id, update.own_kind, update.confirmation) == (
            owed,
            messages_pb2.OWN_MESSAGE_KIND_VALIDATION_NOTICE,
            True,
        )
    finally:
        await running.stop()
        await publisher.stop()
