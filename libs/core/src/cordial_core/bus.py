"""Kafka plumbing on aiokafka: topic admin, an idempotent publisher and a safe consumer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Protocol

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from tenacity import AsyncRetrying, RetryError, stop_after_attempt, wait_exponential

from cordial.events.v1 import envelope_pb2
from cordial_core.context import bound
from cordial_core.events import DEAD_LETTER_SUFFIX, all_topics, decode_envelope
from cordial_core.metrics import EVENT_HANDLER_RETRIES, EVENTS_CONSUMED, EVENTS_PUBLISHED

log = logging.getLogger(__name__)

Handler = Callable[[envelope_pb2.Envelope], Awaitable[None]]


class Publishable(Protocol):
    """What publishing needs of an event: an Event, or one the outbox read back as stored bytes."""

    @property
    def type(self) -> str:
        """The event type, counted in the published metric."""
        ...

    @property
    def topic(self) -> str:
        """The topic it goes to."""
        ...

    @property
    def key(self) -> str:
        """The partition key (the debtor id)."""
        ...

    def encode(self) -> bytes:
        """The wire form."""
        ...


async def ensure_topics(bootstrap_servers: str, topics: dict[str, int] | None = None) -> list[str]:
    """Creates the missing topics with their partition counts; returns those it created."""
    wanted = topics if topics is not None else all_topics()
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(name=name, num_partitions=partitions, replication_factor=1)
            for name, partitions in sorted(wanted.items())
            if name not in existing
        ]
        if missing:
            await admin.create_topics(missing)
        return [t.name for t in missing]
    finally:
        await admin.close()


class EventPublisher:
    """Publishes events with an idempotent producer that waits for every replica."""

    def __init__(self, bootstrap_servers: str) -> None:
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap_servers,
            enable_idempotence=True,
            acks="all",
            linger_ms=5,
        )

    async def start(self) -> None:
        """Connects to the cluster."""
        await self._producer.start()

    async def stop(self) -> None:
        """Flushes what is pending and disconnects."""
        await self._producer.stop()

    async def publish(self, event: Publishable) -> None:
        """Sends one event and waits until the cluster has it."""
        await self._producer.send_and_wait(event.topic, event.encode(), key=event.key.encode())
        EVENTS_PUBLISHED.labels(event.type).inc()

    async def publish_raw(self, topic: str, value: bytes, key: bytes | None, headers: list[tuple[str, bytes]]) -> None:
        """Sends bytes as they are; used to park poison messages on a dead-letter topic."""
        await self._producer.send_and_wait(topic, value, key=key, headers=headers)


class ProcessedEvents(Protocol):
    """Remembers which event ids a consumer group has already handled."""

    async def seen(self, event_id: str) -> bool:
        """True when the event was handled before."""
        ...

    async def remember(self, event_id: str) -> None:
        """Records that the event was handled."""
        ...


class EventConsumer:
    """Runs a handler per event; commits only after it succeeds, retries, then dead-letters."""

    def __init__(
        self,
        *,
        bootstrap_servers: str,
        group_id: str,
        topics: Iterable[str],
        handler: Handler,
        processed: ProcessedEvents,
        publisher: EventPublisher,
        max_attempts: int = 5,
        backoff_seconds: float = 0.2,
        partitions_in_parallel: bool = False,
        keys_in_parallel: bool = False,
        fetch_max_wait_ms: int = 500,
    ) -> None:
        # fetch_max_wait_ms: how long the broker holds a fetch that found nothing (aiokafka's default). Longer means
        # fewer idle fetches, but aiokafka keeps one fetch in flight per broker, so a partition whose batch was in
        # hand when a long fetch went out waits that long for its next events.
        self._consumer = AIOKafkaConsumer(
            *topics,
            bootstrap_servers=bootstrap_servers,
            group_id=group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
            fetch_max_wait_ms=fetch_max_wait_ms,
        )
        self._handler = handler
        self._processed = processed
        self._publisher = publisher
        self._max_attempts = max_attempts
        self._backoff = backoff_seconds
        # Each partition of a fetched batch handled by its own task, in order within it (one key's events stay
        # in order): for handlers whose work is mostly waiting, such as messaging's sends.
        self._parallel = partitions_in_parallel or keys_in_parallel
        # Within a partition's batch too, each key's events in order and different keys at once, the offset committed
        # up to the first not handled: for handlers whose events wait on rate-paced providers (contact-locator's
        # verification). A crash mid-batch hands the handled ones over again, so the handler must be idempotent.
        self._by_key = keys_in_parallel
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Joins the group and starts consuming in the background."""
        await self._consumer.start()
        self._task = asyncio.create_task(self._run(), name="event-consumer")

    async def stop(self) -> None:
        """Finishes the event in hand, commits, and leaves the group."""
        self._stopping.set()
        if self._task is not None:
            await self._task
        await self._consumer.stop()

    async def _run(self) -> None:
        while not self._stopping.is_set():
            batches = await self._consumer.getmany(timeout_ms=200, max_records=100)
            if self._parallel:
                await asyncio.gather(*(self._partition(tp, records) for tp, records in batches.items()))
            else:
                for partition, records in batches.items():
                    await self._partition(partition, records)
                    if self._stopping.is_set():
                        return

    async def _partition(self, partition: TopicPartition, records: list[ConsumerRecord[bytes, bytes]]) -> None:
        """Handles one partition's records in order, committing after each; stops early when asked to."""
        if self._by_key:
            await self._partition_by_key(partition, records)
            return
        for record in records:
            await self._handle(record)
            await self._consumer.commit({partition: record.offset + 1})
            if self._stopping.is_set():
                return

    async def _partition_by_key(self, partition: TopicPartition, records: list[ConsumerRecord[bytes, bytes]]) -> None:
        """Handles each key's records in order and the keys at once; commits past the records handled without a gap."""
        lanes: dict[bytes | None, list[ConsumerRecord[bytes, bytes]]] = {}
        for record in records:
            lanes.setdefault(record.key, []).append(record)
        handled: set[int] = set()

        async def lane(queued: list[ConsumerRecord[bytes, bytes]]) -> None:
            for record in queued:
                if self._stopping.is_set():
                    return
                await self._handle(record)
                handled.add(record.offset)

        await asyncio.gather(*(lane(queued) for queued in lanes.values()))
        committed = next_offset_after(records, handled)
        if committed is not None:
            await self._consumer.commit({partition: committed})

    async def _handle(self, record: ConsumerRecord[bytes, bytes]) -> None:
        try:
            envelope = decode_envelope(record.value or b"")
        except Exception as exc:
            await self._dead_letter(record, f"undecodable envelope: {exc}")
            EVENTS_CONSUMED.labels("unknown", "dead_letter").inc()
            return
        if isinstance(self._handler, Routes) and not self._handler.handles(envelope.type):
            # No effect to make exactly-once, so no processed id to read or keep (two round trips an event).
            EVENTS_CONSUMED.labels(envelope.type, "ignored").inc()
            return
        if await self._processed.seen(envelope.id):
            EVENTS_CONSUMED.labels(envelope.type, "duplicate").inc()
            return
        with bound(envelope.tenant, envelope.correlation_id):
            try:
                await self._handle_with_retries(envelope)
            except RetryError as exc:
                cause = exc.last_attempt.exception()
                log.error("event %s (%s) dead-lettered: %r", envelope.id, envelope.type, cause)
                await self._dead_letter(record, repr(cause))
                EVENTS_CONSUMED.labels(envelope.type, "dead_letter").inc()
                return
        await self._processed.remember(envelope.id)
        EVENTS_CONSUMED.labels(envelope.type, "ok").inc()

    async def _handle_with_retries(self, envelope: envelope_pb2.Envelope) -> None:
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(self._max_attempts),
            wait=wait_exponential(multiplier=self._backoff, max=5),
        ):
            with attempt:
                if attempt.retry_state.attempt_number > 1:
                    EVENT_HANDLER_RETRIES.inc()
                await self._handler(envelope)

    async def _dead_letter(self, record: ConsumerRecord[bytes, bytes], reason: str) -> None:
        headers = [
            ("error", reason.encode()[:1000]),
            ("original-topic", record.topic.encode()),
            ("original-offset", str(record.offset).encode()),
        ]
        await self._publisher.publish_raw(record.topic + DEAD_LETTER_SUFFIX, record.value or b"", record.key, headers)


def next_offset_after(records: list[ConsumerRecord[bytes, bytes]], handled: set[int]) -> int | None:
    """The offset to commit once the handled records are done: past the last of the leading run of handled ones
    (records are in offset order, with gaps where transaction markers sit); None when the first is not handled."""
    committed = None
    for record in records:
        if record.offset not in handled:
            break
        committed = record.offset + 1
    return committed


class Routes:
    """One handler that routes each event type to its own handler and ignores the rest."""

    def __init__(self, handlers: dict[str, Handler]) -> None:
        self._handlers = dict(handlers)

    async def __call__(self, envelope: envelope_pb2.Envelope) -> None:
        handler = self._handlers.get(envelope.type)
        if handler is not None:
            await handler(envelope)

    def handles(self, event_type: str) -> bool:
        """Whether events of this type do anything here."""
        return event_type in self._handlers


def dispatch(handlers: dict[str, Handler]) -> Routes:
    """One handler that routes each event type to its own handler and ignores the rest."""
    return Routes(handlers)
