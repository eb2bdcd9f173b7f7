"""The outbox: events are written inside the document they describe, then relayed to Kafka.

Documents carry `_outbox`, a map of pending events keyed by an ordered key, and an
indexed `_outbox_pending` flag. One document write holds both the state change and
its events, so a crash between the write and the publish loses nothing: the relay
finds the flag on its next pass. FerretDB cannot $pull by condition, so the map is
cleared with $unset of each published key.

The flag holds the newest key its write queued (documents written before hold `true`), so it changes with every
write that queues events: the relay clears the keys it published and the flag in one write conditional on the flag
it read; when that fails, a write queued more meanwhile, and only the published keys are cleared (the newer events
keep the flag for their own pass).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bson import Binary

from cordial_core.clock import Clock
from cordial_core.locks import document_lock
from cordial_core.metrics import count_pass
from cordial_core.pushdown import update_one_by_id

if TYPE_CHECKING:
    from pymongo.asynchronous.collection import AsyncCollection

    from cordial_core.bus import EventPublisher
    from cordial_core.events import Event

log = logging.getLogger(__name__)
_sequence = itertools.count()


def outbox_fields(events: Sequence[Event], clock: Clock) -> dict[str, Any]:
    """The fields that queue events inside a document, in publishing order."""
    stamp = int(clock.now().timestamp() * 1_000_000)
    pending = {}
    for event in events:
        # The key sorts by time, then by write order within this process.
        key = f"{stamp:020d}{next(_sequence) % 1_000_000:06d}_{event.id}"
        pending[key] = {
            "id": event.id,
            "type": event.type,
            "topic": event.topic,
            "key": event.key,
            "value": Binary(event.encode()),
        }
    return {"_outbox": pending, "_outbox_pending": max(pending, default=True)}


class _StoredEvent:
    """A pending event read back from a document, shaped like an Event for the publisher."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.id: str = raw["id"]
        self.type: str = raw["type"]
        self.topic: str = raw["topic"]
        self.key: str = raw["key"]
        self._value = bytes(raw["value"])

    def encode(self) -> bytes:
        return self._value


class OutboxRelay:
    """Publishes the pending events of the given collections and marks them sent."""

    def __init__(
        self,
        collections: Sequence[AsyncCollection[dict[str, Any]]],
        publisher: EventPublisher,
        poll_seconds: float = 0.2,
        sweep_seconds: float | None = None,
    ) -> None:
        self._collections = list(collections)
        self._publisher = publisher
        self._poll = poll_seconds
        # Documents this process wrote events into, read by _id; the scan of every collection (events left by a
        # process that died, or written elsewhere) runs every sweep_seconds: on FerretDB a scan reads every document.
        self._hints: dict[str, set[object]] = {}
        self._sweep = poll_seconds if sweep_seconds is None else sweep_seconds
        self._swept_at = float("-inf")
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def ensure_indexes(self) -> None:
        """The pending flag is indexed so the relay's scan stays cheap."""
        for collection in self._collections:
            await collection.create_index("_outbox_pending", sparse=True)

    def notify(self, collection: str = "", document_id: object = None) -> None:
        """Wakes the relay at once after a write that queued events; a named document is read by its _id."""
        if collection and document_id is not None:
            self._hints.setdefault(collection, set()).add(document_id)
        else:
            self._swept_at = float("-inf")
        self._wake.set()

    async def start(self) -> None:
        """Starts relaying in the background."""
        await self.ensure_indexes()
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        """Relays what is pending one last time, then stops."""
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            await self._task

    async def relay_once(self) -> int:
        """Publishes every pending event once; returns how many were published."""
        published = 0
        for collection in self._collections:
            async for doc in collection.find(
                {"_outbox_pending": {"$exists": True}}, {"_outbox": 1, "_outbox_pending": 1}
            ):
                published += await self._relay_document(collection, doc)
        return published

    async def relay_hinted(self) -> int:
        """Publishes the pending events of the documents named since the last pass; how many were published."""
        hints, self._hints = self._hints, {}
        published = 0
        for collection in self._collections:
            for document_id in hints.get(collection.full_name, ()):
                doc = await collection.find_one({"_id": document_id}, {"_outbox": 1, "_outbox_pending": 1})
                if doc is not None and doc.get("_outbox_pending"):
                    published += await self._relay_document(collection, doc)
        return published

    async def _pass(self) -> int:
        """The named documents, and every collection when its sweep is due (or the relay stops); how many."""
        now = asyncio.get_running_loop().time()
        if self._stopping.is_set() or now - self._swept_at >= self._sweep:
            self._hints = {}  # the scan finds them
            self._swept_at = now
            return await self.relay_once()
        return await self.relay_hinted()

    async def _relay_document(self, collection: AsyncCollection[dict[str, Any]], doc: dict[str, Any]) -> int:
        pending = doc.get("_outbox") or {}
        for key in sorted(pending):
            await self._publisher.publish(_StoredEvent(pending[key]))
        published: dict[str, Any] = {f"_outbox.{key}": "" for key in pending}
        async with document_lock(collection.full_name, doc["_id"]):
            # The flag as read: no write queued events since, so the map holds nothing but what was published.
            unchanged = {"_id": doc["_id"], "_outbox_pending": doc.get("_outbox_pending", True)}
            cleared = await update_one_by_id(collection, unchanged, {"$unset": {**published, "_outbox_pending": ""}})
            if not cleared and published:
                await collection.update_one({"_id": doc["_id"]}, {"$unset": published})
        return len(pending)

    async def _run(self) -> None:
        while True:
            try:
                count_pass("outbox", await self._pass())
            except Exception:
                count_pass("outbox", -1)
                log.exception("outbox relay pass failed; retrying")
            if self._stopping.is_set():
                return
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._poll)
