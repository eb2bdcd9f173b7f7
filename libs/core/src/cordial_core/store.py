"""MongoDB through PyMongo's async API, with every read and write scoped by tenant."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from cordial_core.clock import Clock
from cordial_core.events import Event
from cordial_core.ferretdb import on_ferretdb
from cordial_core.locks import document_lock
from cordial_core.outbox import outbox_fields

Document = dict[str, Any]


def connect(uri: str) -> AsyncMongoClient[Document]:
    """A client for the URI; FerretDB needs retryWrites=false, which the URI carries."""
    return AsyncMongoClient(uri, tz_aware=True, serverSelectionTimeoutMS=10_000)


class TenantCollection:
    """A collection that cannot be read or written without naming the tenant."""

    def __init__(
        self,
        collection: AsyncCollection[Document],
        on_events: Callable[[], None] | None = None,
        on_documents: Callable[[str, list[Any] | None], None] | None = None,
    ) -> None:
        self.raw = collection
        self._on_events = on_events
        # Told the collection and the ids of documents written with events (None when the write named none).
        self._on_documents = on_documents

    def _written(self, events: Sequence[Event], ids: list[Any] | None = None) -> None:
        if not events:
            return
        if self._on_documents is not None:
            self._on_documents(self.raw.full_name, ids)
        if self._on_events is not None:
            self._on_events()

    @staticmethod
    def _scope(tenant: str, query: Mapping[str, Any]) -> Document:
        if not tenant:
            raise ValueError("a tenant is required for every read and write")
        if "tenant" in query and query["tenant"] != tenant:
            raise ValueError("a query cannot name another tenant")
        return {**query, "tenant": tenant}

    async def find_one(self, tenant: str, query: Mapping[str, Any]) -> Document | None:
        """One document of this tenant, or None."""
        scoped = self._scope(tenant, query)
        if _by_id_and_values(scoped):
            # FerretDB v1 (SQLite) finds by `_id` alone through its primary key but scans the whole collection
            # for `_id` plus any other field (e.g. the tenant): read by `_id`, compare the rest here.
            doc = await self.raw.find_one({"_id": scoped["_id"]})
            if doc is None:
                return None
            if any(isinstance(doc.get(k), (list, dict)) for k in _fields(scoped)):
                return await self.raw.find_one(scoped)  # the server's rules for arrays and documents
            try:
                return doc if _matches(doc, scoped) else None
            except TypeError:  # e.g. a naive stored time against an aware one: the server decides
                return await self.raw.find_one(scoped)
        return await self.raw.find_one(scoped)

    async def find(
        self,
        tenant: str,
        query: Mapping[str, Any],
        sort: Sequence[tuple[str, int]] | None = None,
        limit: int = 0,
    ) -> list[Document]:
        """Documents of this tenant matching the query."""
        cursor = self.raw.find(self._scope(tenant, query), sort=sort, limit=limit)
        return [doc async for doc in cursor]

    async def insert(
        self, tenant: str, document: Mapping[str, Any], events: Sequence[Event] = (), clock: Clock | None = None
    ) -> bool:
        """Inserts a document with its pending events in one write; False if it already exists."""
        doc = self._scope(tenant, document)
        if events:
            if clock is None:
                raise ValueError("events need the clock to be ordered")
            doc.update(outbox_fields(events, clock))
        try:
            await self.raw.insert_one(doc)
        except DuplicateKeyError:
            return False
        self._written(events, [doc["_id"]])
        return True

    async def insert_many(
        self, tenant: str, documents: Sequence[tuple[Mapping[str, Any], Sequence[Event]]], clock: Clock
    ) -> set[Any]:
        """Inserts documents, each with its own pending events, in one round trip; returns the ids inserted.

        Each document is still written atomically with its events; one that already exists is skipped.
        """
        docs = []
        for document, events in documents:
            doc = self._scope(tenant, document)
            if events:
                doc.update(outbox_fields(events, clock))
            docs.append(doc)
        if not docs:
            return set()
        failed: set[int] = set()
        try:
            await self.raw.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(e.get("code") != 11000 for e in errors):
                raise
            failed = {e["index"] for e in errors}
        inserted = {doc["_id"] for i, doc in enumerate(docs) if i not in failed}
        written = [i for i, (_, events) in enumerate(documents) if i not in failed and events]
        self._written([e for i in written for e in documents[i][1]], [docs[i]["_id"] for i in written])
        return inserted

    async def update(
        self,
        tenant: str,
        query: Mapping[str, Any],
        changes: Mapping[str, Any],
        events: Sequence[Event] = (),
        clock: Clock | None = None,
    ) -> bool:
        """Applies $set changes and queues events in the same write; False if nothing matched."""
        update: Document = {"$set": dict(changes)}
        if events:
            if clock is None:
                raise ValueError("events need the clock to be ordered")
            update["$set"].update(
                {f"_outbox.{key}": value for key, value in outbox_fields(events, clock)["_outbox"].items()}
            )
            update["$set"]["_outbox_pending"] = True
        scoped = self._scope(tenant, query)
        async with document_lock(self.raw.full_name, query.get("_id")):
            if _by_id_and_values(scoped) and await self._on_ferretdb():
                # FerretDB v1 scans the whole collection for `_id` plus any other field, and applies no update
                # atomically across processes anyway: under the document's lock (exact within this process), check
                # the conditions on the document read by `_id`, then write it by `_id`. MongoDB keeps one
                # conditional update.
                matched = await self.find_one(tenant, query) is not None
                matched = matched and (await self.raw.update_one({"_id": scoped["_id"]}, update)).matched_count == 1
            else:
                matched = (await self.raw.update_one(scoped, update)).matched_count == 1
        if matched:
            self._written(events, [query["_id"]] if "_id" in query else None)
        return matched

    async def _on_ferretdb(self) -> bool:
        """True when the server is FerretDB."""
        return await on_ferretdb(self.raw)


_SCALARS = (str, int, float, bool, type(None), datetime)


def _by_id_and_values(query: Mapping[str, Any]) -> bool:
    """True when the query names one `_id` and, for the other fields, conditions `_matches` decides exactly."""
    return "_id" in query and isinstance(query["_id"], (str, int, ObjectId)) and _simple(query)


def _fields(query: Mapping[str, Any]) -> set[str]:
    """Every field a query names, inside $or too."""
    names = set()
    for key, value in query.items():
        names |= {f for q in value for f in _fields(q)} if key == "$or" else {key}
    return names


def _simple(query: Mapping[str, Any]) -> bool:
    for key, value in query.items():
        if key == "$or":
            if not (isinstance(value, list) and all(isinstance(q, Mapping) and _simple(q) for q in value)):
                return False
        elif key.startswith("$"):
            return False
        elif isinstance(value, Mapping):
            if (
                not value
                or not set(value) <= _OPERATORS
                or not all(isinstance(v, _SCALARS) or o == "$mod" for o, v in value.items())
            ):
                return False
        elif not isinstance(value, _SCALARS):
            return False
    return True


_OPERATORS = {"$ne", "$lt", "$lte", "$gt", "$gte", "$mod"}


def _matches(doc: Mapping[str, Any], query: Mapping[str, Any]) -> bool:
    """MongoDB's answer for a `_simple` query on a document without arrays or sub-documents in the named fields."""
    for key, wanted in query.items():
        if key == "$or":
            if not any(_matches(doc, q) for q in wanted):
                return False
        elif isinstance(wanted, Mapping):
            if not all(_compare(doc.get(key), op, arg) for op, arg in wanted.items()):
                return False
        elif not _equal(doc.get(key), wanted):
            return False
    return True


