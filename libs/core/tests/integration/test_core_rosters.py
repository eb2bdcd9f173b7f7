"""Rosters on the real server: documents stored before rosters were kept are named once at start-up."""

from __future__ import annotations

from pymongo.asynchronous.database import AsyncDatabase

from cordial_core.rosters import Roster
from cordial_core.store import TenantCollection


async def test_backfill_names_old_documents_once_per_owner_and_tenant(mongo_db: AsyncDatabase[dict]) -> None:
    old = mongo_db["agreements"]
    await old.insert_many(
        [
            {"_id": "a1", "tenant": "t1", "debt_ids": ["d1", "d2"]},
            {"_id": "a2", "tenant": "t1", "debt_ids": ["d1"]},
            {"_id": "a3", "tenant": "t2", "debt_ids": ["d1"]},
        ]
    )
    roster = Roster(TenantCollection(mongo_db["debt_agreements"]), "agreements")
    assert await roster.members("t1", "d1") == [], "stored before the roster: not found through it"

    assert await roster.backfill(old, "debt_ids") == 4
    assert sorted(await roster.members("t1", "d1")) == ["a1", "a2"]
    assert await roster.members("t1", "d2") == ["a1"]
    assert await roster.members("t2", "d1") == ["a3"], "each tenant's roster names only its own"

    await old.insert_one({"_id": "a4", "tenant": "t1", "debt_ids": ["d3"]})
    assert await roster.backfill(old, "debt_ids") == 0, "the marker says it ran: start-ups after it scan nothing"
    assert await roster.members("t1", "d3") == []


async def test_backfill_reads_a_single_owner_field(mongo_db: AsyncDatabase[dict]) -> None:
    points = mongo_db["contact_points"]
    await points.insert_many([{"_id": "p1", "tenant": "t1", "debtor_id": "x"}, {"_id": "p2", "tenant": "t1"}])
    roster = Roster(TenantCollection(mongo_db["debtor_points"]), "contact-points")
    await roster.add("t1", "x", "p0")
    assert await roster.backfill(points, "debtor_id") == 1, "a document without an owner is left alone"
    assert await roster.members("t1", "x") == ["p0", "p1"]
