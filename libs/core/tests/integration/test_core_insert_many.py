"""TenantCollection.insert_many on a real FerretDB: each document carries its own events, existing ones are
skipped (and their events not queued again), every document is stamped with the tenant."""

from __future__ import annotations

from datetime import UTC, datetime

from pymongo.asynchronous.database import AsyncDatabase

from cordial.events.v1 import debts_pb2
from cordial_core.clock import ControllableClock
from cordial_core.events import Event, EventSource
from cordial_core.store import TenantCollection


async def test_insert_many_writes_each_document_with_its_events(mongo_db: AsyncDatabase[dict]) -> None:
    clock = ControllableClock(datetime(2026, 3, 3, 13, 0, tzinfo=UTC))
    source = EventSource("agreements", clock)
    signalled: list[int] = []
    collection = TenantCollection(mongo_db["debts"], on_events=lambda name, doc_id: signalled.append(1))

    def event(debt_id: str) -> Event:
        return source.event(
            "debt.settled", debts_pb2.DebtSettled(debt_id=debt_id), tenant="t1", subject=debt_id, key="p1"
        )

    assert await collection.insert("t1", {"_id": "d1"}, [event("d1")], clock)
    docs = [({"_id": f"d{i}"}, [event(f"d{i}")]) for i in (1, 2, 3)]
    inserted = await collection.insert_many("t1", docs, clock)
    assert inserted == {"d2", "d3"}
    stored = {d["_id"]: d async for d in mongo_db["debts"].find({})}
    assert set(stored) == {"d1", "d2", "d3"}
    assert all(d["tenant"] == "t1" for d in stored.values())
    assert all(len(d["_outbox"]) == 1 for d in stored.values())
    assert signalled
    assert await collection.insert_many("t1", [], clock) == set()
