"""TenantCollection.find_one by `_id` on a real FerretDB: read by the primary key alone, the tenant and any other
plain field compared after, so another tenant's document is never returned; arrays keep the server's rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pymongo.asynchronous.database import AsyncDatabase

from cordial_core.store import TenantCollection


async def test_find_one_by_id_keeps_every_condition(mongo_db: AsyncDatabase[dict]) -> None:
    collection = TenantCollection(mongo_db["cases"])
    await mongo_db["cases"].insert_many(
        [
            {"_id": "d1", "tenant": "t1", "version": 3, "stopped": None, "action_ids": ["a1", "a2"]},
            {"_id": "d2", "tenant": "t2", "version": 1},
        ]
    )
    found = await collection.find_one("t1", {"_id": "d1"})
    assert found is not None
    assert found["version"] == 3
    assert await collection.find_one("t2", {"_id": "d1"}) is None  # another tenant's document
    assert await collection.find_one("t1", {"_id": "d2"}) is None
    assert await collection.find_one("t1", {"_id": "missing"}) is None
    assert await collection.find_one("t1", {"_id": "d1", "version": 3}) is not None
    assert await collection.find_one("t1", {"_id": "d1", "version": 4}) is None
    assert await collection.find_one("t1", {"_id": "d1", "stopped": None}) is not None
    assert await collection.find_one("t1", {"_id": "d1", "absent": None}) is not None  # missing matches None
    # An array field matches by element, as the server does; operators go to the server.
    assert await collection.find_one("t1", {"_id": "d1", "action_ids": "a2"}) is not None
    assert await collection.find_one("t1", {"_id": "d1", "action_ids": "a9"}) is None
    assert await collection.find_one("t1", {"_id": "d1", "version": {"$gte": 3}}) is not None
    assert await collection.find_one("t1", {"_id": {"$in": ["d1", "d2"]}}) is not None


async def test_conditions_by_id_answer_as_the_server_does(mongo_db: AsyncDatabase[dict]) -> None:
    now = datetime(2026, 3, 3, 13, 0, tzinfo=UTC)
    raw = mongo_db["cases"]
    collection = TenantCollection(raw)
    await raw.insert_one({"_id": "d1", "tenant": "t1", "stopped": False, "bucket": 7, "lease_until": None})
    await raw.insert_one({"_id": "d2", "tenant": "t1", "stopped": 0, "bucket": 8, "lease_until": now, "n": 2.0})
    free = {"$or": [{"lease_until": None}, {"lease_until": {"$lte": now}}]}
    claim = {"stopped": False, "bucket": {"$mod": [4, 3]}, "swept_on": {"$ne": "2026-03-03"}, **free}
    cases = {
        ("d1", "claim"): ({"_id": "d1", **claim}, True),
        ("d2", "int is no boolean"): ({"_id": "d2", **claim}, False),
        ("d2", "free at now"): ({"_id": "d2", **free}, True),
        ("d2", "leased after"): ({"_id": "d2", "lease_until": {"$gt": now}}, False),
        ("d2", "numbers compare"): ({"_id": "d2", "n": {"$gte": 2}}, True),
        ("d2", "null is below nothing"): ({"_id": "d1", "lease_until": {"$lt": now + timedelta(days=1)}}, False),
        ("d1", "ne null"): ({"_id": "d1", "lease_until": {"$ne": None}}, False),
    }
    for (debt, why), (query, expected) in cases.items():
        assert (await collection.find_one("t1", query) is not None) is expected, (debt, why)
        server = await raw.find_one({**query, "tenant": "t1"})
        assert (server is not None) is expected, (debt, why, "server")


async def test_conditional_updates_by_id_keep_their_conditions(mongo_db: AsyncDatabase[dict]) -> None:
    raw = mongo_db["cases"]
    collection = TenantCollection(raw)
    await raw.insert_one({"_id": "d1", "tenant": "t1", "version": 1, "state": "open"})
    assert not await collection.update("t1", {"_id": "d1", "version": 2}, {"state": "stale"})
    assert not await collection.update("t2", {"_id": "d1", "version": 1}, {"state": "foreign"})
    assert await collection.update("t1", {"_id": "d1", "version": 1}, {"state": "saved", "version": 2})
    assert not await collection.update("t1", {"_id": "d1", "version": 1}, {"state": "lost"})
    stored = await raw.find_one({"_id": "d1"})
    assert stored is not None
    assert (stored["state"], stored["version"], stored["tenant"]) == ("saved", 2, "t1")
    assert not await collection.update("t1", {"_id": "missing", "version": 1}, {"state": "nowhere"})
    assert await raw.count_documents({}) == 1
