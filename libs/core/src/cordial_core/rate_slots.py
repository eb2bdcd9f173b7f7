"""A provider's rate shared by every instance: cells claimed in blocks, each block by inserting it.

Time is cut into cells (see ``cordial_core.rate_cells``); an instance claims BLOCK consecutive cells at once by
inserting a document whose id names the provider and the block, then hands them out to its own requests.
An insert is atomic on MongoDB and FerretDB alike (a duplicate id is refused), so no cell is ever given
to two requests, whatever the number of instances; a cell left unused is capacity lost, never a breach.
Every instance must use the same block size and the same rate for a provider (the block's id carries the size):
BLOCK by default, more for a fast provider (``cells_per_claim``) so a block outlasts the insert that claims it;
a store serving several providers takes a size per provider. Named marks (taken once each, in order) serve
messaging's per-recipient spacing from the same collection.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, DuplicateKeyError

from cordial_core.clock import Clock
from cordial_core.store import Document

log = logging.getLogger(__name__)
# Cells claimed per insert: about a tenth of a second at 80/s, so one insert serves eight requests.
BLOCK = 8
# Blocks skipped at most in one claim (all taken): a sign of a rate far beyond what instances can share.
_MAX_SKIP = 100_000


class MongoRateSlots:
    """Shared cells per provider (a ``SharedCells``); this instance's unused cells and its next block are kept here."""

    def __init__(
        self,
        collection: AsyncCollection[Document],
        clock: Clock,
        key_hash: Callable[[str], str] | None = None,
        block: int | Callable[[str], int] = BLOCK,
    ) -> None:
        self._collection = collection
        self._clock = clock
        # Cells per claim, one size or one per provider: a block must outlast an insert's round trip, or its cells
        # are gone when it is claimed.
        self._block = block
        self._owned: dict[str, collections.deque[int]] = collections.defaultdict(collections.deque)
        self._next: dict[str, int] = {}
        self._locks: dict[str, asyncio.Lock] = collections.defaultdict(asyncio.Lock)
        # Marks name a recipient: stored under a keyed hash, never the number or address itself.
        self._hash = key_hash

    async def ensure_indexes(self) -> None:
        """Old blocks and marks are removed by age."""
        await self._collection.create_index("at")

    async def take(self, provider: str, first: int) -> int:
        """A cell numbered ``first`` or later that no other request has, from a block held here or a new one."""
        async with self._locks[provider]:  # one claim at a time, so concurrent requests share a block
            owned = self._owned[provider]
            while owned and owned[0] < first:
                owned.popleft()  # gone by unused: lost capacity, never a breach
            if not owned:
                size = self.block(provider)
                block = await self._claim(provider, first // size, size)
                owned.extend(cell for cell in range(block * size, (block + 1) * size) if cell >= first)
            return owned.popleft()

    def block(self, provider: str) -> int:
        """Cells this store claims at once for the provider."""
        return self._block(provider) if callable(self._block) else self._block

    async def _claim(self, provider: str, first: int, size: int) -> int:
        """Inserts the first free block of ``size`` cells numbered ``first`` or later; its number."""
        block = max(first, self._next.get(provider, first))
        for _ in range(_MAX_SKIP):
            self._next[provider] = block + 1
            try:
                await self._collection.insert_one({"_id": f"{provider}:b{size}:{block}", "at": self._clock.now()})
            except DuplicateKeyError:
                block += 1
                continue
            return block
        raise RuntimeError(f"no free rate block for {provider} in {_MAX_SKIP} tries")

    async def marks(self, keys: list[str]) -> int:
        """Takes named marks in order in one ordered insert, stopping at the first already taken; how many it took."""
        if self._hash is None:
            raise RuntimeError("marks name recipients: a key hash is required")
        now = self._clock.now()
        docs = [{"_id": f"mark:{self._hash(key)}", "at": now} for key in keys]
        try:
            await self._collection.insert_many(docs, ordered=True)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(error.get("code") != 11000 for error in errors):
                raise
            return min(error["index"] for error in errors)
        return len(keys)

    async def prune(self, before: datetime) -> int:
        """Removes blocks and marks taken before a moment; how many."""
        result = await self._collection.delete_many({"at": {"$lt": before}})
        return result.deleted_count

    async def keep_pruned(self, every: timedelta, older_than: timedelta) -> None:
        """Removes blocks and marks older than ``older_than`` every ``every``, until cancelled.

        A prune reads every document on FerretDB (no range lookup there), so it runs seldom; a failed one waits
        for the next round.
        """
        while True:
            await asyncio.sleep(every.total_seconds())
            try:
                await self.prune(self._clock.now() - older_than)
            except Exception:
                log.exception("pruning rate cells failed")
