"""Lists of document ids kept in one document per owner, so "the X of Y" is read by `_id` on FerretDB.

FerretDB v1 on SQLite answers only a filter naming `_id` alone from an index (`cordial_core.pushdown`); a
filter on an owner field (a debtor's contact points, a debt's agreements) reads every document of the
collection. A roster is a document per tenant and owner, its `_id` computed from both, whose `members` map
names the ids in the order they were added. It is written before the member, so a crash between the two
leaves a name without a document (the reader skips it), never a document unlisted.
"""

from __future__ import annotations

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
