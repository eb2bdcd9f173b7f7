"""A provider's rate shared by every instance: one document per send slot, claimed by inserting it.

Time is cut into slots of 1/rate seconds; a send takes the first free slot from now on by inserting
a document whose id names the provider and the slot. An insert is atomic on MongoDB and FerretDB
alike (a duplicate id is refused), so no slot is ever taken twice, whatever the number of instances.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from cordial_core.clock import Clock
from cordial_core.store import Document

# Slots skipped at most in one claim (all taken): a sign of a rate far beyond what instances can share.
_MAX_SKIP = 100_000


class MongoRateSlots:
    """Shared slots per provider; the next slot this instance will try is kept to skip the ones it took."""

    def __init__(
        self, collection: AsyncCollection[Document], clock: Clock, key_hash: Callable[[str], str] | None = None
    ) -> None:
        self._collection = collection
        self._clock = clock
        self._next: dict[str, int] = {}
        # Marks name a recipient: stored under a keyed hash, never the number or address itself.
        self._hash = key_hash

    async def ensure_indexes(self) -> None:
        """Old slots are removed by age."""
        await self._collection.create_index("at")

    async def take(self, provider: str, first: int) -> int:
        """Claims the first free slot numbered ``first`` or later."""
        slot = max(first, self._next.get(provider, first))
        for _ in range(_MAX_SKIP):
            # Reserved in the process before the insert, so this instance's concurrent sends try different slots.
            self._next[provider] = slot + 1
            try:
                await self._collection.insert_one({"_id": f"{provider}:{slot}", "at": self._clock.now()})
            except DuplicateKeyError:
                slot = max(slot + 1, self._next.get(provider, slot + 1))
                continue
            return slot
        raise RuntimeError(f"no free send slot for {provider} in {_MAX_SKIP} tries")

    async def mark(self, key: str) -> bool:
        """Takes a named mark once (an insert); True for the one caller that took it."""
        if self._hash is None:
            raise RuntimeError("marks name recipients: a key hash is required")
        try:
            await self._collection.insert_one({"_id": f"mark:{self._hash(key)}", "at": self._clock.now()})
        except DuplicateKeyError:
            return False
        return True

    async def prune(self, before: datetime) -> int:
        """Removes slots claimed before a moment; how many."""
        result = await self._collection.delete_many({"at": {"$lt": before}})
        return result.deleted_count
