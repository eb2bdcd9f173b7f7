"""Bureau cases in MongoDB, one document per debt, saved with an optimistic version."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from cordial_core.clock import Clock
from cordial_core.errors import FailedPrecondition
from cordial_core.events import Event
from cordial_core.store import TenantCollection
from cordial_registry_bridge.domain.cases import BureauCase, CaseState
from cordial_registry_bridge.domain.filing import Filing
from cordial_registry_bridge.domain.protest import Protest, ProtestState


class BureauCaseRepository:
    """One document per debt; concurrent writers never lose a change."""

    def __init__(self, collection: TenantCollection, clock: Clock) -> None:
        self.collection = collection
        self._clock = clock

    async def get(self, tenant: str, debt_id: str) -> BureauCase | None:
        """The case of a debt of this tenant, or None."""
        doc = await self.collection.find_one(tenant, {"_id": debt_id})
        return _from_doc(doc) if doc else None

    async def create(self, case: BureauCase) -> None:
        """Creates the case unless it exists."""
        await self.collection.insert(case.tenant, {"_id": case.debt_id, **_fields(case)})

    async def save(self, case: BureauCase, events: list[Event]) -> None:
        """Writes the case and its events if nobody changed it meanwhile."""
        changes = {**_fields(case), "version": case.version + 1}
        query = {"_id": case.debt_id, "version": case.version}
        if not await self.collection.update(case.tenant, query, changes, events, self._clock):
            raise FailedPrecondition("the bureau case changed meanwhile; retry")
        case.version += 1


def _fields(case: BureauCase) -> dict[str, Any]:
    return {
        "state": case.state.value,
        "reason": case.reason,
        "debtor_id": case.debtor_id,
        "notice_confirmed_at": case.notice_confirmed_at,
        "wait_days": case.wait_days,
        "inscribed_at": case.inscribed_at,
        "removed_at": case.removed_at,
        "settled": case.settled,
        "recalled": case.recalled,
        "protest": {**asdict(case.protest), "state": case.protest.state.value},
        "filing": asdict(case.filing),
        "version": case.version,
    }


def _from_doc(doc: dict[str, Any]) -> BureauCase:
    return BureauCase(
        doc["_id"],
        doc["tenant"],
        CaseState(doc["state"]),
        doc.get("reason", ""),
        debtor_id=doc.get("debtor_id", ""),
        notice_confirmed_at=doc.get("notice_confirmed_at"),
        wait_days=doc.get("wait_days", 10),
        inscribed_at=doc.get("inscribed_at"),
        removed_at=doc.get("removed_at"),
        settled=doc.get("settled", False),
        recalled=doc.get("recalled", False),
        protest=_protest(doc.get("protest") or {}),
        filing=Filing(**(doc.get("filing") or {})),
        version=doc.get("version", 0),
    )


def _protest(doc: dict[str, Any]) -> Protest:
    return Protest(**{**doc, "state": ProtestState(doc.get("state", ""))})
