"""Cases in MongoDB: one document per debt with its actions, decisions and pending events.

The scheduler claims due cases with a lease (a conditional update sets `lease_until`), so instances
share the work and a crashed claimant's cases come back when its lease expires. On MongoDB the claim
is atomic: one claimant per lease. FerretDB v1 does not apply an update atomically across processes,
so there two instances may both claim one case; what still holds is (1) the optimistic `version` on
save (checked inside the per-process document lock: exact within a process, best effort across
processes on FerretDB) and (2) the action id is stable per debt and step, so a step evaluated twice
produces the same id, which messaging and every consumer de-duplicate. A crash after the claim and
before the save loses nothing: the case stays due and its lease expires. The daily sweep marks a
case swept when it claims it, so a sweeper's crash skips its claimed cases until the next day's sweep
(their due actions are still picked up by the due scheduler).
"""

from __future__ import annotations

import zlib
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from cordial_core.clock import Clock
from cordial_core.errors import FailedPrecondition
from cordial_core.events import Event
from cordial_core.money import Money
from cordial_core.store import TenantCollection
from cordial_strategy.domain.case import ActionRecord, Case, Escalation, Results
from cordial_strategy.domain.escalation import EscalationConditions
from cordial_strategy.domain.installments import InstallmentPlan
from cordial_strategy.domain.path import PathProgress
from cordial_strategy.domain.policy import Decision


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

    async def of_tenant(self, tenant: str) -> list[Case]:
        """Every case of a tenant (for per-variant results)."""
        return [_from_doc(doc) for doc in await self.collection.find(tenant, {})]

    async def claim_due(self, now: datetime, owner: str, lease: timedelta, limit: int) -> list[Case]:
        """Claims open cases whose action is due and whose lease is free or expired, across tenants."""
        query = {"next_due_at": {"$lte": now}, "stopped": False, **_free(now)}
        return await self._claim(query, {"lease_until": now + lease, "lease_owner": owner}, limit)

    async def claim_sweep(
        self, now: datetime, day: str, partition: int, partitions: int, owner: str, lease: timedelta, limit: int
    ) -> list[Case]:
        """Claims open cases of one hash partition not yet swept on a day."""
        query = {
            "stopped": False,
            "sweep_bucket": {"$mod": [partitions, partition]},
            "swept_on": {"$ne": day},
            **_free(now),
        }
        return await self._claim(query, {"swept_on": day, "lease_until": now + lease, "lease_owner": owner}, limit)

    async def _claim(self, query: dict[str, Any], claim: dict[str, Any], limit: int) -> list[Case]:
        """Finds candidates, then claims each with a conditional update under the document's lock.

        Not one find_one_and_update: FerretDB rewrites the whole document, so a claim racing a save of
        the same case could undo the save; the lock (taken by TenantCollection.update) prevents that
        within a process, and the repeated condition makes the claim exclusive on MongoDB.
        """
        candidates = self.collection.raw.find(query, projection={"tenant": 1}, limit=limit)
        claimed = []
        async for doc in candidates:
            if await self.collection.update(doc["tenant"], {"_id": doc["_id"], **query}, claim):
                found = await self.collection.find_one(doc["tenant"], {"_id": doc["_id"]})
                if found is not None:
                    claimed.append(_from_doc(found))
        return claimed


def _free(now: datetime) -> dict[str, Any]:
    return {"$or": [{"lease_until": None}, {"lease_until": {"$lte": now}}]}


def sweep_bucket(debt_id: str) -> int:
    """A stable hash of the debt, so sweep partitions split the cases evenly and never overlap."""
    return zlib.crc32(debt_id.encode()) % 1024


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
                "purpose": a.purpose,
            }
            for step, a in case.actions.items()
        },
        "action_ids": sorted(a.action_id for a in case.actions.values()),
        "next_due_at": case.next_due_at,
        "company": case.company,
        "due_date": case.due_date,
        "strategy": {
            "scope": case.strategy_scope,
            "version": case.strategy_version,
            "variant": case.variant,
            "segment": case.segment,
        },
        "results": asdict(case.results),
        "escalation": {**asdict(case.escalation), "path": list(case.escalation.path)},
        "path": _path_doc(case.path),
        "installments": asdict(case.installments) if case.installments else None,
        "version": case.version,
        "sweep_bucket": sweep_bucket(case.debt_id),
        # Every save ends the claimant's lease: the case has been looked at.
        "lease_until": None,
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
                a.get("purpose", "collection"),
            )
            for key, a in doc.get("actions", {}).items()
        },
        next_due_at=doc.get("next_due_at"),
        company=doc.get("company", False),
        due_date=doc.get("due_date", ""),
        strategy_scope=doc.get("strategy", {}).get("scope", ""),
        strategy_version=doc.get("strategy", {}).get("version", 0),
        variant=doc.get("strategy", {}).get("variant", ""),
        segment=doc.get("strategy", {}).get("segment", ""),
        results=Results(**doc.get("results", {})),
        escalation=_escalation(doc.get("escalation") or {}),
        path=_path(doc.get("path") or {}),
        installments=InstallmentPlan(**doc["installments"]) if doc.get("installments") else None,
        version=doc.get("version", 0),
    )


def _path_doc(path: PathProgress) -> dict[str, Any]:
    """Event names carry dots, which document keys may not: stored with colons."""
    doc = asdict(path)
    for name in ("triggers", "triggered_at"):
        doc[name] = {k.replace(".", ":"): v for k, v in doc[name].items()}
    return doc


def _path(doc: dict[str, Any]) -> PathProgress:
    for name in ("triggers", "triggered_at"):
        doc[name] = {k.replace(":", "."): v for k, v in doc.get(name, {}).items()}
    return PathProgress(**doc)


def _escalation(doc: dict[str, Any]) -> Escalation:
    conditions = EscalationConditions(**doc.get("conditions", {}))
    return Escalation(**{**doc, "path": tuple(doc.get("path", ())), "conditions": conditions})
