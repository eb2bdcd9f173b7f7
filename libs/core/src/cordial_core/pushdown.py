"""Reads and updates by ``_id`` alone on FerretDB, where any other key in a filter scans the collection.

FerretDB v1 on SQLite reads by primary key only a filter that is ``_id`` alone: any other key in the
filter (the tenant, a state, a version) makes it decode and test every document of the collection
(``backends/sqlite/collection.go``: ``if params.Filter.Len() == 1 { ... "_id" ... }``), for finds and
updates alike. It also applies an update as read, modify and write back, not atomically, so the
process's document lock is what serialises writers there (``cordial_core.locks``). On FerretDB a query
naming one ``_id`` with plain equality conditions is therefore read by ``_id`` alone and its conditions
tested here, under the document lock for an update: the same outcome, one document read instead of a scan.
A find of a list of ids (``$in``) is read the same way, one ``_id`` at a time: a few lookups instead of a scan.
A condition may name a dotted path through embedded documents and ask for one of a list of plain values
(``{"blocked.2": {"$in": [None, ""]}}``); a path that meets an array is left to the server (``Undecided``),
whose array rules differ. MongoDB keeps the whole filter in the server, where an update's conditions are atomic.
The local build (``deploy/local/install.sh``) narrows any filter naming a string ``_id`` by that index, as MongoDB
does, and tests the rest itself: an update is sent its whole filter there, one command instead of a read and a write.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

Document = dict[str, Any]
# Values compared the same way by MongoDB's equality and Python's (and the empty document; no arrays or regexes).
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_PLAIN = (str, int, float, bool, datetime, type(None))


def plain_id_query(query: Mapping[str, Any]) -> bool:
    """True when the query names one ``_id`` and otherwise only top-level fields equal to plain values."""
    if not isinstance(query.get("_id"), str | int):
        return False
    return all(_plain(key, value) for key, value in query.items())


def id_list_query(query: Mapping[str, Any]) -> bool:
    """True when the query names a list of ``_id`` values (``$in`` alone) and otherwise only plain equalities."""
    wanted = query.get("_id")
    if not isinstance(wanted, Mapping) or set(wanted) != {"$in"}:
        return False
    ids = wanted["$in"]
    if not isinstance(ids, list | tuple) or not all(isinstance(i, str | int) for i in ids):
        return False
    return all(_plain(key, value) for key, value in query.items() if key != "_id")


def _plain(key: str, value: object) -> bool:
    if key.startswith("$") or not all(key.split(".")):
        return False
    if isinstance(value, Mapping) and set(value) == {"$in"}:
        choices = value["$in"]
        return isinstance(choices, list | tuple) and all(isinstance(choice, _PLAIN) for choice in choices)
    return isinstance(value, _PLAIN) or value == {}


class Undecided(Exception):
    """A path met an array: MongoDB's array rules decide, so the server must."""


def matches(document: Document | None, query: Mapping[str, Any]) -> bool:
    """Whether a document meets a plain query (see plain_id_query), as MongoDB would decide it; Undecided when a
    path meets an array."""
    return document is not None and all(_meets(_at(document, key), wanted) for key, wanted in query.items())


def _at(document: Document, path: str) -> object:
    """The value at a dotted path; None when missing, as MongoDB's equality with null sees it."""
    value: object = document
    for part in path.split("."):
        if isinstance(value, list):
            raise Undecided(path)
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    if isinstance(value, list):
        raise Undecided(path)
    return value


def _meets(stored: object, wanted: object) -> bool:
    if isinstance(wanted, Mapping) and set(wanted) == {"$in"}:
        return any(_same(stored, choice) for choice in wanted["$in"])
    return _same(stored, wanted)


def _same(stored: object, wanted: object) -> bool:
    """BSON equality of plain values: booleans are not numbers, times are kept to the millisecond (UTC if naive)."""
    if isinstance(stored, bool) != isinstance(wanted, bool):
        return False
    if isinstance(stored, datetime) and isinstance(wanted, datetime):
        return _millis(stored) == _millis(wanted)
    return stored == wanted


def _millis(moment: datetime) -> int:
    """The moment as BSON stores it: whole milliseconds since the epoch."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return (aware - _EPOCH) // timedelta(milliseconds=1)


# Per client (by id, the client kept to tell a reused id): FerretDB's version, or None for another server.
_FERRETDB: dict[int, tuple[object, str | None]] = {}
# What the local FerretDB build reports when its backend narrows any filter naming a string `_id` by the `_id`
# index, as MongoDB does (deploy/local/install.sh): a conditional update by `_id` is then one command.
ID_FILTER_BUILD = "-idfilter"


async def _ferretdb_version(collection: AsyncCollection[Document]) -> str | None:
    """The FerretDB version the server reports (buildInfo), or None when it is not FerretDB; asked once per client."""
    client = collection.database.client
    known = _FERRETDB.get(id(client))
    if known is None or known[0] is not client:
        info = await collection.database.command("buildInfo")
        version = info.get("ferretdbVersion")
        known = (client, str(version) if version is not None else None)
        _FERRETDB[id(client)] = known
    return known[1]


async def is_ferretdb(collection: AsyncCollection[Document]) -> bool:
    """Whether the server is FerretDB (its buildInfo names its version), asked once per client."""
    return await _ferretdb_version(collection) is not None


async def scans_beside_id(collection: AsyncCollection[Document], query: Mapping[str, Any]) -> bool:
    """Whether the server reads every document for this ``_id`` query because it names other keys too: FerretDB
    does, but for a string ``_id`` on the local build that narrows such filters by its index (ID_FILTER_BUILD)."""
    version = await _ferretdb_version(collection)
    if version is None:
        return False
    return not (version.endswith(ID_FILTER_BUILD) and isinstance(query.get("_id"), str))


async def find_by_ids(collection: AsyncCollection[Document], query: Mapping[str, Any]) -> list[Document]:
    """The documents of an id-list query (see id_list_query), each read by ``_id`` alone, in the order asked."""
    rest = {key: value for key, value in query.items() if key != "_id"}
    found = []
    for document_id in dict.fromkeys(query["_id"]["$in"]):
        document = await collection.find_one({"_id": document_id})
        try:
            wanted = matches(document, rest)
        except Undecided:
            document = await collection.find_one({**rest, "_id": document_id})
            wanted = document is not None
        if wanted:
            assert document is not None
            found.append(document)
    return found


async def update_one_by_id(collection: AsyncCollection[Document], query: Mapping[str, Any], update: Document) -> bool:
    """update_one that reads FerretDB by ``_id`` alone (the caller holds the document lock); True if it matched.

    A server that narrows the whole filter by its ``_id`` (MongoDB, the local FerretDB build) is sent it in one
    command; another FerretDB is asked for the document by ``_id`` first and the conditions tested here.
    """
    if plain_id_query(query) and await scans_beside_id(collection, query):
        try:
            found = matches(await collection.find_one({"_id": query["_id"]}), query)
        except Undecided:
            return (await collection.update_one(dict(query), update)).matched_count == 1
        if not found:
            return False
        return (await collection.update_one({"_id": query["_id"]}, update)).matched_count == 1
    return (await collection.update_one(dict(query), update)).matched_count == 1
