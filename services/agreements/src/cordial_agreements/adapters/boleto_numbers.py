"""The register of nosso números in MongoDB: one document per number handed out, claimed by inserting it."""

from __future__ import annotations

from cordial_core.store import TenantCollection

# Numbers are unique per convênio, which is the agency's bank account across every client.
AGENCY = "_agency"


class BoletoNumberRepository:
    """Claims nosso números; an insert of a new `_id` is atomic on MongoDB and FerretDB alike."""

    def __init__(self, collection: TenantCollection) -> None:
        self.collection = collection

    async def claim(self, number: str, txid: str) -> bool:
        """True when the number is now, or already was, the installment's `txid`; False when another's."""
        if await self.collection.insert(AGENCY, {"_id": number, "txid": txid}):
            return True
        held = await self.collection.find_one(AGENCY, {"_id": number})
        return held is not None and held.get("txid") == txid
