"""The relay clears what it published and the pending flag in one write, and a write that queued events meanwhile
keeps its flag, so its events are relayed on the next pass and nothing is lost."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from cordial.events.v1 import debts_pb2
from cordial_core.clock import ControllableClock
from cordial_core.events import Event, EventSource, decode_envelope
from cordial_core.ids import new_id
from cordial_core.outbox import OutboxRelay, outbox_fields
from cordial_core.store import TenantCollection
from cordial_stack.commands import CommandLog
from cordial_stack.infra import Infra

CLOCK = ControllableClock(datetime(2026, 3, 3, 13, 0, tzinfo=UTC))
SOURCE = EventSource("agreements", CLOCK)


def settled(debt_id: str) -> Event:
    """An event queued in a debt's document."""
    return SOURCE.event("debt.settled", debts_pb2.DebtSettled(debt_id=debt_id), tenant="t1", subject=debt_id, key="p")


class Published:
    """A publisher that keeps what it was given and can run a write before each publish (a concurrent writer)."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.meanwhile: list[Any] = []

    async def publish(self, event: Any) -> None:
        self.ids.append(decode_envelope(event.encode()).id)
        while self.meanwhile:
            await self.meanwhile.pop(0)()


async def test_a_relayed_document_costs_a_read_and_one_write(infra: Infra) -> None:
    log = CommandLog()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongodb_uri, event_listeners=[log])
    db = client[f"test_{new_id()[:12]}"]
    try:
        published = Published()
        relay = OutboxRelay([db["debts"]], published, sweep_seconds=3600)  # type: ignore[arg-type]
        debts = TenantCollection(db["debts"], on_events=relay.notify)
        first = settled("d1")
        await debts.insert("t1", {"_id": "d1"}, [first], CLOCK)
        log.clear()
        assert await relay.relay_hinted() == 1
        assert [(c, name) for c, name, _ in log.sent] == [("debts", "find"), ("debts", "update")]
        stored = await db["debts"].find_one({"_id": "d1"})
        assert stored is not None
        assert stored["_outbox"] == {}
        assert "_outbox_pending" not in stored
        assert published.ids == [first.id]
    finally:
        await client.drop_database(db.name)
        await client.close()


async def test_events_queued_while_the_relay_publishes_keep_their_flag(
    infra: Infra, mongo_db: AsyncDatabase[dict[str, Any]]
) -> None:
    published = Published()
    relay = OutboxRelay([mongo_db["debts"]], published, sweep_seconds=3600)  # type: ignore[arg-type]
    debts = TenantCollection(mongo_db["debts"], on_events=relay.notify)
    first, second = settled("d1"), settled("d1")
    await debts.insert("t1", {"_id": "d1"}, [first], CLOCK)

    async def write_meanwhile() -> None:
        assert await debts.update("t1", {"_id": "d1"}, {"status": "settled"}, [second], CLOCK)

    published.meanwhile.append(write_meanwhile)
    assert await relay.relay_hinted() == 1
    stored = await mongo_db["debts"].find_one({"_id": "d1"})
    assert stored is not None
    assert list(stored["_outbox"]) == [stored["_outbox_pending"]], "only the published event was cleared"
    assert await relay.relay_hinted() == 1, "the write named the document again"
    assert published.ids == [first.id, second.id]
    stored = await mongo_db["debts"].find_one({"_id": "d1"})
    assert stored is not None
    assert "_outbox_pending" not in stored


async def test_a_document_flagged_before_the_flag_named_its_key_is_relayed_and_cleared(
    infra: Infra, mongo_db: AsyncDatabase[dict[str, Any]]
) -> None:
    published = Published()
    relay = OutboxRelay([mongo_db["debts"]], published, sweep_seconds=3600)  # type: ignore[arg-type]
    old = settled("d1")
    fields = {**outbox_fields([old], CLOCK), "_outbox_pending": True}  # as written before
    await mongo_db["debts"].insert_one({"_id": "d1", "tenant": "t1", **fields})
    assert await relay.relay_once() == 1
    assert published.ids == [old.id]
    stored = await mongo_db["debts"].find_one({"_id": "d1"})
    assert stored is not None
    assert "_outbox_pending" not in stored
    assert await relay.relay_once() == 0
