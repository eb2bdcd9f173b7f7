"""TenantCollection on the real server: a read or a conditional update by `_id` keeps its tenant scope and its
conditions (FerretDB narrows them by `_id`: the local build in the server, another in the process)."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from cordial_core.store import TenantCollection
from cordial_stack.commands import CommandLog


async def test_reads_and_conditional_updates_by_id_keep_tenant_and_conditions(mongo_db: AsyncDatabase[dict]) -> None:
    messages = TenantCollection(mongo_db["messages"])
    assert await messages.insert("t1", {"_id": "a1", "state": "pending", "version": 0})
    assert await messages.find_one("t2", {"_id": "a1"}) is None, "another tenant cannot read it"
    assert (await messages.find_one("t1", {"_id": "a1", "state": "pending"}) or {})["version"] == 0
    assert await messages.find_one("t1", {"_id": "a1", "state": "sent"}) is None
    assert not await messages.update("t2", {"_id": "a1", "version": 0}, {"version": 1}), "nor write it"
    assert await messages.update("t1", {"_id": "a1", "state": "pending", "version": 0}, {"version": 1})
    assert not await messages.update("t1", {"_id": "a1", "state": "pending", "version": 0}, {"version": 2})
    assert not await messages.update("t1", {"_id": "nope", "version": 1}, {"version": 2})
    stored = await mongo_db["messages"].find_one({"_id": "a1"})
    assert stored is not None
    assert stored["version"] == 1
    assert stored["tenant"] == "t1"


async def test_a_list_of_ids_is_read_with_its_tenant_scope_and_conditions(mongo_db: AsyncDatabase[dict]) -> None:
    cache = TenantCollection(mongo_db["cache"])
    for doc_id, tenant, state in (("a", "t1", "ok"), ("b", "t1", "old"), ("c", "t2", "ok"), ("d", "t1", "ok")):
        assert await cache.insert(tenant, {"_id": doc_id, "state": state})
    found = await cache.find("t1", {"_id": {"$in": ["a", "b", "c", "nope"]}})
    assert sorted(d["_id"] for d in found) == ["a", "b"], "another tenant's document is not read"
    found = await cache.find("t1", {"_id": {"$in": ["a", "b", "d"]}, "state": "ok"})
    assert sorted(d["_id"] for d in found) == ["a", "d"]
    assert await cache.find("t1", {"_id": {"$in": []}}) == []


async def test_a_conditional_update_by_id_is_one_command_naming_its_whole_filter(
    logged_db: tuple[AsyncDatabase[dict[str, Any]], CommandLog],
) -> None:
    """The local FerretDB narrows a filter naming a string `_id` by its index, as MongoDB does: the conditions go
    with the update (no read before it), and the server decides them, an empty outbox and a missing field too."""
    db, log = logged_db
    messages = TenantCollection(db["messages"])
    assert await messages.insert("t1", {"_id": "a1", "state": "pending", "version": 0, "_outbox": {}})
    log.clear()
    assert await messages.update("t1", {"_id": "a1", "state": "pending", "version": 0, "_outbox": {}}, {"version": 1})
    assert not await messages.update("t1", {"_id": "a1", "version": 0}, {"version": 2}), "the version moved on"
    assert not await messages.update("t2", {"_id": "a1", "version": 1}, {"version": 2}), "another tenant's"
    assert await messages.update("t1", {"_id": "a1", "blocked.2": {"$in": [None, ""]}}, {"version": 2})
    assert [name for _, name, _ in log.sent] == ["update"] * 4
    assert log.scans("messages") == []
    stored = await db["messages"].find_one({"_id": "a1"})
    assert stored is not None
    assert stored["version"] == 2
