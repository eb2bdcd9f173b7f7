"""Each client's balance and negotiation policies in MongoDB, one document each; factors kept as exact strings."""

from __future__ import annotations

from dataclasses import asdict

from cordial_agreements.domain.balance import BalancePolicy, IndexTable
from cordial_agreements.domain.offers import DiscountBand, NegotiationPolicy
from cordial_core.store import TenantCollection

_BALANCE = "balance"
_NEGOTIATION = "negotiation"


class BalancePolicyRepository:
    """Stores and loads the policies of one tenant at a time."""

    def __init__(self, collection: TenantCollection) -> None:
        self.collection = collection

    async def get(self, tenant: str) -> BalancePolicy | None:
        """The tenant's policy, or None."""
        doc = await self.collection.find_one(tenant, {"_id": f"{tenant}:{_BALANCE}"})
        if doc is None:
            return None
        index = doc.get("index")
        return BalancePolicy(
            late_fee_bps=doc["late_fee_bps"],
            monthly_interest_bps=doc["monthly_interest_bps"],
            correction=IndexTable.parse(index["name"], index["monthly_factors"]) if index else None,
        )

    async def put(self, tenant: str, policy: BalancePolicy) -> None:
        """Replaces the tenant's policy."""
        index = policy.correction
        await self.collection.raw.replace_one(
            {"_id": f"{tenant}:{_BALANCE}", "tenant": tenant},
            {
                "tenant": tenant,
                "late_fee_bps": policy.late_fee_bps,
                "monthly_interest_bps": policy.monthly_interest_bps,
                "index": {"name": index.name, "monthly_factors": {k: str(v) for k, v in index.monthly_factors.items()}}
                if index
                else None,
            },
            upsert=True,
        )

    async def get_negotiation(self, tenant: str, portfolio: str = "") -> NegotiationPolicy | None:
        """The tenant's (or one portfolio's) negotiation policy, or None."""
        doc = await self.collection.find_one(tenant, {"_id": f"{tenant}:{_NEGOTIATION}:{portfolio}"})
        if doc is None:
            return None
        fields = dict(doc["policy"])
        fields["bands"] = tuple(DiscountBand(**band) for band in fields["bands"])
        return NegotiationPolicy(**fields)

    async def put_negotiation(self, tenant: str, policy: NegotiationPolicy, portfolio: str = "") -> None:
        """Replaces the tenant's (or one portfolio's) negotiation policy."""
        await self.collection.raw.replace_one(
            {"_id": f"{tenant}:{_NEGOTIATION}:{portfolio}", "tenant": tenant},
            {"tenant": tenant, "portfolio": portfolio, "policy": asdict(policy)},
            upsert=True,
        )
