"""The Kafka plumbing against a real broker: commit after success, retries, dead letters, duplicates."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.partitioner import DefaultPartitioner
from pymongo.asynchronous.database import AsyncDatabase

from cordial.events.v1 import debts_pb2, envelope_pb2
from cordial_core.bus import EventConsumer, EventPublisher, dispatch, ensure_topics
from cordial_core.clock import SystemClock
from cordial_core.events import DEAD_LETTER_SUFFIX, Event, decode_envelope, new_event
from cordial_core.ids import new_id
from cordial_core.store import MongoProcessedEvents
from cordial_stack.infra import Infra


async def _until(check: Callable[[], bool], what: str, within: float = 30) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{what} did not happen within {within}s")
        await asyncio.sleep(0.05)


@pytest.fixture
async def topic(infra: Infra) -> str:
    """A fresh topic (and its dead-letter topic) for one test."""
    name = f"test-{new_id()[:10]}"
    await ensure_topics(infra.kafka_bootstrap_servers, {name: 1, name + DEAD_LETTER_SUFFIX: 1})
    return name


@pytest.fixture
async def publisher(infra: Infra) -> AsyncIterator[EventPublisher]:
    """A started idempotent publisher."""
    started = EventPublisher(infra.kafka_bootstrap_servers)
    await started.start()
    yield started
    await started.stop()


def _event(topic: str, debt_id: str = "d1") -> Event:
    event = new_event(
        "debt.settled",
        debts_pb2.DebtSettled(debt_id=debt_id, debtor_id="p1"),
        source="test",
        tenant="t1",
        subject=debt_id,
        key="p1",
        clock=SystemClock(),
    )
    return dataclasses.replace(event, topic=topic)


def _consumer(
    infra: Infra,
    topic: str,
    group: str,
    handler: Callable[[envelope_pb2.Envelope], Awaitable[None]],
    db: AsyncDatabase[dict[str, Any]],
    publisher: EventPublisher,
    attempts: int = 3,
) -> EventConsumer:
    return EventConsumer(
        bootstrap_servers=infra.kafka_bootstrap_servers,
        group_id=group,
        topics=[topic],
        handler=handler,
        processed=MongoProcessedEvents(db, group),
        publisher=publisher,
        max_attempts=attempts,
        backoff_seconds=0.01,
    )


async def _committed(infra: Infra, group: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap_servers)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return sum(max(o.offset, 0) for o in offsets.values())


async def _dead_letters(infra: Infra, topic: str, expected: int) -> list[Any]:
    consumer = AIOKafkaConsumer(
        topic + DEAD_LETTER_SUFFIX,
        bootstrap_servers=infra.kafka_bootstrap_servers,
        group_id=new_id(),
        auto_offset_reset="earliest",
    )
    await consumer.start()
    records: list[Any] = []
    try:
        for _ in range(60):
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(batch)
            if len(records) >= expected:
                break
    finally:
        await consumer.stop()
    return records


async def test_offset_is_committed_only_after_the_handler_succeeds(
    infra: Infra, topic: str, publisher: EventPublisher, mongo_db: AsyncDatabase[dict[str, Any]]
) -> None:
    gate, entered, handled = asyncio.Event(), asyncio.Event(), []

    async def handler(envelope: envelope_pb2.Envelope) -> None:
        entered.set()
        await gate.wait()
        handled.append(envelope.id)

    group = new_id()
    consumer = _consumer(infra, topic, group, handler, mongo_db, publisher)
    await consumer.start()
    try:
        await publisher.publish(_event(topic))
        await asyncio.wait_for(entered.wait(), 30)
        assert await _committed(infra, group) == 0, "nothing is committed while the handler runs"
        gate.set()
        await _until(lambda: len(handled) == 1, "handling")
        for _ in range(100):
            if await _committed(infra, group) == 1:
                break
            await asyncio.sleep(0.05)
        assert await _committed(infra, group) == 1
    finally:
        gate.set()
        await consumer.stop()


async def test_failing_handler_is_retried_then_succeeds(
    infra: Infra, topic: str, publisher: EventPublisher, mongo_db: AsyncDatabase[dict[str, Any]]
) -> None:
    attempts: list[str] = []

    async def flaky(envelope: envelope_pb2.Envelope) -> None:
        attempts.append(envelope.id)
        if len(attempts) < 3:
            raise ConnectionError("dependency down")

    consumer = _consumer(infra, topic, new_id(), flaky, mongo_db, publisher, attempts=5)
    await consumer.start()
    try:
        event = _event(topic)
        await publisher.publish(event)
        await _until(lambda: len(attempts) == 3, "three attempts")
        await asyncio.sleep(0.5)
        assert attempts == [event.id] * 3
    finally:
        await consumer.stop()
    assert await _dead_letters(infra, topic, expected=0) == []


async def test_poison_message_goes_to_the_dead_letter_topic_and_the_next_is_handled(
    infra: Infra, topic: str, publisher: EventPublisher, mongo_db: AsyncDatabase[dict[str, Any]]
) -> None:
    handled: list[str] = []
    poison, good = _event(topic, "poison"), _event(topic, "good")

    async def handler(envelope: envelope_pb2.Envelope) -> None:
        if envelope.subject == "poison":
            raise ValueError("cannot handle this one")
        handled.append(envelope.id)

    consumer = _consumer(infra, topic, new_id(), handler, mongo_db, publisher, attempts=2)
    await consumer.start()
    try:
        await publisher.publish(poison)
        await publisher.publish_raw(topic, b"\xff not an envelope", b"p1", [])
        await publisher.publish(good)
        await _until(lambda: handled == [good.id], "the good event after the poison ones")
    finally:
        await consumer.stop()
    parked = await _dead_letters(infra, topic, expected=2)
    assert len(parked) == 2
    assert decode_envelope(parked[0].value).id == poison.id
    headers = dict(parked[0].headers)
    assert b"cannot handle this one" in headers["error"]
    assert headers["original-topic"] == topic.encode()
    assert parked[1].value == b"\xff not an envelope"


async def test_duplicate_event_is_handled_once(
    infra: Infra, topic: str, publisher: EventPublisher, mongo_db: AsyncDatabase[dict[str, Any]]
) -> None:
    handled: list[str] = []

    async def handler(envelope: envelope_pb2.Envelope) -> None:
        handled.append(envelope.id)

    event, later = _event(topic), _event(topic, "later")
    consumer = _consumer(infra, topic, new_id(), handler, mongo_db, publisher)
    await consumer.start()
    try:
        await publisher.publish(event)
        await publisher.publish(event)
        await publisher.publish(later)
        await _until(lambda: later.id in handled, "the event after the duplicate")
    finally:
        await consumer.stop()
    assert handled == [event.id, later.id]


async def test_an_event_no_route_handles_is_committed_without_a_processed_id(
    infra: Infra, topic: str, publisher: EventPublisher, mongo_db: AsyncDatabase[dict[str, Any]]
) -> None:
    handled: list[str] = []

    async def on_settled(envelope: envelope_pb2.Envelope) -> None:
        handled.append(envelope.id)

    settled, other = _event(topic), _event(topic, "d2")
    other.envelope.type = "debt.contacts_added"  # a type the routes do not name
    group = new_id()
    consumer = _consumer(infra, topic, group, dispatch({"debt.settled": on_settled}), mongo_db, publisher)
    await consumer.start()
    try:
        await publisher.publish(other)
        await publisher.publish(settled)
        await _until(lambda: settled.id in handled, "the handled event")
        for _ in range(100):
            if await _committed(infra, group) == 2:
                break
            await asyncio.sleep(0.05)
        assert await _committed(infra, group) == 2, "both committed"
    finally:
        await consumer.stop()
    kept = [doc["_id"] async for doc in mongo_db["processed_events"].find({}) if doc["_id"].startswith(group)]
    assert kept == [f"{group}:{settled.id}"], "only the handled event's id is kept"


async def test_partitions_in_parallel_handles_one_while_another_waits_and_keeps_each_in_order(
    infra: Infra, publisher: EventPublisher, mongo_db: AsyncDatabase[dict[str, Any]]
) -> None:
    topic = f"test-{new_id()[:10]}"
    await ensure_topics(infra.kafka_bootstrap_servers, {topic: 2, topic + DEAD_LETTER_SUFFIX: 1})
    partition_of = DefaultPartitioner()
    keys: dict[int, str] = {}
    for i in range(100):
        keys.setdefault(partition_of(f"p{i}".encode(), [0, 1], [0, 1]), f"p{i}")
    slow, again, fast = (dataclasses.replace(_event(topic, f"d{p}"), key=keys[p]) for p in (0, 0, 1))
    other_done, handled = asyncio.Event(), []

    async def handler(envelope: envelope_pb2.Envelope) -> None:
        debt = envelope.subject
        if debt == "d0" and not handled:
            await asyncio.wait_for(other_done.wait(), 20)  # handled sequentially, this would wait for itself
        handled.append(debt)
        if debt == "d1":
            other_done.set()

    consumer = EventConsumer(
        bootstrap_servers=infra.kafka_bootstrap_servers,
        group_id=new_id(),
        topics=[topic],
        handler=handler,
        processed=MongoProcessedEvents(mongo_db, "parallel"),
        publisher=publisher,
        max_attempts=1,
        partitions_in_parallel=True,
    )
    for event in (slow, again, fast):
        await publisher.publish(event)
    await consumer.start()
    try:
        await _until(lambda: len(handled) == 3, "handling")
    finally:
        await consumer.stop()
    assert handled[0] == "d1", "the other partition went on while the first waited"
    assert handled[1:] == ["d0", "d0"]


async def test_keys_in_parallel_handles_one_key_while_another_waits_keeps_each_in_order_and_commits_all(
    infra: Infra, topic: str, publisher: EventPublisher, mongo_db: AsyncDatabase[dict[str, Any]]
) -> None:
    first, second = (dataclasses.replace(_event(topic, d), key="p1") for d in ("a1", "a2"))
    other = dataclasses.replace(_event(topic, "b1"), key="p2")
    other_done, handled = asyncio.Event(), []

    async def handler(envelope: envelope_pb2.Envelope) -> None:
        if envelope.subject == "a1":
            await asyncio.wait_for(other_done.wait(), 20)  # one key at a time, this would wait for itself
        handled.append(envelope.subject)
        if envelope.subject == "b1":
            other_done.set()

    group = new_id()
    consumer = EventConsumer(
        bootstrap_servers=infra.kafka_bootstrap_servers,
        group_id=group,
        topics=[topic],
        handler=handler,
        processed=MongoProcessedEvents(mongo_db, group),
        publisher=publisher,
        max_attempts=1,
        keys_in_parallel=True,
    )
    for event in (first, second, other):
        await publisher.publish(event)
    await consumer.start()
    try:
        await _until(lambda: len(handled) == 3, "handling")
        await _until_async(lambda: _committed(infra, group), 3, "the commit past all three")
    finally:
        await consumer.stop()
    assert handled == ["b1", "a1", "a2"], "the other key went on while the first waited; one key's stay in order"


async def _until_async(read: Callable[[], Awaitable[int]], expected: int, what: str, within: float = 30) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while (found := await read()) != expected:
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{what} did not happen within {within}s: {found} != {expected}")
        await asyncio.sleep(0.1)
