"""A strategy outage loses no accepted action, over real Kafka, FerretDB, gRPC and the sandbox.

While strategy is down (nothing listens: UNAVAILABLE), past its deadline, or has not heard of the debt yet
(NOT_FOUND), the send-time check is undecided: the action is handled (its event committed, never dead-lettered
after the handler's retries) and kept as due in ``messages_deferred``, asked again after a growing pause, and sent
once strategy answers.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import httpx
from cryptography.fernet import Fernet
from prometheus_client import REGISTRY
from pymongo.asynchronous.database import AsyncDatabase

from cordial.strategy.v1 import strategy_service_pb2 as pb
from cordial.strategy.v1 import strategy_service_pb2_grpc as pb_grpc
from cordial.types.v1 import types_pb2
from cordial_core.bus import EventConsumer, EventPublisher, ensure_topics
from cordial_core.clock import ControllableClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.events import DEAD_LETTER_SUFFIX, Event
from cordial_core.grpc_server import open_channel
from cordial_core.ids import new_id
from cordial_core.money import Money
from cordial_core.store import TenantCollection
from cordial_messaging.adapters.audit import AuditRepository
from cordial_messaging.adapters.catalogue import CreditorRepository, TemplateRepository
from cordial_messaging.adapters.contact_policy import StrategyContactPolicy
from cordial_messaging.adapters.messages import MessageRepository
from cordial_messaging.adapters.providers import SmsGateway
from cordial_messaging.api.events import handlers
from cordial_messaging.domain.composer import Composer, Creditor
from cordial_messaging.domain.dispatch import ActionToSend, Dispatcher, Recipient
from cordial_messaging.domain.policy import ContactCheck, PolicyVerdict
from cordial_messaging.domain.undecided import UndecidedBounds
from cordial_stack.eventually import consumer_group, until
from cordial_stack.fixtures import sandbox_fixtures
from cordial_stack.infra import Infra

TOKEN = "integration-sandbox-token-outage"
sandbox_url, http = sandbox_fixtures(TOKEN, timeout=5)
NOW = datetime(2024, 3, 4, 13, 0, tzinfo=UTC)
SMS = types_pb2.CHANNEL_SMS
NUMBER = "+5511955550077"
CIPHER = PersonalDataCipher(Fernet.generate_key().decode(), "lookup-key")


class Plan:
    """The debtor's one phone."""

    async def plan(self, debtor_id: str, channels: tuple[int, ...]) -> list[Recipient]:
        return [Recipient("cp-p1", SMS, NUMBER)]


class Strategy(pb_grpc.StrategyServiceServicer):
    """Strategy back, first failing the call with a status (past its deadline, or not yet heard of the debt), then
    answering."""

    def __init__(self, failing: grpc.StatusCode | None = grpc.StatusCode.DEADLINE_EXCEEDED) -> None:
        self.failing = failing

    async def CheckContact(
        self, request: pb.CheckContactRequest, context: grpc.aio.ServicerContext
    ) -> pb.CheckContactResponse:
        if self.failing is not None:
            await context.abort(self.failing, f"no case for debt {request.debt_id}")
        return pb.CheckContactResponse(decision=pb.Decision(allowed=True, rule="allowed"))


async def _dispatcher(
    db: AsyncDatabase[dict[str, Any]], http: httpx.AsyncClient, url: str, clock: ControllableClock, **options: Any
) -> Dispatcher:
    """Messaging's dispatcher on the test's database and the sandbox's SMS gateway, with these options."""
    creditors = CreditorRepository(TenantCollection(db["creditors"]), CIPHER, clock)
    await creditors.put("t1", Creditor("Loja X", "Rua A, 1", "11.222.333/0001-81"))
    messages = MessageRepository(TenantCollection(db["messages"]), CIPHER, clock)
    await messages.ensure_indexes()
    return Dispatcher(
        messages,
        Plan(),
        {SMS: SmsGateway(http, url, "ACtest", TOKEN, "+5511999990000")},
        clock,
        Composer(TemplateRepository(TenantCollection(db["templates"]), clock), creditors, "https://p.example"),
        **options,
    )


