"""When the platform has finished reacting: Kafka consumer lag zero, no event published or consumed, and every
background loop (outbox relays, strategy's scheduler, messaging's due sends, agreements' checks) has run two
whole passes that found nothing to do, all since the last sign of activity."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass, field

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client.parser import text_string_to_metric_families

# The only metrics a step reads: each service renders just these (prometheus_client's `name[]` filter), not its
# process, platform and gRPC histograms, four times a second while the driver waits.
ACTIVITY_METRICS = (
    "cordial_events_published_total",
    "cordial_events_consumed_total",
    "cordial_background_passes_total",
)


@dataclass
class Snapshot:
    """The metrics that tell activity: events published and consumed, and each loop's passes by outcome."""

    events: float = 0.0
    idle: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    busy: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def differs(self, other: Snapshot) -> bool:
        """True when an event was published or consumed, or a loop did something, between the two."""
        return self.events != other.events or self.busy != other.busy

    def idle_twice_since(self, reference: Snapshot) -> bool:
        """True when every loop ran two idle passes since the reference (so one began after it)."""
        return all(count >= reference.idle.get(loop, 0.0) + 2 for loop, count in self.idle.items())


class Quiescence:
    """Scrapes the services' /metrics and Kafka's offsets; `wait` returns once the platform is quiet."""

    def __init__(
        self,
        metrics_ports: dict[str, int],
        kafka_bootstrap: str,
        poll_seconds: float = 0.25,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self._ports = metrics_ports
        self._bootstrap = kafka_bootstrap
        self._poll = poll_seconds
        self._http = http or httpx.AsyncClient(timeout=10)
        self._admin: AIOKafkaAdminClient | None = None
        self._consumer: AIOKafkaConsumer | None = None
        # Each consumer group's coordinator and partitions, listed at the first lag check of a wait (groups and
        # topics are made at start-up; listing them costs Kafka a metadata request and two more per group).
        self._partitions: dict[str, tuple[int, list[TopicPartition]]] | None = None
        self.waited_seconds = 0.0
        self.waits = 0
        self.quiet_waits = 0  # waits that saw no activity at all: a clock step with nothing to do
        self.quiet_seconds = 0.0
        self.lag_checks = 0

    async def start(self) -> None:
        """Connects to Kafka."""
        self._admin = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap)
        await self._admin.start()
        self._consumer = AIOKafkaConsumer(bootstrap_servers=self._bootstrap)
        await self._consumer.start()

    async def stop(self) -> None:
        """Disconnects."""
        await self._http.aclose()
        if self._consumer is not None:
            await self._consumer.stop()
        if self._admin is not None:
            await self._admin.close()

    async def snapshot(self) -> Snapshot:
        """Sums the activity metrics of every service."""
        snap = Snapshot()
        params = httpx.QueryParams([("name[]", name) for name in ACTIVITY_METRICS])
        replies = await asyncio.gather(
            *(self._http.get(f"http://127.0.0.1:{p}/metrics", params=params) for p in self._ports.values())
        )
        for service, reply in zip(self._ports, replies, strict=True):
            for family in text_string_to_metric_families(reply.text):
                for sample in family.samples:
                    if sample.name in ("cordial_events_published_total", "cordial_events_consumed_total"):
                        snap.events += sample.value
                    elif sample.name == "cordial_background_passes_total":
                        key = f"{service}/{sample.labels['loop']}"
                        target = snap.idle if sample.labels["outcome"] == "idle" else snap.busy
                        target[key] += sample.value
        return snap

    async def _group_partitions(self) -> dict[str, tuple[int, list[TopicPartition]]]:
        """Every consumer group with its coordinator and the partitions of the topics it has committed offsets on."""
        assert self._admin is not None
        assert self._consumer is not None
        await self._consumer.topics()  # refreshes the partition metadata
        groups: dict[str, tuple[int, list[TopicPartition]]] = {}
        for group, _ in await self._admin.list_consumer_groups():
            coordinator = await self._admin.find_coordinator(group)
            topics = {tp.topic for tp in await self._admin.list_consumer_group_offsets(group, coordinator)}
            partitions = [
                TopicPartition(topic, p) for topic in topics for p in self._consumer.partitions_for_topic(topic) or ()
            ]
            groups[group] = (coordinator, partitions)
        return groups

    async def lag(self) -> int:
        """Events in Kafka that a consumer group has not committed yet, over every group and partition it reads."""
        assert self._admin is not None
        assert self._consumer is not None
        self.lag_checks += 1
        if self._partitions is None or not all(partitions for _, partitions in self._partitions.values()):
            self._partitions = await self._group_partitions()  # a group that committed nothing yet is listed again
        wanted = {tp for _, partitions in self._partitions.values() for tp in partitions}
        ends = await self._consumer.end_offsets(list(wanted)) if wanted else {}
        total = 0
        for group, (coordinator, partitions) in self._partitions.items():
            if not partitions:
                continue
            committed = await self._admin.list_consumer_group_offsets(group, coordinator, partitions)
            for tp in partitions:
                done = committed.get(tp)
                total += int(ends[tp]) - (done.offset if done is not None and done.offset >= 0 else 0)
        return total

    async def wait(self, limit_seconds: float = 3600.0) -> bool:
        """Returns once nothing happened, every loop ran two idle passes since the last activity seen and no consumer
        group lags; True when it saw any activity. Kafka is asked only once the metrics say quiet (a busy platform
        shows it in them first)."""
        started = time.monotonic()
        self._partitions = None
        reference = await self.snapshot()
        active = False
        while True:
            await asyncio.sleep(self._poll)
            current = await self.snapshot()
            if current.differs(reference):
                reference, active = current, True
            elif current.idle_twice_since(reference):
                if await self.lag() == 0:
                    self._record(time.monotonic() - started, active)
                    return active
                reference, active = current, True
            if time.monotonic() - started > limit_seconds:
                raise TimeoutError(f"the platform did not settle within {limit_seconds:.0f}s")

    def _record(self, seconds: float, active: bool) -> None:
        self.waited_seconds += seconds
        self.waits += 1
        if not active:
            self.quiet_waits += 1
            self.quiet_seconds += seconds
