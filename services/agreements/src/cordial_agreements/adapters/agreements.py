"""Agreements and the offers shown, in MongoDB; storage itself allows one live agreement per debt.

A live agreement holds `live_slot` = tenant and debt id under a unique index; when it settles, breaks or
is cancelled the slot becomes its own id, freeing the debt for a new agreement.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from cordial_agreements.domain.agreement import LIVE, Agreement, AgreementState
from cordial_agreements.domain.negotiation import Quote
from cordial_agreements.domain.offers import Installment, Offer
from cordial_agreements.domain.payment_links import PaymentLink
from cordial_core.clock import Clock
from cordial_core.errors import FailedPrecondition
from cordial_core.events import Event
from cordial_core.store import Document, TenantCollection


def _installments_doc(installments: tuple[Installment, ...]) -> list[Document]:
    return [
        {"number": i.number, "due_date": i.due_date.isoformat(), "amount_minor": i.amount_minor} for i in installments
    ]


def _installments(docs: list[Document]) -> tuple[Installment, ...]:
    return tuple(Installment(d["number"], date.fromisoformat(d["due_date"]), d["amount_minor"]) for d in docs)


def _link_doc(link: PaymentLink) -> Document:
    doc = asdict(link)
    doc["due_date"] = link.due_date.isoformat()
    return doc


def _link(doc: Document) -> PaymentLink:
    return PaymentLink(**{**doc, "due_date": date.fromisoformat(doc["due_date"])})


class AgreementRepository:
    """Stores and loads agreements of one tenant at a time, with optimistic versions."""

    def __init__(self, collection: TenantCollection, clock: Clock) -> None:
        self.collection = collection
        self._clock = clock

    async def ensure_indexes(self) -> None:
        """The live slot is unique: a second live agreement over a debt cannot be written."""
        await self.collection.raw.create_index([("live_slot", 1)], unique=True)
        await self.collection.raw.create_index([("tenant", 1), ("debt_ids", 1)])
        await self.collection.raw.create_index([("tenant", 1), ("state", 1)])

    async def add(self, agreement: Agreement, events: list[Event]) -> bool:
        """Stores a new agreement; False when it exists, FailedPrecondition when its debt has a live one."""
        if await self.collection.insert(agreement.tenant, self._to_doc(agreement), events, self._clock):
            return True
        if await self.get(agreement.tenant, agreement.id) is not None:
            return False
        raise FailedPrecondition("debt already has a live agreement", field="debt_id")

    async def get(self, tenant: str, agreement_id: str) -> Agreement | None:
        """An agreement of this tenant, or None."""
        doc = await self.collection.find_one(tenant, {"_id": agreement_id})
        return self._from_doc(doc) if doc else None

    async def of_debt(self, tenant: str, debt_id: str) -> list[Agreement]:
        """Every agreement over a debt, oldest first."""
        docs = await self.collection.find(tenant, {"debt_ids": debt_id}, sort=[("created_at", 1), ("_id", 1)])
        return [self._from_doc(d) for d in docs]

    async def live(self, tenant: str) -> list[Agreement]:
        """The tenant's live agreements."""
        docs = await self.collection.find(tenant, {"state": {"$in": [s.value for s in LIVE]}})
        return [self._from_doc(d) for d in docs]

    async def tenants_with_live(self) -> list[str]:
        """Tenants that have a live agreement, for the periodic check (an internal sweep across tenants)."""
        found = await self.collection.raw.distinct("tenant", {"state": {"$in": [s.value for s in LIVE]}})
        return sorted(str(t) for t in found)

    async def save(self, agreement: Agreement, events: list[Event]) -> None:
        """Writes changed state and its events if nobody changed the agreement meanwhile."""
        doc = self._to_doc(agreement)
        changes = {k: v for k, v in doc.items() if k not in ("_id", "tenant", "created_at")}
        changes["version"] = agreement.version + 1
        matched = await self.collection.update(
            agreement.tenant, {"_id": agreement.id, "version": agreement.version}, changes, events, self._clock
        )
        if not matched:
            raise FailedPrecondition("the agreement changed meanwhile; retry")
        agreement.version += 1

    def _to_doc(self, agreement: Agreement) -> Document:
        live = agreement.state in LIVE
        return {
            "_id": agreement.id,
            "tenant": agreement.tenant,
            "live_slot": f"{agreement.tenant}:{agreement.debt_ids[0]}" if live else agreement.id,
            "debtor_id": agreement.debtor_id,
            "debt_ids": list(agreement.debt_ids),
            "installments": _installments_doc(agreement.installments),
            "grace_days": agreement.grace_days,
            "state": agreement.state.value,
            "paid": {str(k): v for k, v in agreement.paid.items()},
            "credit": agreement.credit,
            "offer_id": agreement.offer_id,
            "currency": agreement.currency,
            "payments": dict(agreement.payments),
            "links": {str(k): _link_doc(v) for k, v in agreement.links.items()},
            "created_at": self._clock.now(),
            "version": agreement.version,
        }

    @staticmethod
    def _from_doc(doc: dict[str, Any]) -> Agreement:
        return Agreement(
            id=doc["_id"],
            tenant=doc["tenant"],
            debtor_id=doc["debtor_id"],
            debt_ids=tuple(doc["debt_ids"]),
            installments=_installments(doc["installments"]),
            grace_days=doc["grace_days"],
            state=AgreementState(doc["state"]),
            paid={int(k): v for k, v in doc.get("paid", {}).items()},
            credit=doc.get("credit", 0),
            offer_id=doc.get("offer_id", ""),
            currency=doc.get("currency", "BRL"),
            payments=dict(doc.get("payments", {})),
            links={int(k): _link(v) for k, v in doc.get("links", {}).items()},
            version=doc.get("version", 0),
        )


