"""Verification kept in MongoDB: the lookup cache (shared by every instance, surviving restarts), the
tenants' monthly budgets and the batches' progress.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

from cordial_contact_locator.domain.verification import (
    FAILED,
    FROM_CACHE,
    LOOKED_UP,
    OVER_BUDGET,
    BatchProgress,
    LineInfo,
)
from cordial_contact_locator.domain.verification_jobs import Batch
from cordial_core.crypto import PersonalDataCipher
from cordial_core.ids import stable_id
from cordial_core.store import TenantCollection


class MongoVerificationCache:
    """One document per tenant and number (found by keyed hash, the number itself encrypted)."""

    def __init__(self, collection: TenantCollection, cipher: PersonalDataCipher) -> None:
        self.collection = collection
        self._cipher = cipher

    def _id(self, tenant: str, number: str) -> str:
        return stable_id(tenant, "line", self._cipher.lookup_hash(number))

    async def get(self, tenant: str, number: str) -> LineInfo | None:
        """The last lookup of the number for the tenant, whatever its age (the verifier applies the TTL)."""
        doc = await self.collection.find_one(tenant, {"_id": self._id(tenant, number)})
        if doc is None:
            return None
        return LineInfo(number, doc["valid"], doc["line_type"], doc["carrier"], doc["checked_at"])

    async def put(self, tenant: str, info: LineInfo) -> None:
        """Keeps a lookup, replacing an older one of the same number."""
        fields = {
            "valid": info.valid,
            "line_type": info.line_type,
            "carrier": info.carrier,
            "checked_at": info.checked_at,
        }
        doc = {"_id": self._id(tenant, info.number), "number_enc": self._cipher.encrypt(info.number), **fields}
        if not await self.collection.insert(tenant, doc):
            await self.collection.update(tenant, {"_id": doc["_id"]}, fields)


class MongoBudgets:
    """Lookups paid per tenant and month, one counter document each, moved by compare-and-set.

    FerretDB does not update atomically: each change names the count it read, so two instances never
    both take the last unit. Within one instance a lock per counter keeps the known count current, so a
    spend is one round trip unless another instance moved the counter in between.
    """

    def __init__(self, collection: TenantCollection) -> None:
        self.collection = collection
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._known: dict[str, int] = {}

    async def spend(self, tenant: str, month: str, limit: int) -> bool:
        """Takes one lookup unless the month's limit is reached."""
        return await self._move(tenant, month, +1, limit)

    async def refund(self, tenant: str, month: str) -> None:
        """Gives back a lookup that was reserved but not paid."""
        await self._move(tenant, month, -1, None)

    async def spent(self, tenant: str, month: str) -> int:
        """Lookups paid so far this month."""
        return await self._read(tenant, stable_id(tenant, "budget", month), month)

    async def _move(self, tenant: str, month: str, step: int, limit: int | None) -> bool:
        key = stable_id(tenant, "budget", month)
        async with self._locks[key]:
            while True:
                spent = self._known.get(key)
                if spent is None:
                    spent = await self._read(tenant, key, month)
                if limit is not None and spent + step > limit:
                    self._known.pop(key, None)  # re-read next time: another instance may have refunded
                    return False
                if await self.collection.update(tenant, {"_id": key, "spent": spent}, {"spent": spent + step}):
                    self._known[key] = spent + step
                    return True
                self._known.pop(key, None)  # another instance moved it: read again

    async def _read(self, tenant: str, key: str, month: str) -> int:
        doc = await self.collection.find_one(tenant, {"_id": key})
        if doc is None:
            await self.collection.insert(tenant, {"_id": key, "month": month, "spent": 0})
            doc = await self.collection.find_one(tenant, {"_id": key})
        return int(doc["spent"]) if doc else 0


_COUNTS = {FROM_CACHE: "cached", LOOKED_UP: "paid", OVER_BUDGET: "refused_budget", FAILED: "failed"}


class MongoBatches:
    """Batches with their progress; the numbers listed for a batch are kept encrypted, for a restart."""

    def __init__(self, collection: TenantCollection, cipher: PersonalDataCipher) -> None:
        self.collection = collection
        self._cipher = cipher

    async def create(self, batch: Batch, numbers: list[str]) -> bool:
        """Stores a new batch; False when one with its id exists."""
        doc = {**self._fields(batch), "_id": batch.id, "numbers_enc": self._cipher.encrypt("\n".join(numbers))}
        return await self.collection.insert(batch.tenant, doc)

    async def save(self, batch: Batch) -> None:
        """Saves the batch's progress and state."""
        await self.collection.update(batch.tenant, {"_id": batch.id}, self._fields(batch))

    async def get(self, tenant: str, batch_id: str) -> Batch | None:
        """One batch of the tenant."""
        doc = await self.collection.find_one(tenant, {"_id": batch_id})
        if doc is None:
            return None
        progress = BatchProgress(doc["total"], doc["done"])
        progress.counts = {source: int(doc[name]) for source, name in _COUNTS.items()}
        return Batch(
            doc["_id"],
            tenant,
            doc["state"],
            progress,
            doc["started_at"],
            doc["heartbeat_at"],
            doc.get("finished_at"),
            list(doc.get("debtor_ids") or []),
        )

    async def numbers(self, tenant: str, batch_id: str) -> list[str]:
        """The numbers listed when the batch was started."""
        doc = await self.collection.find_one(tenant, {"_id": batch_id})
        plain = self._cipher.decrypt(doc["numbers_enc"]) if doc else ""
        return [n for n in plain.split("\n") if n]

    @staticmethod
    def _fields(batch: Batch) -> dict[str, Any]:
        return {
            "state": batch.state,
            "total": batch.progress.total,
            "done": batch.progress.done,
            **{name: batch.progress.counts[source] for source, name in _COUNTS.items()},
            "started_at": batch.started_at,
            "heartbeat_at": batch.heartbeat_at,
            "finished_at": batch.finished_at,
            "debtor_ids": batch.debtor_ids,
        }
