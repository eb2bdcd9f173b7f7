"""Cases in MongoDB: one document per debt with its actions, decisions and pending events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cordial_core.clock import Clock
from cordial_core.errors import FailedPrecondition
from cordial_core.events import Event
from cordial_core.money import Money
from cordial_core.store import TenantCollection
from cordial_strategy.domain.policy import Decision
from cordial_strategy.domain.ruler import ActionRecord, Case


class CaseRepository:
    """Loads and saves cases with optimistic versions, so concurrent writers never lose a change."""

    def __init__(self, collection: TenantCollection, clock: Clock) -> None:
        self.collection = collection
        self._clock = clock

    async def ensure_indexes(self) -> None:
        """Due cases are found by time."""
        await self.collection.raw.create_index([("next_due_at", 1)], sparse=True)
        await self.collection.raw.create_index([("action_ids", 1)])

    async def load(self, tenant: str, debt_id: str) -> Case | None:
        """The case of a debt of this tenant, or None."""
        doc = await self.collection.find_one(tenant, {"_id": debt_id})
        return _from_doc(doc) if doc else None

    async def load_or_new(self, tenant: str, debt_id: str, debtor_id: str) -> Case:
        """The case of a debt, created empty the first time any event mentions it."""
        await self.collection.insert(tenant, _to_doc(Case(debt_id, tenant, debtor_id)))
        case = await self.load(tenant, debt_id)
        assert case is not None
        return case

    async def save(self, case: Case, events: list[Event]) -> None:
        """Writes the case and its events if nobody changed it meanwhile."""
        doc = _to_doc(case)
        changes = {k: v for k, v in doc.items() if k not in ("_id", "tenant")}
        changes["version"] = case.version + 1
        if not await self.collection.update(
            case.tenant, {"_id": case.debt_id, "version": case.version}, changes, events, self._clock
        ):
            raise FailedPrecondition("the case changed meanwhile; retry")
        case.version += 1

    async def with_action(self, tenant: str, action_id: str) -> Case | None:
        """The case holding an action of this tenant, or None."""
        doc = await self.collection.find_one(tenant, {"action_ids": action_id})
        return _from_doc(doc) if doc else None

    async def due(self, now: datetime, limit: int) -> list[Case]:
        """Open cases with a deferred action due, across tenants (the scheduler is agency-wide)."""
        cursor = self.collection.raw.find({"next_due_at": {"$lte": now}, "stopped": False}, limit=limit)
        return [_from_doc(doc) async for doc in cursor]


def _decision_doc(d: Decision) -> dict[str, Any]:
    return {
        "allowed": d.allowed,
        "rule": d.rule,
        "explanation": d.explanation,
        "decided_at": d.decided_at,
        "time_zone": d.time_zone,
        "next_allowed_at": d.next_allowed_at,
        "values": d.values,
    }


def _to_doc(case: Case) -> dict[str, Any]:
    return {
        "_id": case.debt_id,
        "tenant": case.tenant,
        "debtor_id": case.debtor_id,
        "has_debt": case.has_debt,
        "creditor_name": case.creditor_name,
        "balance": case.balance.to_doc() if case.balance else None,
        "time_zone": case.time_zone,
        "country": case.country,
        "state": case.state,
        "contact_ready": case.contact_ready,
        "stopped": case.stopped,
        "stop_reason": case.stop_reason,
        "actions": {
            step: {
                "action_id": a.action_id,
                "channels": list(a.channels),
                "step": a.step,
                "state": a.state,
                "decision": _decision_doc(a.decision),
                "history": [_decision_doc(h) for h in a.history],
            }
            for step, a in case.actions.items()
        },
        "action_ids": sorted(a.action_id for a in case.actions.values()),
        "next_due_at": case.next_due_at,
        "version": case.version,
    }


def _from_doc(doc: dict[str, Any]) -> Case:
    return Case(
        debt_id=doc["_id"],
        tenant=doc["tenant"],
        debtor_id=doc["debtor_id"],
        has_debt=doc["has_debt"],
        creditor_name=doc["creditor_name"],
        balance=Money.from_doc(doc["balance"]) if doc.get("balance") else None,
        time_zone=doc["time_zone"],
        country=doc.get("country", ""),
        state=doc.get("state", ""),
        contact_ready=doc["contact_ready"],
        stopped=doc["stopped"],
        stop_reason=doc["stop_reason"],
        actions={
            key: ActionRecord(
                a["action_id"],
                a.get("step", key),
                tuple(a["channels"]),
                a["state"],
                Decision(**a["decision"]),
                [Decision(**h) for h in a.get("history", [])],
            )
            for key, a in doc.get("actions", {}).items()
        },
        next_due_at=doc.get("next_due_at"),
        version=doc.get("version", 0),
    )
