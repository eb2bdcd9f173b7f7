"""Bureau cases in MongoDB."""

from __future__ import annotations

from cordial_core.store import TenantCollection
from cordial_registry_bridge.domain.cases import BureauCase, CaseState


class BureauCaseRepository:
    """One document per debt."""

    def __init__(self, collection: TenantCollection) -> None:
        self.collection = collection

    async def get(self, tenant: str, debt_id: str) -> BureauCase | None:
        """The case of a debt of this tenant, or None."""
        doc = await self.collection.find_one(tenant, {"_id": debt_id})
        return BureauCase(doc["_id"], doc["tenant"], CaseState(doc["state"]), doc["reason"]) if doc else None

    async def put(self, case: BureauCase) -> None:
        """Creates or replaces the case."""
        doc = {"state": case.state.value, "reason": case.reason}
        if not await self.collection.insert(case.tenant, {"_id": case.debt_id, **doc}):
            await self.collection.update(case.tenant, {"_id": case.debt_id}, doc)
