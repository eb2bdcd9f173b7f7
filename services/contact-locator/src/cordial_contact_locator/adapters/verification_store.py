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
    SKIPPED,
    BatchProgress,
    LineInfo,
)
from cordial_contact_locator.domain.verification_jobs import Batch
from cordial_contact_locator.domain.whatsapp_check import WhatsAppStatus
from cordial_core.clock import Clock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.events import Event
from cordial_core.ids import stable_id
from cordial_core.store import TenantCollection


class MongoVerificationCache:
    """One document per tenant and number (found by keyed hash, the number itself encrypted)."""

    def __init__(self, collection: TenantCollection, cipher: PersonalDataCipher, clock: Clock) -> None:
        self.collection = collection
        self._cipher = cipher
        self._clock = clock

    def _id(self, tenant: str, number: str) -> str:
        return stable_id(tenant, "line", self._cipher.lookup_hash(number))

    async def get_many(self, tenant: str, numbers: list[str]) -> dict[str, LineInfo]:
        """The last lookup of each number known for the tenant, whatever its age (the verifier applies the TTL)."""
        ids = {self._id(tenant, number): number for number in numbers}
        # One $in for the group: FerretDB v1 (SQLite) scans the collection for any query with the tenant,
        # so one scan per group, not one per number.
        docs = await self.collection.find(tenant, {"_id": {"$in": list(ids)}})
        return {
            ids[d["_id"]]: LineInfo(ids[d["_id"]], d["valid"], d["line_type"], d["carrier"], d["checked_at"])
            for d in docs
        }

    async def put_many(self, tenant: str, infos: list[LineInfo]) -> None:
        """Keeps lookups in one round trip, replacing older ones of the same numbers."""
        docs = {self._id(tenant, info.number): info for info in infos}
        inserted = await self.collection.insert_many(
            tenant, [(self._doc(doc_id, info), []) for doc_id, info in docs.items()], self._clock
        )
        for doc_id, info in docs.items():
            if doc_id not in inserted:
                await self.collection.update(tenant, {"_id": doc_id}, self._fields(info))

    def _doc(self, doc_id: str, info: LineInfo) -> dict[str, Any]:
        return {"_id": doc_id, "number_enc": self._cipher.encrypt(info.number), **self._fields(info)}

    @staticmethod
    def _fields(info: LineInfo) -> dict[str, Any]:
        return {
            "valid": info.valid,
            "line_type": info.line_type,
            "carrier": info.carrier,
            "checked_at": info.checked_at,
        }


class MongoBudgets:
    """Lookups paid per tenant and month, one counter document each, moved by compare-and-set.

    FerretDB does not update atomically: each change names the count it read, so two instances never
    both take the last unit. Within one instance a lock per counter keeps the known count current, so a
    reservation (of one number or of a batch's group) is one round trip unless another instance moved
    the counter in between.
    """

    def __init__(self, collection: TenantCollection) -> None:
        self.collection = collection
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._known: dict[str, int] = {}

    async def reserve(self, tenant: str, month: str, count: int, limit: int) -> int:
        """Takes up to ``count`` lookups within the month's limit in one move; how many were granted."""
        return await self._move(tenant, month, count, limit)

    async def refund(self, tenant: str, month: str, count: int) -> None:
        """Gives back lookups that were reserved but not paid."""
        await self._move(tenant, month, -count, None)

    async def spent(self, tenant: str, month: str) -> int:
        """Lookups paid so far this month."""
        return await self._read(tenant, stable_id(tenant, "budget", month), month)

    async def _move(self, tenant: str, month: str, wanted: int, limit: int | None) -> int:
        key = stable_id(tenant, "budget", month)
        async with self._locks[key]:
            while True:
                spent = self._known.get(key)
                if spent is None:
                    spent = await self._read(tenant, key, month)
                step = wanted if limit is None else max(0, min(wanted, limit - spent))
                if step == 0:
                    self._known.pop(key, None)  # read again next time: another instance may have refunded
                    return 0
                if await self.collection.update(tenant, {"_id": key, "spent": spent}, {"spent": spent + step}):
                    self._known[key] = spent + step
                    return step
                self._known.pop(key, None)  # another instance moved it: read again

    async def _read(self, tenant: str, key: str, month: str) -> int:
        doc = await self.collection.find_one(tenant, {"_id": key})
        if doc is None:
            await self.collection.insert(tenant, {"_id": key, "month": month, "spent": 0})
            doc = await self.collection.find_one(tenant, {"_id": key})
        return int(doc["spent"]) if doc else 0


