"""Each person's contact state in MongoDB: one agency-wide document per debtor, with an optimistic version."""

from __future__ import annotations

from typing import Any

from cordial_core.errors import FailedPrecondition
from cordial_core.store import TenantCollection
from cordial_strategy.domain.debtor import Contact, DebtorState, Hold, HoldKind, OpenDebt

# A person's contacts and holds span every client of the agency (caps hold across clients), so these
# documents belong to the agency itself rather than to one client's tenant.
AGENCY = "_agency"


class DebtorRepository:
    """Loads and saves debtors' contact state; a save that lost a race raises FailedPrecondition."""

    def __init__(self, collection: TenantCollection) -> None:
        self.collection = collection

    async def load(self, debtor_id: str) -> DebtorState:
        """The person's state, empty the first time."""
        doc = await self.collection.find_one(AGENCY, {"_id": debtor_id})
        return _from_doc(doc) if doc else DebtorState(debtor_id)

    async def save(self, debtor: DebtorState) -> None:
        """Writes the state if nobody changed it meanwhile."""
        doc = _to_doc(debtor)
        if debtor.version == 0:
            if not await self.collection.insert(AGENCY, {**doc, "version": 1}):
                raise FailedPrecondition("the debtor changed meanwhile; retry")
        else:
            changes = {k: v for k, v in doc.items() if k not in ("_id", "tenant")}
            changes["version"] = debtor.version + 1
            if not await self.collection.update(AGENCY, {"_id": debtor.debtor_id, "version": debtor.version}, changes):
                raise FailedPrecondition("the debtor changed meanwhile; retry")
        debtor.version += 1


def _to_doc(d: DebtorState) -> dict[str, Any]:
    return {
        "_id": d.debtor_id,
        "contacts": {
            key: {"at": c.at, "channel": c.channel, "debt": c.debt_key, "kind": c.kind, "state": c.state}
            for key, c in d.contacts.items()
        },
        "holds": {
            key: {"kind": str(h.kind), "debt": h.debt_key, "since": h.since, "until": h.until, "reason": h.reason}
            for key, h in d.holds.items()
        },
        "opted_out": d.opted_out_channels,
        "blocked_points": d.blocked_points,
        "open_debts": {k: {"balance": o.balance_minor, "due": o.due_date} for k, o in d.open_debts.items()},
        "stated_reasons": d.stated_reasons,
        "agreements": d.agreements,
        "public_data": {
            "flags": d.public_data,
            "learned_at": d.public_data_learned_at,
            "source": d.public_data_source,
            "document": d.public_data_document,  # sealed by the platform's cipher, never in clear
            "company": d.public_data_company,
        },
        "version": d.version,
    }


def _from_doc(doc: dict[str, Any]) -> DebtorState:
    return DebtorState(
        debtor_id=doc["_id"],
        contacts={
            key: Contact(c["at"], c["channel"], c["debt"], c["kind"], c["state"])
            for key, c in doc.get("contacts", {}).items()
        },
        holds={
            key: Hold(HoldKind(h["kind"]), h["debt"], h["since"], h.get("until"), h.get("reason", ""))
            for key, h in doc.get("holds", {}).items()
        },
        opted_out_channels=dict(doc.get("opted_out", {})),
        blocked_points=dict(doc.get("blocked_points", {})),
        open_debts={k: OpenDebt(o["balance"], o["due"]) for k, o in doc.get("open_debts", {}).items()},
        stated_reasons=dict(doc.get("stated_reasons", {})),
        agreements=dict(doc.get("agreements", {})),
        public_data=dict((doc.get("public_data") or {}).get("flags") or {}),
        public_data_learned_at=(doc.get("public_data") or {}).get("learned_at"),
        public_data_source=(doc.get("public_data") or {}).get("source", ""),
        public_data_document=bytes((doc.get("public_data") or {}).get("document") or b""),
        public_data_company=bool((doc.get("public_data") or {}).get("company", False)),
        version=doc.get("version", 0),
    )
