"""The debt repository: debts in MongoDB, personal data encrypted, events in the same write."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import Any

from cordial_agreements.domain.debt import Address, Debt, Debtor, DebtStatus, Payment, debt_id_of
from cordial_core.clock import Clock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.errors import FailedPrecondition
from cordial_core.events import Event
from cordial_core.money import Money
from cordial_core.store import Document, TenantCollection


class DebtRepository:
    """Stores and loads debts of one tenant at a time."""

    def __init__(self, collection: TenantCollection, cipher: PersonalDataCipher, clock: Clock) -> None:
        self.collection = collection
        self._cipher = cipher
        self._clock = clock

    async def ensure_indexes(self) -> None:
        """One debt per client reference and tenant; debtors found by keyed hash."""
        await self.collection.raw.create_index([("tenant", 1), ("client_reference", 1)], unique=True)
        await self.collection.raw.create_index([("tenant", 1), ("debtor_id", 1)])
        await self.collection.raw.create_index([("tenant", 1), ("status", 1), ("_id", 1)])

    async def add(self, debt: Debt, events: list[Event]) -> bool:
        """Stores a new debt with its events; False when the client reference exists."""
        return await self.collection.insert(debt.tenant, self._to_doc(debt), events, self._clock)

    async def add_many(self, debts: list[tuple[Debt, list[Event]]]) -> set[str]:
        """Stores new debts, each with its events, in one round trip; the ids stored (others existed)."""
        if not debts:
            return set()
        tenant = debts[0][0].tenant
        docs = [(self._to_doc(debt), events) for debt, events in debts]
        return {str(i) for i in await self.collection.insert_many(tenant, docs, self._clock)}

    async def by_references(self, tenant: str, references: list[str]) -> dict[str, Debt]:
        """The debts these client references name, by reference: each read by its id (`debt_id_of`), never a scan."""
        if not references:
            return {}
        wanted = {debt_id_of(tenant, reference): reference for reference in references}
        docs = await self.collection.find(tenant, {"_id": {"$in": list(wanted)}})
        return {d["client_reference"]: self._from_doc(d) for d in docs if wanted[d["_id"]] == d["client_reference"]}

    async def get(self, tenant: str, debt_id: str) -> Debt | None:
        """A debt of this tenant, or None."""
        doc = await self.collection.find_one(tenant, {"_id": debt_id})
        return self._from_doc(doc) if doc else None

    async def by_reference(self, tenant: str, client_reference: str) -> Debt | None:
        """The debt a client reference names, or None: read by its id (`debt_id_of`), never a scan."""
        doc = await self.collection.find_one(tenant, {"_id": debt_id_of(tenant, client_reference)})
        return self._from_doc(doc) if doc and doc["client_reference"] == client_reference else None

    async def page(self, tenant: str, status: str, portfolio: str, after_id: str, limit: int) -> list[Debt]:
        """Up to limit debts of this tenant after an id, in id order, filtered by status and portfolio."""
        query: dict[str, Any] = {}
        if status:
            query["status"] = status
        if portfolio:
            query["portfolio"] = portfolio
        if after_id:
            query["_id"] = {"$gt": after_id}
        docs = await self.collection.find(tenant, query, sort=[("_id", 1)], limit=limit)
        return [self._from_doc(d) for d in docs]

    async def save(self, debt: Debt, events: list[Event]) -> None:
        """Writes changed state and its events if nobody changed the debt meanwhile."""
        doc = self._to_doc(debt)
        changes = {k: v for k, v in doc.items() if k not in ("_id", "tenant")}
        changes["version"] = debt.version + 1
        matched = await self.collection.update(
            debt.tenant, {"_id": debt.id, "version": debt.version}, changes, events, self._clock
        )
        if not matched:
            raise FailedPrecondition("the debt changed meanwhile; retry")
        debt.version += 1

    def _optional(self, plain: str | None) -> bytes | None:
        return self._cipher.encrypt(plain) if plain is not None else None

    def _reveal(self, token: bytes | None) -> str | None:
        return self._cipher.decrypt(token) if token is not None else None

    def _to_doc(self, debt: Debt) -> Document:
        return {
            "_id": debt.id,
            "tenant": debt.tenant,
            "client_reference": debt.client_reference,
            "debtor_id": debt.debtor_id,
            "debtor": {
                "kind": debt.debtor.kind,
                "document_enc": self._cipher.encrypt(debt.debtor.document),
                "name_enc": self._cipher.encrypt(debt.debtor.name),
                "time_zone": debt.debtor.time_zone,
                "birth_date_enc": self._optional(
                    debt.debtor.birth_date.isoformat() if debt.debtor.birth_date else None
                ),
                "address_enc": self._optional(json.dumps(asdict(debt.debtor.address)) if debt.debtor.address else None),
            },
            "portfolio": debt.portfolio,
            "product": debt.product,
            "origin_date": debt.origin_date.isoformat() if debt.origin_date else None,
            "principal": debt.principal.to_doc(),
            "due_date": debt.due_date.isoformat(),
            "creditor_name": debt.creditor_name,
            "placed_at": debt.placed_at,
            "status": debt.status.value,
            "payments": [
                {
                    "id": p.id,
                    "reference": p.reference,
                    "amount": p.amount.to_doc(),
                    "source": p.source,
                    "received_at": p.received_at,
                }
                for p in debt.payments
            ],
            "settled_at": debt.settled_at,
            "version": debt.version,
        }

    def _from_doc(self, doc: dict[str, Any]) -> Debt:
        debtor = doc["debtor"]
        return Debt(
            id=doc["_id"],
            tenant=doc["tenant"],
            client_reference=doc["client_reference"],
            debtor_id=doc["debtor_id"],
            debtor=Debtor(
                kind=debtor["kind"],
                document=self._cipher.decrypt(debtor["document_enc"]),
                name=self._cipher.decrypt(debtor["name_enc"]),
                time_zone=debtor["time_zone"],
                birth_date=date.fromisoformat(b) if (b := self._reveal(debtor.get("birth_date_enc"))) else None,
                address=Address(**json.loads(a)) if (a := self._reveal(debtor.get("address_enc"))) else None,
            ),
            portfolio=doc.get("portfolio", "default"),
            product=doc.get("product", ""),
            origin_date=date.fromisoformat(doc["origin_date"]) if doc.get("origin_date") else None,
            principal=Money.from_doc(doc["principal"]),
            due_date=date.fromisoformat(doc["due_date"]),
            creditor_name=doc["creditor_name"],
            placed_at=doc["placed_at"],
            status=DebtStatus(doc["status"]),
            payments=[
                Payment(p["id"], p["reference"], Money.from_doc(p["amount"]), p["source"], p["received_at"])
                for p in doc.get("payments", [])
            ],
            settled_at=doc.get("settled_at"),
            version=doc.get("version", 0),
        )