async def _consuming(
    infra: Infra, db: AsyncDatabase[dict[str, Any]], dispatcher: Dispatcher
) -> tuple[str, EventPublisher, EventConsumer]:
    """A topic of the test's own for the actions, a started publisher, and messaging's consumer of it (started)."""
    topic = f"test-actions-{new_id()[:10]}"
    await ensure_topics(infra.kafka_bootstrap_servers, {topic: 1, topic + DEAD_LETTER_SUFFIX: 1})
    publisher = EventPublisher(infra.kafka_bootstrap_servers)
    await publisher.start()
    consumer = consumer_group(infra.kafka_bootstrap_servers, db, new_id(), [topic], handlers(dispatcher), publisher)
    await consumer.start()
    return topic, publisher, consumer


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _consumed(outcome: str) -> float:
    labels = {"type": "action.requested", "outcome": outcome}
    return REGISTRY.get_sample_value("cordial_events_consumed_total", labels) or 0.0


async def test_an_action_checked_while_strategy_is_down_is_deferred_not_dead_lettered_and_sent_when_it_is_back(
    infra: Infra,
    mongo_db: AsyncDatabase[dict[str, Any]],
    http: httpx.AsyncClient,
    sandbox_url: str,
    action_requested: Callable[..., Event],
) -> None:
    clock = ControllableClock(NOW)
    address = f"127.0.0.1:{_free_port()}"  # strategy's address, where nothing listens yet
    channel = open_channel(address)
    dispatcher = await _dispatcher(mongo_db, http, sandbox_url, clock, policy=StrategyContactPolicy(channel))
    topic, publisher, consumer = await _consuming(infra, mongo_db, dispatcher)
    server = grpc.aio.server()
    strategy = Strategy()
    pb_grpc.add_StrategyServiceServicer_to_server(strategy, server)

    async def pending() -> dict[str, Any] | None:
        return await mongo_db["messages"].find_one({"_id": "a1", "undecided.count": 1})

    async def inbox() -> list[dict[str, str]]:
        reply = await http.get(f"{sandbox_url}/sandbox/inbox", params={"to": NUMBER, "channel": "sms"})
        found: list[dict[str, str]] = reply.json()["messages"]
        return found

    ok, dead = _consumed("ok"), _consumed("dead_letter")
    try:
        await publisher.publish(action_requested("a1", "p1", clock.now(), debt_id="d1", topic=topic))
        deferred = await until(pending, "the action kept as due while strategy is down")
        assert deferred["state"] == "pending"
        assert deferred["due_at"].replace(tzinfo=UTC) == NOW + timedelta(seconds=10)
        await until(lambda: _true(_consumed("ok") == ok + 1), "the event handled and committed")
        assert _consumed("dead_letter") == dead

        server.add_insecure_port(address)
        await server.start()  # strategy is back, but past its deadline: still undecided, asked later
        await asyncio.wait_for(channel.channel_ready(), 30)  # the channel's own reconnection backoff is over
        clock.advance(timedelta(seconds=10))
        assert await dispatcher.run_due() == 1
        again = await mongo_db["messages"].find_one({"_id": "a1"})
        assert again is not None
        assert (again["state"], again["undecided"]["count"]) == ("pending", 2)
        assert again["due_at"].replace(tzinfo=UTC) == NOW + timedelta(seconds=30)
        assert await inbox() == []

        strategy.failing = None
        clock.advance(timedelta(seconds=20))
        assert await dispatcher.run_due() == 1
        assert len(await inbox()) == 1
        sent = await mongo_db["messages"].find_one({"_id": "a1"})
        assert sent is not None
        assert sent["state"] == "sent"
        assert _consumed("dead_letter") == dead
    finally:
        await consumer.stop()
        await publisher.stop()
        await server.stop(0)
        await channel.close()