_COUNTS = {FROM_CACHE: "cached", LOOKED_UP: "paid", OVER_BUDGET: "refused_budget", FAILED: "failed"}
_WHATSAPP = {
    FROM_CACHE: "whatsapp_cached",
    LOOKED_UP: "whatsapp_paid",
    OVER_BUDGET: "whatsapp_refused_budget",
    FAILED: "whatsapp_failed",
    SKIPPED: "whatsapp_skipped",
}


class MongoBatches:
    """Batches with their progress; the numbers listed for a batch are kept encrypted, for a restart.

    The listed numbers (up to 100,000, about 2 MB encrypted) are a document of their own beside the batch's:
    the progress, saved every few seconds and read by any instance, stays a few hundred bytes to read and write.
    """

    def __init__(self, collection: TenantCollection, cipher: PersonalDataCipher) -> None:
        self.collection = collection
        self._cipher = cipher

    async def create(self, batch: Batch, numbers: list[str]) -> bool:
        """Stores a new batch; False when one with its id exists."""
        if not await self.collection.insert(batch.tenant, {**self._fields(batch), "_id": batch.id}):
            return False
        listed = {"_id": self._listed_id(batch.id), "numbers_enc": self._cipher.encrypt("\n".join(numbers))}
        await self.collection.insert(batch.tenant, listed)
        return True

    async def save(self, batch: Batch) -> None:
        """Saves the batch's progress and state."""
        await self.collection.update(batch.tenant, {"_id": batch.id}, self._fields(batch))

    async def get(self, tenant: str, batch_id: str) -> Batch | None:
        """One batch of the tenant."""
        doc = await self.collection.find_one(tenant, {"_id": batch_id})
        if doc is None:
            return None
        progress = BatchProgress(doc["total"], doc["done"], whatsapp_total=int(doc.get("whatsapp_total", 0)))
        progress.counts = {source: int(doc[name]) for source, name in _COUNTS.items()}
        progress.whatsapp = {result: int(doc.get(name, 0)) for result, name in _WHATSAPP.items()}
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
        doc = await self.collection.find_one(tenant, {"_id": self._listed_id(batch_id)})
        if doc is None:  # a batch stored before the numbers had their own document kept them in its own
            doc = await self.collection.find_one(tenant, {"_id": batch_id})
        plain = self._cipher.decrypt(doc["numbers_enc"]) if doc and "numbers_enc" in doc else ""
        return [n for n in plain.split("\n") if n]

    @staticmethod
    def _listed_id(batch_id: str) -> str:
        return f"{batch_id}:numbers"

    @staticmethod
    def _fields(batch: Batch) -> dict[str, Any]:
        return {
            "state": batch.state,
            "total": batch.progress.total,
            "done": batch.progress.done,
            **{name: batch.progress.counts[source] for source, name in _COUNTS.items()},
            "whatsapp_total": batch.progress.whatsapp_total,
            **{name: batch.progress.whatsapp[result] for result, name in _WHATSAPP.items()},
            "started_at": batch.started_at,
            "heartbeat_at": batch.heartbeat_at,
            "finished_at": batch.finished_at,
            "debtor_ids": batch.debtor_ids,
        }


class MongoWhatsAppCheckCache:
    """One document per tenant and number (found by keyed hash, the number itself encrypted): the last check."""

    def __init__(self, collection: TenantCollection, cipher: PersonalDataCipher, clock: Clock) -> None:
        self.collection = collection
        self._cipher = cipher
        self._clock = clock

    def _id(self, tenant: str, number: str) -> str:
        return stable_id(tenant, "whatsapp-check", self._cipher.lookup_hash(number))

    async def get_many(self, tenant: str, numbers: list[str]) -> dict[str, WhatsAppStatus]:
        """The last check of each number known for the tenant, whatever its age (the checker applies the TTL)."""
        ids = {self._id(tenant, number): number for number in numbers}
        docs = await self.collection.find(tenant, {"_id": {"$in": list(ids)}})
        return {ids[d["_id"]]: WhatsAppStatus(ids[d["_id"]], d["on_whatsapp"], d["checked_at"]) for d in docs}

    async def put_many(self, tenant: str, statuses: list[WhatsAppStatus]) -> None:
        """Keeps checks in one round trip, replacing older ones of the same numbers."""
        docs = {self._id(tenant, status.number): status for status in statuses}
        no_events: list[Event] = []
        rows = [
            ({"_id": doc_id, "number_enc": self._cipher.encrypt(s.number), **self._fields(s)}, no_events)
            for doc_id, s in docs.items()
        ]
        inserted = await self.collection.insert_many(tenant, rows, self._clock)
        for doc_id, status in docs.items():
            if doc_id not in inserted:
                await self.collection.update(tenant, {"_id": doc_id}, self._fields(status))

    @staticmethod
    def _fields(status: WhatsAppStatus) -> dict[str, Any]:
        return {"on_whatsapp": status.on_whatsapp, "checked_at": status.checked_at}
