"""Opted-out values in MongoDB: one agency-wide document per debtor, "value key:channel" mapped to the source."""

from __future__ import annotations

from cordial_core.store import TenantCollection

# A person's opt-outs span every client of the agency, so they belong to the agency itself.
AGENCY = "_agency"


class OptedOutValueRepository:
    """Marks and reads the values and channels a debtor opted out of."""

    def __init__(self, collection: TenantCollection) -> None:
        self.collection = collection

    async def mark(self, debtor_id: str, value_key: str, channel: int, source: str) -> None:
        """Remembers the opt-out for good (repeating it changes nothing but the source)."""
        key = f"{value_key}:{channel}"
        if not await self.collection.insert(AGENCY, {"_id": debtor_id, "keys": {key: source}}):
            await self.collection.update(AGENCY, {"_id": debtor_id}, {f"keys.{key}": source})

    async def of_debtor(self, debtor_id: str) -> set[tuple[str, int]]:
        """Every (value key, channel) the debtor opted out of."""
        doc = await self.collection.find_one(AGENCY, {"_id": debtor_id})
        pairs = (key.rsplit(":", 1) for key in (doc or {}).get("keys", {}))
        return {(value_key, int(channel)) for value_key, channel in pairs}
