"""The outbox relay on a real FerretDB: documents a write names are relayed at once by id, and what no write
named (left by a crashed process) is found by the periodic full scan."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from cordial.events.v1 import debts_pb2
from cordial_core.clock import ControllableClock
from cordial_core.events import Event, EventSource
from cordial_core.outbox import OutboxRelay, outbox_fields
from cordial_core.store import TenantCollection

CLOCK = ControllableClock(datetime(2026, 3, 3, 13, 0, tzinfo=UTC))


class RecordingPublisher:
    """Keeps the ids of what it was asked to publish."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    async def publish(self, event: Any) -> None:
        self.ids.append(event.id)


def _event(debt_id: str) -> Event:
    payload = debts_pb2.DebtSettled(debt_id=debt_id)
    return EventSource("agreements", CLOCK).event("debt.settled", payload, tenant="t1", subject=debt_id, key="p1")


async def _eventually(check: Any) -> None:
    for _ in range(100):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("never happened")


async def test_named_documents_are_relayed_at_once_and_the_rest_by_the_scan(mongo_db: AsyncDatabase[dict]) -> None:
    raw = mongo_db["debts"]
    left_behind = _event("d0")
    await raw.insert_one({"_id": "d0", "tenant": "t1", **outbox_fields([left_behind], CLOCK)})
    publisher = RecordingPublisher()
    relay = OutboxRelay([raw], publisher, poll_seconds=0.05, scan_seconds=3600)  # type: ignore[arg-type]
    collection = TenantCollection(raw, on_documents=relay.notify)
    await relay.start()
    try:
        await _eventually(lambda: publisher.ids == [left_behind.id])  # the first pass scans
        inserted, updated = _event("d1"), _event("d1-again")
        await collection.insert("t1", {"_id": "d1"}, [inserted], CLOCK)
        await _eventually(lambda: inserted.id in publisher.ids)
        await collection.update("t1", {"_id": "d1"}, {"state": "settled"}, [updated], CLOCK)
        await _eventually(lambda: updated.id in publisher.ids)
        # Written behind the relay's back: no hint, so it waits for a scan, which a write naming no id asks for.
        unseen = _event("d2")
        await raw.insert_one({"_id": "d2", "tenant": "t1", **outbox_fields([unseen], CLOCK)})
        await asyncio.sleep(0.3)
        assert unseen.id not in publisher.ids
        relay.notify(raw.full_name, None)
        await _eventually(lambda: unseen.id in publisher.ids)
        assert sorted(publisher.ids) == sorted({left_behind.id, inserted.id, updated.id, unseen.id})
        assert await raw.count_documents({"_outbox_pending": True}) == 0
    finally:
        await relay.stop()
