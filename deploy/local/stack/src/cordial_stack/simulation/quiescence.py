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


@dataclass
class Snapshot:
    """The metrics that tell activity: events published and consumed, and each loop's passes by outcome."""

    events: float = 0.0
    idle: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    busy: dict[str, float] = field(default_factory=lambda: defaultdict(float))


class Quiescence:
    """Scrapes the services' /metrics and Kafka's offsets; `wait` returns once the platform is quiet."""

    def __init__(self, metrics_ports: dict[str, int], kafka_bootstrap: str, poll_seconds: float = 0.25) -> None:
        self._ports = metrics_ports
        self._bootstrap = kafka_bootstrap
        self._poll = poll_seconds
        self._http = httpx.AsyncClient(timeout=10)
        self._admin: AIOKafkaAdminClient | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self.waited_seconds = 0.0

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
        replies = await asyncio.gather(*(self._http.get(f"http://127.0.0.1:{p}/metrics") for p in self._ports.values()))
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

    async def lag(self) -> int:
        """Events in Kafka that a consumer group has not committed yet, over every group and partition it reads."""
        assert self._admin is not None
        assert self._consumer is not None
        total = 0
        await self._consumer.topics()  # refreshes the partition metadata
        for group, _ in await self._admin.list_consumer_groups():
            committed = await self._admin.list_consumer_group_offsets(group)
            topics = {tp.topic for tp in committed}
            partitions = [
                TopicPartition(topic, p) for topic in topics for p in self._consumer.partitions_for_topic(topic) or ()
            ]
            if not partitions:
                continue
            ends = await self._consumer.end_offsets(partitions)
            for tp, end in ends.items():
                done = committed.get(tp)
                total += int(end) - (done.offset if done is not None and done.offset >= 0 else 0)
        return total

    async def wait(self, limit_seconds: float = 3600.0) -> None:
        """Returns once nothing happened and every loop ran two idle passes since the last activity seen."""
        started = time.monotonic()
        reference = await self.snapshot()
        while True:
            await asyncio.sleep(self._poll)
            current = await self.snapshot()
            active = current.events != reference.events or current.busy != reference.busy
            if active or await self.lag() > 0:
                reference = current
            elif all(count >= reference.idle.get(loop, 0.0) + 2 for loop, count in current.idle.items()):
                self.waited_seconds += time.monotonic() - started
                return
            if time.monotonic() - started > limit_seconds:
                raise TimeoutError(f"the platform did not settle within {limit_seconds:.0f}s")
