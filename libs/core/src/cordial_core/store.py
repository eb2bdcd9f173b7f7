"""MongoDB through PyMongo's async API, with every read and write scoped by tenant.

On FerretDB a query naming one ``_id`` is read by ``_id`` alone (see ``cordial_core.pushdown``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from cordial_core.clock import Clock
from cordial_core.events import Event
from cordial_core.locks import document_lock
from cordial_core.outbox import outbox_fields
from cordial_core.pushdown import (
    Undecided,
    find_by_ids,
    id_list_query,
    is_ferretdb,
    matches,
    plain_id_query,
    update_one_by_id,
)

Document = dict[str, Any]


def connect(uri: str) -> AsyncMongoClient[Document]:
    """A client for the URI; FerretDB needs retryWrites=false, which the URI carries."""
    return AsyncMongoClient(uri, tz_aware=True, serverSelectionTimeoutMS=10_000)


class TenantCollection:
    """A collection that cannot be read or written without naming the tenant."""

    def __init__(
        self, collection: AsyncCollection[Document], on_events: Callable[[str, object], None] | None = None
    ) -> None:
        self.raw = collection
        # Told the collection and the document id after each write that queued events (the relay reads it by _id).
        self._on_events = on_events

    def _written(self, events: Sequence[Event], document_id: object) -> None:
        if events and self._on_events is not None:
            self._on_events(self.raw.full_name, document_id)

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
        if plain_id_query(scoped) and await is_ferretdb(self.raw):
            found = await self.raw.find_one({"_id": scoped["_id"]})
            with contextlib.suppress(Undecided):
                return found if matches(found, scoped) else None
        return await self.raw.find_one(scoped)

    async def find(
        self,
        tenant: str,
        query: Mapping[str, Any],
        sort: Sequence[tuple[str, int]] | None = None,
        limit: int = 0,
    ) -> list[Document]:
        """Documents of this tenant matching the query (on FerretDB a list of ids is read id by id)."""
        scoped = self._scope(tenant, query)
        if sort is None and not limit and id_list_query(scoped) and await is_ferretdb(self.raw):
            return await find_by_ids(self.raw, scoped)
        cursor = self.raw.find(scoped, sort=sort, limit=limit)
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
        self._written(events, doc.get("_id"))
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
        for i, (_, events) in enumerate(documents):
            if i not in failed:
                self._written(events, docs[i]["_id"])
        return inserted

    async def update(
        self,
        tenant: str,
        query: Mapping[str, Any],
        changes: Mapping[str, Any],
        events: Sequence[Event] = (),
        clock: Clock | None = None,
        unset: Sequence[str] = (),
    ) -> bool:
        """Applies $set changes (and $unset of fields named) and queues events in the same write; False if nothing
        matched."""
        update: Document = {"$set": dict(changes)}
        if unset:
            update["$unset"] = dict.fromkeys(unset, "")
        if events:
            if clock is None:
                raise ValueError("events need the clock to be ordered")
            queued = outbox_fields(events, clock)
            update["$set"].update({f"_outbox.{key}": value for key, value in queued["_outbox"].items()})
            update["$set"]["_outbox_pending"] = queued["_outbox_pending"]
        async with document_lock(self.raw.full_name, query.get("_id")):
            matched = await update_one_by_id(self.raw, self._scope(tenant, query), update)
        if matched:
            self._written(events, query.get("_id"))
        return matched


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


class KeyedByEvent:
    """For a handler whose every write is keyed by the event's id, so a redelivered event writes nothing new:
    nothing is kept, which spares two round trips per event (a read and an insert of the processed id)."""

    async def seen(self, event_id: str) -> bool:
        """Never known: the handler's own keys make a repeat harmless."""
        return False

    async def remember(self, event_id: str) -> None:
        """Nothing to keep."""
