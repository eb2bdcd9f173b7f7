"""Payments kept unapplied, in MongoDB, each written with its payment.unapplied event; counted in Prometheus."""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter

from cordial_agreements.domain.negotiation import UnappliedPayment
from cordial_core.clock import Clock
from cordial_core.events import Event
from cordial_core.money import Money
from cordial_core.store import TenantCollection

UNAPPLIED = Counter(
    "cordial_agreements_unapplied_payments_total",
    "Payments that arrived but could not be applied, kept for reconciliation, by source and reason.",
    ["source", "reason"],
)


class UnappliedPaymentRepository:
    """Unapplied payments of one tenant at a time; the same payment reference is kept once."""

    def __init__(self, collection: TenantCollection, clock: Clock) -> None:
        self.collection = collection
        self._clock = clock

    async def ensure_indexes(self) -> None:
        """A tenant's list, newest first."""
        await self.collection.raw.create_index([("tenant", 1), ("received_at", -1)])

    async def add(self, payment: UnappliedPayment, events: list[Event]) -> bool:
        """Keeps a payment with its event; False (and not counted again) when it was kept before."""
        doc = {
            "_id": payment.id,
            "reference": payment.reference,
            "txid": payment.txid,
            "debt_id": payment.debt_id,
            "amount_minor": payment.amount.amount_minor,
            "currency": payment.amount.currency,
            "source": payment.source,
            "reason": payment.reason,
            "detail": payment.detail,
            "received_at": payment.received_at,
        }
        added = await self.collection.insert(payment.tenant, doc, events, self._clock)
        if added:
            UNAPPLIED.labels(payment.source, payment.reason).inc()
        return added

    async def get(self, tenant: str, unapplied_id: str) -> UnappliedPayment | None:
        """One kept payment of this tenant, or None."""
        doc = await self.collection.find_one(tenant, {"_id": unapplied_id})
        return _from_doc(doc) if doc else None

    async def of_tenant(self, tenant: str, limit: int) -> list[UnappliedPayment]:
        """The tenant's unapplied payments, newest first."""
        docs = await self.collection.find(tenant, {}, sort=[("received_at", -1), ("_id", 1)], limit=limit)
        return [_from_doc(d) for d in docs]


def _from_doc(doc: dict[str, Any]) -> UnappliedPayment:
    return UnappliedPayment(
        id=doc["_id"],
        tenant=doc["tenant"],
        reference=doc["reference"],
        txid=doc["txid"],
        debt_id=doc["debt_id"],
        amount=Money(doc["amount_minor"], doc["currency"]),
        source=doc["source"],
        reason=doc["reason"],
        detail=doc["detail"],
        received_at=doc["received_at"],
    )
