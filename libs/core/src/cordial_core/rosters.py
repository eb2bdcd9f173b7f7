"""Lists of document ids kept in one document per owner, so "the X of Y" is read by `_id` on FerretDB.

FerretDB v1 on SQLite answers only a filter naming `_id` alone from an index (`cordial_core.pushdown`); a
filter on an owner field (a debtor's contact points, a debt's agreements) reads every document of the
collection. A roster is a document per tenant and owner, its `_id` computed from both, whose `members` map
names the ids in the order they were added. It is written before the member, so a crash between the two
leaves a name without a document (the reader skips it), never a document unlisted. Documents stored before
rosters were kept are named once, at start-up (`Roster.backfill`), so an upgrade finds them too.
"""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from cordial_core.ids import stable_id
from cordial_core.locks import document_lock
from cordial_core.pushdown import update_one_by_id
from cordial_core.store import TenantCollection


class Roster:
    """The ids of the documents that belong to each owner, one roster document per tenant and owner."""

    def __init__(self, collection: TenantCollection, kind: str) -> None:
        self.collection = collection
        self._kind = kind

    def roster_id(self, tenant: str, owner: str) -> str:
        """The `_id` of an owner's roster at a tenant."""
        return stable_id(tenant, self._kind, owner)

    async def add(self, tenant: str, owner: str, member: str) -> None:
        """Names a member in the owner's roster (a repeat finds it there and writes nothing)."""
        key = self.roster_id(tenant, owner)
        roster = await self.collection.find_one(tenant, {"_id": key})
        if roster is not None and member in roster.get("members", {}):
            return
        if roster is None and await self.collection.insert(tenant, {"_id": key, "members": {member: True}}):
            return
        async with document_lock(self.collection.raw.full_name, key):
            query = {"_id": key, "tenant": tenant}
            await update_one_by_id(self.collection.raw, query, {"$set": {f"members.{member}": True}})

    async def members(self, tenant: str, owner: str) -> list[str]:
        """The ids named in the owner's roster, in the order they were added."""
        roster = await self.collection.find_one(tenant, {"_id": self.roster_id(tenant, owner)})
        return list((roster or {}).get("members", {}))

    async def backfill(self, members: AsyncCollection[Any], owner_field: str) -> int:
        """Names in their owners' rosters the documents stored before rosters were kept; once, then a marker says so.

        The one scan of `members` runs at start-up; instances starting together only repeat idempotent adds.
        """
        marker = f"backfilled:{self._kind}"
        if await self.collection.raw.find_one({"_id": marker}) is not None:
            return 0
        named = 0
        async for doc in members.find({}, {"tenant": 1, owner_field: 1}):
            owners = doc.get(owner_field)
            for owner in owners if isinstance(owners, list) else [owners]:
                if owner and doc.get("tenant"):
                    await self.add(doc["tenant"], owner, doc["_id"])
                    named += 1
        await self.collection.raw.update_one({"_id": marker}, {"$set": {"named": named}}, upsert=True)
        return named
