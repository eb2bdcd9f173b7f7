"""Agreements and the offers shown, in MongoDB; storage itself allows one live agreement per debt.

Each debt of a live agreement is held by a slot document (`agreement_slots`, `_id` = tenant and debt id,
unique by construction) claimed before the agreement is written; when the agreement settles, breaks or is
cancelled its slots are released. A slot left behind by a crash (its agreement missing for a minute, or no
longer live) is taken over by the next claim. FerretDB does not enforce unique indexes over arrays, hence
one document per debt. A live agreement also keeps `live_slot` = tenant and its first debt's id under a
unique index, as before.

A debt's agreements, live or not, are found through its roster (`debt_agreements`, `cordial_core.rosters`):
on FerretDB a filter on `debt_ids` reads every agreement (90 ms with 200 in make simulate), for every offer
menu and payment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from cordial_agreements.domain.agreement import LIVE, Agreement, AgreementState
from cordial_agreements.domain.negotiation import Quote
from cordial_agreements.domain.offers import Installment, Offer
from cordial_agreements.domain.payment_links import PaymentLink
from cordial_core.clock import Clock
from cordial_core.errors import FailedPrecondition
from cordial_core.events import Event
from cordial_core.rosters import Roster
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


# A slot whose agreement was never written is stale after this long (the claim and the write are one call).
STALE_CLAIM = timedelta(minutes=1)


def _by_debt(items: list[Document]) -> dict[str, int]:
    """Debt ids are kept as values, not keys: an id may hold characters a field name cannot."""
    return {item["debt_id"]: item["amount_minor"] for item in items}


class AgreementRepository:
    """Stores and loads agreements of one tenant at a time, with optimistic versions."""

    def __init__(
        self,
        collection: TenantCollection,
        clock: Clock,
        slots: AsyncCollection[Document] | None = None,
        on_written: Callable[[str, str], None] | None = None,
    ):
        self.collection = collection
        self._clock = clock
        self.slots = TenantCollection(slots if slots is not None else collection.raw.database["agreement_slots"])
        self.by_debt = Roster(TenantCollection(collection.raw.database["debt_agreements"]), "agreements")
        # Told the tenant and id of each agreement written (the periodic check's agenda looks at it next).
        self._on_written = on_written or (lambda tenant, agreement_id: None)

    async def ensure_indexes(self) -> None:
        """The live slot is unique (a second live agreement over a debt cannot be written); old agreements rostered."""
        await self.collection.raw.create_index([("live_slot", 1)], unique=True)
        await self.collection.raw.create_index([("tenant", 1), ("debt_ids", 1)])
        await self.collection.raw.create_index([("tenant", 1), ("state", 1)])
        await self.by_debt.backfill(self.collection.raw, "debt_ids")

    async def add(self, agreement: Agreement, events: list[Event]) -> bool:
        """Stores a new agreement; False when it exists, FailedPrecondition when one of its debts has a live one."""
        if await self.get(agreement.tenant, agreement.id) is not None:
            return False
        for debt_id in agreement.debt_ids:
            await self.by_debt.add(agreement.tenant, debt_id, agreement.id)
        claimed: list[str] = []
        try:
            for debt_id in agreement.debt_ids:
                await self._claim(agreement, debt_id)
                claimed.append(debt_id)
            if await self.collection.insert(agreement.tenant, self._to_doc(agreement), events, self._clock):
                self._on_written(agreement.tenant, agreement.id)
                return True
            if await self.get(agreement.tenant, agreement.id) is not None:
                return False
            raise FailedPrecondition("debt already has a live agreement", field="debt_id")
        except FailedPrecondition:
            await self._release(agreement, claimed)
            raise

    async def _claim(self, agreement: Agreement, debt_id: str) -> None:
        """Takes a debt's slot for the agreement, or FailedPrecondition naming the debt."""
        tenant, slot = agreement.tenant, f"{agreement.tenant}:{debt_id}"
        for _ in range(3):
            now = self._clock.now()
            if await self.slots.insert(tenant, {"_id": slot, "agreement_id": agreement.id, "claimed_at": now}):
                return
            holder = await self.slots.find_one(tenant, {"_id": slot})
            if holder is None:
                continue  # released meanwhile
            if holder["agreement_id"] == agreement.id:
                return
            if not await self._stale(tenant, holder):
                break
            query = {"_id": slot, "agreement_id": holder["agreement_id"]}
            if await self.slots.update(tenant, query, {"agreement_id": agreement.id, "claimed_at": now}):
                return
        raise FailedPrecondition(f"debt {debt_id} already has a live agreement", field="debt_id")

    async def _stale(self, tenant: str, holder: Document) -> bool:
        held_by = await self.get(tenant, holder["agreement_id"])
        if held_by is not None:
            return held_by.state not in LIVE
        claimed_at = holder["claimed_at"]
        return bool(claimed_at.replace(tzinfo=None) < (self._clock.now() - STALE_CLAIM).replace(tzinfo=None))

    async def _release(self, agreement: Agreement, debt_ids: list[str] | tuple[str, ...]) -> None:
        slots = [f"{agreement.tenant}:{d}" for d in debt_ids]
        if slots:
            query = {"tenant": agreement.tenant, "_id": {"$in": slots}, "agreement_id": agreement.id}
            await self.slots.raw.delete_many(query)

    async def get(self, tenant: str, agreement_id: str) -> Agreement | None:
        """An agreement of this tenant, or None."""
        doc = await self.collection.find_one(tenant, {"_id": agreement_id})
        return self._from_doc(doc) if doc else None

    async def holding(self, tenant: str, debt_id: str) -> Agreement | None:
        """The agreement holding a debt's slot (proposed, accepted or active; just ended before its release), or None.

        Two reads by `_id`, never a query on `debt_ids` (FerretDB would read every agreement of the database)."""
        slot = await self.slots.find_one(tenant, {"_id": f"{tenant}:{debt_id}"})
        return await self.get(tenant, slot["agreement_id"]) if slot else None

    async def of_debt(self, tenant: str, debt_id: str) -> list[Agreement]:
        """Every agreement over a debt, oldest first."""
        ids = await self.by_debt.members(tenant, debt_id)
        docs = await self.collection.find(tenant, {"_id": {"$in": ids}}) if ids else []
        docs = [d for d in docs if debt_id in d["debt_ids"]]
        return [self._from_doc(d) for d in sorted(docs, key=lambda d: (d["created_at"], d["_id"]))]

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
        self._on_written(agreement.tenant, agreement.id)
        if agreement.state not in LIVE:
            await self._release(agreement, agreement.debt_ids)

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
            "shares": [{"debt_id": d, "amount_minor": a} for d, a in agreement.shares.items()],
            "applied": [{"debt_id": d, "amount_minor": a} for d, a in agreement.applied.items()],
            "splits": {
                k: [{"debt_id": d, "amount_minor": a} for d, a in v.items()] for k, v in agreement.splits.items()
            },
            "cancel_reason": agreement.cancel_reason,
            "valid_until": agreement.valid_until.isoformat() if agreement.valid_until else None,
            "kind": agreement.kind,
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
            shares=_by_debt(doc.get("shares", [])),
            applied=_by_debt(doc.get("applied", [])),
            splits={k: _by_debt(v) for k, v in doc.get("splits", {}).items()},
            cancel_reason=doc.get("cancel_reason", ""),
            valid_until=date.fromisoformat(doc["valid_until"]) if doc.get("valid_until") else None,
            kind=doc.get("kind", ""),
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
            "terms": list(offer.terms),
            "total_minor": offer.total_minor,
            "currency": offer.currency,
            "valid_until": offer.valid_until.isoformat(),
            "debt_ids": list(quote.debts),
            "shares": list(quote.shares),
            "renegotiation": quote.renegotiation,
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
            terms=tuple(doc.get("terms", ())),
            total_minor=doc["total_minor"],
            currency=doc["currency"],
            valid_until=date.fromisoformat(doc["valid_until"]),
        )
        return Quote(
            doc["_id"],
            doc["debt_id"],
            doc["kind"],
            offer,
            doc["grace_days"],
            tuple(doc.get("debt_ids", ())),
            tuple(doc.get("shares", ())),
            doc.get("renegotiation", False),
        )


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
