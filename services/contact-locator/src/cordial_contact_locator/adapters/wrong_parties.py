"""Wrong parties in MongoDB: one agency-wide document per debtor, value keys (keyed hashes) mapped to the reason."""

from __future__ import annotations

from cordial_core.store import TenantCollection

# A person's wrong-party values span every client of the agency, so they belong to the agency itself.
AGENCY = "_agency"


class WrongPartyRepository:
    """Marks and reads the values that reached someone else, per debtor."""

    def __init__(self, collection: TenantCollection) -> None:
        self.collection = collection

    async def mark(self, debtor_id: str, value_key: str, reason: str) -> None:
        """Remembers a value for good (repeating it changes nothing)."""
        if not await self.collection.insert(AGENCY, {"_id": debtor_id, "keys": {value_key: reason}}):
            await self.collection.update(AGENCY, {"_id": debtor_id}, {f"keys.{value_key}": reason})

    async def of_debtor(self, debtor_id: str) -> set[str]:
        """Every value key marked for the debtor."""
        doc = await self.collection.find_one(AGENCY, {"_id": debtor_id})
        return set((doc or {}).get("keys", {}))