class QuoteRepository:
    """The offers shown to debtors, by id; the same offer shown twice is stored once."""

    def __init__(self, collection: TenantCollection) -> None:
        self.collection = collection

    async def add(self, tenant: str, quote: Quote) -> None:
        """Keeps a quote (a no-op when it is already kept)."""
        offer = quote.offer
        doc = {
            "_id": quote.id,
            "debt_id": quote.debt_id,
            "kind": quote.kind,
            "grace_days": quote.grace_days,
            "installments": _installments_doc(offer.installments),
            "lines": [{"label": label, "amount_minor": amount} for label, amount in offer.lines],
            "total_minor": offer.total_minor,
            "currency": offer.currency,
            "valid_until": offer.valid_until.isoformat(),
        }
        await self.collection.insert(tenant, doc)

    async def get(self, tenant: str, quote_id: str) -> Quote | None:
        """A quote of this tenant, or None."""
        doc = await self.collection.find_one(tenant, {"_id": quote_id})
        if doc is None:
            return None
        offer = Offer(
            id=doc["kind"],
            installments=_installments(doc["installments"]),
            lines=tuple((line["label"], line["amount_minor"]) for line in doc["lines"]),
            total_minor=doc["total_minor"],
            currency=doc["currency"],
            valid_until=date.fromisoformat(doc["valid_until"]),
        )
        return Quote(doc["_id"], doc["debt_id"], doc["kind"], offer, doc["grace_days"])


class ChargeRepository:
    """Which debt and agreement each PIX charge belongs to, by txid."""

    def __init__(self, collection: TenantCollection) -> None:
        self.collection = collection

    async def add(self, tenant: str, txid: str, agreement_id: str, debt_id: str) -> None:
        """Remembers a charge (a no-op when it is already remembered)."""
        await self.collection.insert(tenant, {"_id": txid, "agreement_id": agreement_id, "debt_id": debt_id})

    async def debt_of(self, tenant: str, txid: str) -> str | None:
        """The debt a charge of this tenant settles, or None."""
        doc = await self.collection.find_one(tenant, {"_id": txid})
        return str(doc["debt_id"]) if doc else None
