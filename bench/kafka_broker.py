"""The local Kafka broker's CPU: at start, idle with the stack's clients connected, and per event carried.

Run: ``.venv/bin/python bench/kafka_broker.py`` (about a minute and a half), ``--untuned`` for the broker as it was
(G1, C2, Kafka's thread counts, a metadata no-op record every 500 ms). It starts the broker `make simulate` starts
(`cordial_stack.infra`), the topics, the stack's seven consumer groups (`cordial_core.bus.EventConsumer`, as the
services subscribe) and six idempotent publishers, then measures the broker's CPU from /proc: start-up to ready,
idle over ``--idle-seconds`` with every client connected, and ``--events`` events published one at a time by the
publishers in turn and consumed by every group that reads their topic, with the median time from publish to the
handler of each group; ``--fetch-max-wait-ms`` sets the consumers' fetch wait (aiokafka's 500 ms, which the services
keep). Prints the figures with the load average beside them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from cordial.events.v1 import envelope_pb2
from cordial_core.bus import EventConsumer, EventPublisher, Handler, ensure_topics
from cordial_core.events import TOPIC_PARTITIONS
from cordial_stack.infra import start_kafka
from cordial_stack.process import ManagedProcess
from cordial_stack.simulation.cpu import cpu_seconds

# The stack's consumer groups and what each reads (services' app modules).
GROUPS = {
    "gateway.timeline": list(TOPIC_PARTITIONS),
    "gateway.client-webhooks": list(TOPIC_PARTITIONS),
    "agreements": ["actions"],
    "registry-bridge": ["debts", "registry"],
    "contact-locator": ["debts", "contacts"],
    "messaging": ["actions"],
    "strategy": ["debts", "contacts", "messages", "registry"],
}
UNTUNED_JVM = ("-Xms256m", "-Xmx768m", "-XX:+UseG1GC")


class _Seen:
    """In-memory processed ids (the bench measures Kafka, not the store)."""

    async def seen(self, event_id: str) -> bool:
        return False

    async def remember(self, event_id: str) -> None:
        return None


class _Event:
    """A minimal event for the publisher: an envelope stamped with its publish time."""

    def __init__(self, topic: str, index: int) -> None:
        self.topic, self.key, self.type = topic, f"debtor-{index % 997}", "bench.event"
        self.id = f"bench-{index}"
        stamped = envelope_pb2.Envelope(id=self.id, type=self.type, subject=str(time.monotonic()))
        self._value = stamped.SerializeToString()

    def encode(self) -> bytes:
        return self._value


def start_broker(untuned: bool, run_dir: Path) -> tuple[str, ManagedProcess]:
    """The broker as `make simulate` starts it, or as it was before its tuning."""
    return start_kafka(run_dir, {}, UNTUNED_JVM) if untuned else start_kafka(run_dir)


async def measure(bootstrap: str, pid: int, idle_seconds: float, events: int, fetch_wait_ms: int) -> dict[str, float]:
    """Idle CPU with the clients connected, then CPU and latency per event."""
    await ensure_topics(bootstrap)
    publishers = [EventPublisher(bootstrap) for _ in range(6)]
    latencies: dict[str, list[float]] = {group: [] for group in GROUPS}
    received = asyncio.Event()
    topics = ["debts", "actions", "messages", "contacts"]
    expected = sum(1 for i in range(events) for reads in GROUPS.values() if topics[i % 4] in reads)

    def handler_of(group: str) -> Handler:
        async def handle(envelope: envelope_pb2.Envelope) -> None:
            latencies[group].append(time.monotonic() - float(envelope.subject))
            if sum(map(len, latencies.values())) >= expected:
                received.set()

        return handle

    consumers = [
        EventConsumer(
            bootstrap_servers=bootstrap,
            group_id=group,
            topics=reads,
            handler=handler_of(group),
            processed=_Seen(),
            publisher=publishers[0],
            fetch_max_wait_ms=fetch_wait_ms,
        )
        for group, reads in GROUPS.items()
    ]
    for publisher in publishers:
        await publisher.start()
    for consumer in consumers:
        await consumer.start()
    await asyncio.sleep(10)  # groups joined and assigned
    before = cpu_seconds(pid)
    await asyncio.sleep(idle_seconds)
    idle = (cpu_seconds(pid) - before) / idle_seconds
    before, began = cpu_seconds(pid), time.monotonic()
    for index in range(events):
        await publishers[index % len(publishers)].publish(_Event(topics[index % 4], index))
        await asyncio.sleep(0.01)  # a stream, as the services publish, not one burst
    await asyncio.wait_for(received.wait(), timeout=300)
    carried = cpu_seconds(pid) - before
    wall = time.monotonic() - began
    for consumer in consumers:
        await consumer.stop()
    for publisher in publishers:
        await publisher.stop()
    flat = [seconds for group in latencies.values() for seconds in group]
    return {
        "idle CPU-s per s": idle,
        "CPU-s while carrying": carried,
        "wall s while carrying": wall,
        "CPU ms per event consumed": 1000 * (carried - idle * wall) / max(len(flat), 1),
        "median ms publish to handler": 1000 * statistics.median(flat),
        "deliveries": len(flat),
    }


def main() -> None:
    """Runs and prints."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--untuned", action="store_true", help="the broker as it was: G1, C2, default threads")
    parser.add_argument("--idle-seconds", type=float, default=30)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--fetch-max-wait-ms", type=int, default=500, help="the consumers' (aiokafka's default 500)")
    args = parser.parse_args()
    began = time.monotonic()
    run_dir = Path(tempfile.mkdtemp(prefix="bench-kafka-"))
    bootstrap, process = start_broker(args.untuned, run_dir)
    assert process.pid is not None
    pid = process.pid
    startup = cpu_seconds(pid)
    try:
        figures = asyncio.run(measure(bootstrap, pid, args.idle_seconds, args.events, args.fetch_max_wait_ms))
    finally:
        process.stop()
        shutil.rmtree(run_dir, ignore_errors=True)
    broker = "untuned (G1, C2, default threads)" if args.untuned else "local tuning (cordial_stack.infra)"
    print(f"broker: {broker}; consumers' fetch_max_wait_ms {args.fetch_max_wait_ms}")
    print(f"start-up to ready: {startup:.1f} CPU-s in {time.monotonic() - began:.0f} s of the whole bench")
    for name, value in figures.items():
        print(f"{name}: {value:.3f}" if isinstance(value, float) else f"{name}: {value}")
    print(f"conditions: {os.cpu_count()} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