async def test_a_debt_strategy_has_not_heard_of_yet_is_deferred_not_dead_lettered_and_sent_once_it_has(
    infra: Infra,
    mongo_db: AsyncDatabase[dict[str, Any]],
    http: httpx.AsyncClient,
    sandbox_url: str,
    action_requested: Callable[..., Event],
) -> None:
    clock = ControllableClock(NOW)
    strategy, server = Strategy(grpc.StatusCode.NOT_FOUND), grpc.aio.server()
    pb_grpc.add_StrategyServiceServicer_to_server(strategy, server)
    address = f"127.0.0.1:{_free_port()}"
    server.add_insecure_port(address)
    await server.start()
    channel = open_channel(address)
    dispatcher = await _dispatcher(mongo_db, http, sandbox_url, clock, policy=StrategyContactPolicy(channel))
    topic, publisher, consumer = await _consuming(infra, mongo_db, dispatcher)
    ok, dead = _consumed("ok"), _consumed("dead_letter")
    try:
        await publisher.publish(action_requested("a1", "p1", clock.now(), debt_id="d1", topic=topic))
        deferred = await until(
            lambda: mongo_db["messages"].find_one({"_id": "a1", "undecided.count": 1}), "the action kept as due"
        )
        assert deferred["due_at"].replace(tzinfo=UTC) == NOW + timedelta(seconds=10)
        await until(lambda: _true(_consumed("ok") == ok + 1), "the event handled and committed")
        assert _consumed("dead_letter") == dead

        strategy.failing = None  # strategy's debt.placed arrived: it answers
        clock.advance(timedelta(seconds=10))
        assert await dispatcher.run_due() == 1
        sent = await mongo_db["messages"].find_one({"_id": "a1"})
        assert sent is not None
        assert sent["state"] == "sent"
    finally:
        await consumer.stop()
        await publisher.stop()
        await server.stop(0)
        await channel.close()


async def _true(value: bool) -> bool:
    return value


class Undecided:
    """Strategy never able to hear agreements: every answer undecided, naming no moment."""

    async def check(self, check: ContactCheck) -> PolicyVerdict:
        return PolicyVerdict(False, "standing_unknown", "agreements did not answer within 2 s", retry=True)


async def test_an_action_undecided_past_the_limit_is_failed_audited_and_counted_once(
    mongo_db: AsyncDatabase[dict[str, Any]], http: httpx.AsyncClient, sandbox_url: str
) -> None:
    clock = ControllableClock(NOW)
    audit = AuditRepository(TenantCollection(mongo_db["audit"]), CIPHER)
    bounds = UndecidedBounds(max_wait=timedelta(seconds=40), limit=timedelta(minutes=2))
    dispatcher = await _dispatcher(
        mongo_db, http, sandbox_url, clock, policy=Undecided(), audit=audit, undecided=bounds
    )
    action = ActionToSend("a9", "t1", "d9", "p1", (SMS,), "reminder", Money(15000, "BRL"), "Loja X")
    counted = REGISTRY.get_sample_value("cordial_messaging_actions_given_up_total", {"rule": "standing_unknown"}) or 0
    await dispatcher.handle(action)
    for _ in range(12):  # asked at 10, 30, 70 and 110 s (the pause capped at 40), then at the limit: given up
        clock.advance(timedelta(seconds=10))
        await dispatcher.run_due()
    stored = await mongo_db["messages"].find_one({"_id": "a9"})
    assert stored is not None
    assert stored["state"] == "failed"
    assert stored["reason"].startswith("standing_unknown: given up, the contact policy undecided 6 times since")
    [queued] = stored["_outbox"].values()  # published by the relay: strategy frees the contact, plans again
    assert queued["type"] == "message.failed"
    [entry] = await audit.entries("t1", "d9", "")
    assert (entry.kind, entry.reason, entry.to) == ("given_up", stored["reason"], NUMBER)
    await audit.append(entry)  # written again after a crash: one entry, counted once
    assert len(await audit.entries("t1", "d9", "")) == 1
    after = REGISTRY.get_sample_value("cordial_messaging_actions_given_up_total", {"rule": "standing_unknown"})
    assert after == counted + 1