def _equal(value: Any, wanted: Any) -> bool:
    """MongoDB's equality for scalars: a boolean equals only a boolean (Python's True == 1 does not hold there)."""
    return bool(value == wanted) and isinstance(value, bool) == isinstance(wanted, bool)


def _compare(value: Any, op: str, arg: Any) -> bool:
    if op == "$ne":
        return not _equal(value, arg)
    if op == "$mod":
        return isinstance(value, int) and not isinstance(value, bool) and value % arg[0] == arg[1]
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (value, arg))
    if not numbers and (value is None or type(value) is not type(arg)):
        return False  # MongoDB compares numbers with numbers and otherwise within one type only
    return bool({"$lt": value < arg, "$lte": value <= arg, "$gt": value > arg, "$gte": value >= arg}[op])


class MongoProcessedEvents:
    """Event ids a consumer group has handled, kept in the service's own database."""

    def __init__(self, database: AsyncDatabase[Document], group_id: str) -> None:
        self._collection = database["processed_events"]
        self._group = group_id

    async def seen(self, event_id: str) -> bool:
        """True when this group handled the event before."""
        return await self._collection.find_one({"_id": f"{self._group}:{event_id}"}) is not None

    async def remember(self, event_id: str) -> None:
        """Records that this group handled the event."""
        with contextlib.suppress(DuplicateKeyError):
            await self._collection.insert_one({"_id": f"{self._group}:{event_id}"})
