"""A process killed between the write and the publish loses nothing: the relay publishes later."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap

from aiokafka import AIOKafkaConsumer
from pymongo import AsyncMongoClient

from cordial_core.bus import EventPublisher, ensure_topics
from cordial_core.events import decode_envelope
from cordial_core.ids import new_id
from cordial_core.outbox import OutboxRelay
from cordial_stack.infra import Infra

_WRITER = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from cordial.events.v1 import debts_pb2
    from cordial_core.clock import SystemClock
    from cordial_core.events import new_event
    from cordial_core.store import TenantCollection, connect

    async def main(uri, db, event_out):
        clock = SystemClock()
        event = new_event("debt.settled", debts_pb2.DebtSettled(debt_id="d1", debtor_id="p1"),
                          source="test", tenant="t1", subject="d1", key="p1", clock=clock)
        debts = TenantCollection(connect(uri)[db]["debts"])
        await debts.insert("t1", {"_id": "d1", "status": "settled"}, [event], clock)
        open(event_out, "w").write(event.id)
        os.kill(os.getpid(), signal.SIGKILL)  # dies before any relay could publish

    asyncio.run(main(*sys.argv[1:]))
    """
)


async def _find(bootstrap: str, topic: str, event_id: str) -> int:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=new_id(), auto_offset_reset="earliest")
    await consumer.start()
    seen = 0
    try:
        for _ in range(30):
            batches = await consumer.getmany(timeout_ms=500)
            seen += sum(decode_envelope(r.value or b"").id == event_id for rs in batches.values() for r in rs)
            if seen and not batches:
                break
    finally:
        await consumer.stop()
    return seen


async def test_killed_writer_loses_no_event(infra: Infra, tmp_path) -> None:  # type: ignore[no-untyped-def]
    db_name = f"test_{new_id()[:12]}"
    event_file = tmp_path / "event_id"
    writer = subprocess.run(  # noqa: ASYNC221 - the writer must be a separate process to be killed
        [sys.executable, "-c", _WRITER, infra.mongodb_uri, db_name, str(event_file)], capture_output=True, text=True
    )
    assert writer.returncode == -9, writer.stderr
    event_id = event_file.read_text()

    await ensure_topics(infra.kafka_bootstrap_servers)
    client: AsyncMongoClient[dict] = AsyncMongoClient(infra.mongodb_uri)
    publisher = EventPublisher(infra.kafka_bootstrap_servers)
    await publisher.start()
    try:
        collection = client[db_name]["debts"]
        stored = await collection.find_one({"_id": "d1"})
        assert stored is not None
        assert stored["_outbox_pending"] in stored["_outbox"]
        relay = OutboxRelay([collection], publisher)
        assert await relay.relay_once() == 1
        assert await relay.relay_once() == 0, "a published event is never published again"
        after = await collection.find_one({"_id": "d1"})
        assert after is not None
        assert after["_outbox"] == {}
        assert "_outbox_pending" not in after
        assert after["status"] == "settled"
    finally:
        await publisher.stop()
        await client.drop_database(db_name)
        await client.close()
    assert await asyncio.wait_for(_find(infra.kafka_bootstrap_servers, "debts", event_id), 60) == 1
