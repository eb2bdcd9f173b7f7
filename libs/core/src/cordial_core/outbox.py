"""The outbox: events are written inside the document they describe, then relayed to Kafka.

Documents carry `_outbox`, a map of pending events keyed by an ordered key, and an
indexed `_outbox_pending` flag. One document write holds both the state change and
its events, so a crash between the write and the publish loses nothing: the relay
finds the flag on its next pass. FerretDB cannot $pull by condition, so the map is
cleared with $unset of each published key.

A write through `TenantCollection` tells the relay which documents it queued events in, and the relay
reads just those by `_id`; it scans every collection for the flag at start and then every `scan_seconds`,
to relay what a crashed process left behind. FerretDB v1 (SQLite) answers a query on the flag with a full
scan, so scanning on every wake made the relay the heaviest load on the database once collections grew.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from bson import Binary

from cordial_core.clock import Clock
from cordial_core.ferretdb import on_ferretdb
from cordial_core.locks import document_lock
from cordial_core.metrics import count_pass

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
    return {"_outbox": pending, "_outbox_pending": True}


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
        scan_seconds: float | None = None,
    ) -> None:
        self._collections = list(collections)
        self._publisher = publisher
        self._poll = poll_seconds
        # A full scan at most this often (by default on every pass); named documents are relayed at once.
        self._scan_every = poll_seconds if scan_seconds is None else scan_seconds
        self._last_scan = float("-inf")
        self._hinted: dict[str, set[Any]] = defaultdict(set)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def ensure_indexes(self) -> None:
        """The pending flag is indexed so the relay's scan stays cheap."""
        for collection in self._collections:
            await collection.create_index("_outbox_pending", sparse=True)

    def notify(self, collection: str = "", ids: Iterable[Any] | None = None) -> None:
        """Wakes the relay at once after a write that queued events in these documents (None: unknown ones)."""
        if ids is None:
            self._last_scan = float("-inf")  # the next pass scans
        else:
            self._hinted[collection].update(ids)
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
            async for doc in collection.find({"_outbox_pending": True}, {"_outbox": 1}):
                published += await self._relay_document(collection, doc)
        return published

    async def relay_hinted(self) -> int:
        """Publishes the pending events of the documents writes named since the last pass."""
        hinted, self._hinted = self._hinted, defaultdict(set)
        published = 0
        for collection in self._collections:
            for doc_id in hinted.get(collection.full_name, ()):
                # By `_id` alone: FerretDB scans the whole collection when any other field is named.
                doc = await collection.find_one({"_id": doc_id}, {"_outbox": 1, "_outbox_pending": 1})
                if doc is not None and doc.get("_outbox_pending"):
                    published += await self._relay_document(collection, doc)
        return published

    async def _relay_pass(self) -> int:
        """A full scan when one is due, else the named documents."""
        if time.monotonic() - self._last_scan >= self._scan_every:
            self._last_scan = time.monotonic()
            self._hinted = defaultdict(set)  # the scan finds them too
            return await self.relay_once()
        return await self.relay_hinted()

    async def _relay_document(self, collection: AsyncCollection[dict[str, Any]], doc: dict[str, Any]) -> int:
        pending = doc.get("_outbox") or {}
        for key in sorted(pending):
            await self._publisher.publish(_StoredEvent(pending[key]))
        async with document_lock(collection.full_name, doc["_id"]):
            if pending:
                await collection.update_one({"_id": doc["_id"]}, {"$unset": {f"_outbox.{key}": "" for key in pending}})
            # Clears the flag only if no new event arrived meanwhile. On FerretDB (no atomic update across processes
            # anyway, and a full scan for `_id` plus a condition) the condition is checked on the document read by
            # `_id`, under the lock; MongoDB keeps one conditional update.
            if await on_ferretdb(collection):
                current = await collection.find_one({"_id": doc["_id"]}, {"_outbox": 1})
                if current is not None and not current.get("_outbox"):
                    await collection.update_one({"_id": doc["_id"]}, {"$unset": {"_outbox_pending": ""}})
            else:
                await collection.update_one({"_id": doc["_id"], "_outbox": {}}, {"$unset": {"_outbox_pending": ""}})
        return len(pending)

    async def _run(self) -> None:
        while True:
            try:
                count_pass("outbox", await self._relay_pass())
            except Exception:
                count_pass("outbox", -1)
                log.exception("outbox relay pass failed; retrying")
            if self._stopping.is_set():
                return
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._poll)
