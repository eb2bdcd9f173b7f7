"""Strategy versions and activations in MongoDB; a version is written once and never changed."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from cordial_core.store import TenantCollection
from cordial_strategy.domain.book import Activation, Share, StrategyVersion
from cordial_strategy.domain.escalation import EscalationConditions
from cordial_strategy.domain.strategies import OfferSet, SegmentRule, StepSpec, Strategy


class StrategyRepository:
    """One document per scope and version (the scope is the tenant, or the agency for its default)."""

    def __init__(self, versions: TenantCollection, activations: TenantCollection) -> None:
        self._versions = versions
        self._activations = activations

    async def add(self, version: StrategyVersion) -> bool:
        """Inserts a version; False when that number is taken (another save won)."""
        doc = {
            "_id": f"{version.scope}:{version.version}",
            "version": version.version,
            "created_at": version.created_at,
            "strategy": strategy_to_doc(version.strategy),
        }
        return await self._versions.insert(version.scope, doc)

    async def latest_version(self, scope: str) -> int:
        """The highest saved version number, 0 when none."""
        found = await self._versions.find(scope, {}, sort=[("version", -1)], limit=1)
        return int(found[0]["version"]) if found else 0

    async def get(self, scope: str, version: int) -> StrategyVersion | None:
        """One version of a scope."""
        doc = await self._versions.find_one(scope, {"_id": f"{scope}:{version}"})
        return _version(doc) if doc else None

    async def list(self, scope: str) -> list[StrategyVersion]:
        """Every version of a scope, oldest first."""
        return [_version(d) for d in await self._versions.find(scope, {}, sort=[("version", 1)])]

    async def activation(self, scope: str) -> Activation | None:
        """What the scope runs, or None."""
        doc = await self._activations.find_one(scope, {"_id": scope})
        if doc is None:
            return None
        return Activation(tuple(Share(s["version"], s["percent"]) for s in doc["shares"]), doc["activated_at"])

    async def activate(self, scope: str, activation: Activation) -> None:
        """Replaces the scope's activation."""
        doc = {"shares": [asdict(s) for s in activation.shares], "activated_at": activation.activated_at}
        updated = await self._activations.update(scope, {"_id": scope}, doc)
        if not updated and not await self._activations.insert(scope, {"_id": scope, **doc}):
            await self._activations.update(scope, {"_id": scope}, doc)  # inserted meanwhile by another call


def strategy_to_doc(strategy: Strategy) -> dict[str, Any]:
    """A strategy as a document."""
    return asdict(strategy)


def strategy_from_doc(doc: dict[str, Any]) -> Strategy:
    """A strategy from its document."""
    return Strategy(
        segments=[
            SegmentRule(**{**r, "reasons": tuple(r["reasons"]), "flags": tuple(r.get("flags", ()))})
            for r in doc["segments"]
        ],
        paths={
            name: [StepSpec(**{**s, "channels": tuple(s["channels"])}) for s in steps]
            for name, steps in doc["paths"].items()
        },
        escalation=list(doc["escalation"]),
        name=doc.get("name", ""),
        offer_sets=[
            OfferSet(**{**o, "installment_counts": tuple(o["installment_counts"])}) for o in doc.get("offer_sets", [])
        ],
        escalation_conditions=EscalationConditions(**doc.get("escalation_conditions", {})),
        hardship_offer_set=doc.get("hardship_offer_set", ""),
    )


def _version(doc: dict[str, Any]) -> StrategyVersion:
    return StrategyVersion(doc["tenant"], doc["version"], strategy_from_doc(doc["strategy"]), doc["created_at"])
