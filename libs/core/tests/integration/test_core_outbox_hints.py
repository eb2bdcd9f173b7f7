"""The relay reads the documents this process wrote events into by _id, and finds the others on its sweep."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from cordial.events.v1 import debts_pb2
from cordial_core.clock import ControllableClock
from cordial_core.events import Event, EventSource, decode_envelope
from cordial_core.outbox import OutboxRelay, outbox_fields
from cordial_core.store import TenantCollection
from cordial_stack.infra import Infra


class Published:
    """A publisher that keeps what it was given."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    async def publish(self, event: Any) -> None:
        self.ids.append(decode_envelope(event.encode()).id)


async def test_named_documents_are_relayed_by_id_and_the_rest_on_the_sweep(
    infra: Infra, mongo_db: AsyncDatabase[dict[str, Any]]
) -> None:
    clock = ControllableClock(datetime(2026, 3, 3, 13, 0, tzinfo=UTC))
    source = EventSource("agreements", clock)
    published = Published()
    relay = OutboxRelay([mongo_db["debts"]], published, sweep_seconds=3600)  # type: ignore[arg-type]
    debts = TenantCollection(mongo_db["debts"], on_events=relay.notify)

    def settled(debt_id: str) -> Event:
        payload = debts_pb2.DebtSettled(debt_id=debt_id)
        return source.event("debt.settled", payload, tenant="t1", subject=debt_id, key="p")

    written = settled("d1")
    await debts.insert("t1", {"_id": "d1"}, [written], clock)
    left = settled("d2")  # as a process that died would leave it: never named to this relay
    await mongo_db["debts"].insert_one({"_id": "d2", "tenant": "t1", **outbox_fields([left], clock)})
    assert await relay.relay_hinted() == 1
    assert published.ids == [written.id]
    assert await relay.relay_hinted() == 0, "a named document is read once"
    assert await relay.relay_once() == 1, "the sweep finds the other"
    assert published.ids == [written.id, left.id]
    updated = settled("d1")
    assert await debts.update("t1", {"_id": "d1"}, {"status": "settled"}, [updated], clock)
    assert await relay.relay_hinted() == 1
    assert published.ids[-1] == updated.id
