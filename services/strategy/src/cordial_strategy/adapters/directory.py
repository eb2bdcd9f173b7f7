"""Where the due and the open cases are, in documents read by `_id` alone: no scan of the cases on FerretDB.

FerretDB v1 on SQLite uses no index but `_id`'s, and only for a filter naming `_id` alone
(`cordial_core.pushdown`): a query on `next_due_at` or on the sweep bucket reads every case (250-600 ms a
pass with a few thousand cases). So beside the cases strategy keeps a directory of small documents whose
`_id` it computes:

- the due index, `due/<UTC hour>/<shard>`: the cases due within that hour, with their due time;
- the roster, `open/<sweep bucket>`: the cases of one sweep bucket (`sweep_bucket`), for the daily sweep;
- `due/floor`: the earliest hour that may still list a due case, so a claimer reads from there to now.

An entry is written before the case save that needs it, so a crash between the two leaves an extra entry,
never a missing one. Extra entries (a case whose due time moved, a stopped case, a case never saved) are
pruned by the reader that finds them stale, and the reader decides from the case itself, read by `_id`
(`Entry.stale`: a case whose save has not landed yet keeps its entry).
Each entry is one string (`Entry.packed`): FerretDB's cost to read or rewrite a document grows with each value it
holds, and an entry as a list of four values cost it two to three times as much (an entry of the list form, which
stores before this one hold, is still read).
Entries of a due time already past are written in the current hour, so the floor never has to go back.
On MongoDB each `$set`/`$unset` of an entry is atomic, so instances share the directory. FerretDB applies an
update as read-modify-write, so there the document lock serialises the writers of one process, which is exact
where each service runs as one instance (as `cordial_core.locks` says of every outboxed document).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from cordial_core.ids import stable_id
from cordial_core.locks import document_lock

Document = dict[str, Any]
# Documents per hour. A scheduler pass reads them all for the current hour and any left behind, about 1 ms of
# FerretDB's CPU each even when empty; each entry's write rewrites one of them, about 1 ms + 0.045 ms per entry
# it holds (entries packed; lists cost 0.08-0.1 ms). With 10,000 debtors several thousand cases fall due in one
# UTC hour (every first window opens at 08:00 local), so 8 shards held up to about 750 entries each; 16 halve
# each write for 8 more reads a pass. Entries written when there were 8 are still read: shards 0-7 are among these.
DUE_SHARDS = 16
SWEEP_BUCKETS = 1024
FLOOR_ID = "due/floor"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Writers whose clock lags the claimer's by less than this still write at or after the floor.
FLOOR_MARGIN = timedelta(minutes=5)


def sweep_bucket(debt_id: str) -> int:
    """A stable hash of the debt, so sweep partitions split the cases evenly and never overlap."""
    return zlib.crc32(debt_id.encode()) % SWEEP_BUCKETS


def hour_of(moment: datetime) -> datetime:
    """The UTC hour a moment falls in."""
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def due_id(hour: datetime, shard: int) -> str:
    """The `_id` of one shard of an hour of the due index."""
    return f"due/{hour:%Y-%m-%dT%H}/{shard:02d}"


def roster_id(bucket: int) -> str:
    """The `_id` of the roster of one sweep bucket."""
    return f"open/{bucket:04d}"


@dataclass(frozen=True)
class Entry:
    """A case listed in a directory document (with its due time in the due index)."""

    document_id: str
    key: str
    tenant: str
    debt_id: str
    due_at: datetime | None = None
    version: int = 0  # the case's version whose save the entry was written for

    def stale(self, case: Document | None) -> bool:
        """Whether the case no longer needs this entry: stopped, or saved at or past the entry's version with
        another due time. A missing case, or one whose save has not landed yet, keeps it (a reader racing the
        writer must not remove what the save is about to need)."""
        if case is None:
            return False
        if case["stopped"]:
            return True
        if self.due_at is None or case.get("version", 0) < self.version:
            return False
        stored = case.get("next_due_at")
        return stored is None or abs(stored - self.due_at) >= timedelta(milliseconds=1)

    def packed(self) -> str:
        """The entry as stored: one string of its tenant, debt, due time (ms since the epoch, as BSON keeps it) and
        version."""
        due = None if self.due_at is None else (self.due_at - EPOCH) // timedelta(milliseconds=1)
        return json.dumps([self.tenant, self.debt_id, due, self.version], separators=(",", ":"))

    @staticmethod
    def of(document_id: str, key: str, stored: str | list[Any]) -> Entry:
        """The entry stored under a key, packed or as the list stored before."""
        if isinstance(stored, list):
            return Entry(document_id, key, *stored)
        tenant, debt_id, due, version = json.loads(stored)
        due_at = None if due is None else EPOCH + timedelta(milliseconds=due)
        return Entry(document_id, key, tenant, debt_id, due_at, version)


class CaseDirectory:
    """The due index and the roster of open cases, kept beside the cases and read by `_id`."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._docs = collection

    async def list_due(self, tenant: str, debt_id: str, due_at: datetime, version: int, now: datetime) -> None:
        """Lists a case as due at a time from the version about to be saved (in the current hour if it has passed)."""
        hour = hour_of(max(due_at, now))
        shard = zlib.crc32(debt_id.encode()) % DUE_SHARDS
        document_id = due_id(hour, shard)
        await self._set(Entry(document_id, _key(tenant, debt_id), tenant, debt_id, due_at, version))

    async def list_open(self, tenant: str, debt_id: str) -> None:
        """Lists a case in the roster of its sweep bucket."""
        await self._set(Entry(roster_id(sweep_bucket(debt_id)), _key(tenant, debt_id), tenant, debt_id))

    async def floor(self, now: datetime) -> datetime:
        """The earliest hour that may list a due case (the current hour on a new store)."""
        doc = await self._docs.find_one({"_id": FLOOR_ID})
        return doc["hour"] if doc else hour_of(now - FLOOR_MARGIN)

    async def floor_recorded(self) -> bool:
        """Whether the due index has been kept here before (else the cases are listed once at start-up)."""
        return await self._docs.find_one({"_id": FLOOR_ID}) is not None

    async def raise_floor(self, hour: datetime) -> None:
        """Records that no hour before this one lists a due case (the floor only moves forward)."""
        async with document_lock(self._docs.full_name, FLOOR_ID):
            doc = await self._docs.find_one({"_id": FLOOR_ID})
            if doc is None or doc["hour"] < hour:
                await self._docs.update_one({"_id": FLOOR_ID}, {"$set": {"hour": hour}}, upsert=True)

    async def due_entries(self, start: datetime, now: datetime) -> list[Entry]:
        """The entries of every hour from start to now's, read shard by shard."""
        entries = []
        hour = hour_of(start)
        while hour <= hour_of(now):
            for shard in range(DUE_SHARDS):
                entries.extend(await self._entries(due_id(hour, shard)))
            hour += timedelta(hours=1)
        return entries

    async def roster(self, bucket: int) -> list[Entry]:
        """The cases listed in one sweep bucket."""
        return await self._entries(roster_id(bucket))

    async def prune(self, stale: Iterable[Entry]) -> None:
        """Removes entries found stale, one update per document."""
        by_document: dict[str, list[str]] = {}
        for entry in stale:
            by_document.setdefault(entry.document_id, []).append(entry.key)
        for document_id, keys in by_document.items():
            async with document_lock(self._docs.full_name, document_id):
                await self._docs.update_one({"_id": document_id}, {"$unset": {f"entries.{k}": "" for k in keys}})

    async def _set(self, entry: Entry) -> None:
        async with document_lock(self._docs.full_name, entry.document_id):
            change = {"$set": {f"entries.{entry.key}": entry.packed()}}
            await self._docs.update_one({"_id": entry.document_id}, change, upsert=True)

    async def _entries(self, document_id: str) -> list[Entry]:
        doc = await self._docs.find_one({"_id": document_id})
        listed = (doc or {}).get("entries") or {}
        return [Entry.of(document_id, key, value) for key, value in listed.items()]


def _key(tenant: str, debt_id: str) -> str:
    """A document key for a case: ids may hold characters a key may not (dots)."""
    return stable_id(tenant, debt_id)
