"""The use cases of agreements: place a debt, read it and its balance, record a payment, move its lifecycle."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from google.protobuf.message import Message

from cordial.events.v1 import debts_pb2
from cordial.types.v1 import types_pb2
from cordial_agreements.domain import paging
from cordial_agreements.domain.balance import BalancePolicy, Breakdown
from cordial_agreements.domain.debt import CLOSED, Debt, Debtor, DebtStatus, Payment, debt_id_of, validate_placement
from cordial_core.clock import Clock
from cordial_core.errors import DomainError, FailedPrecondition, InvalidArgument, NotFound
from cordial_core.events import Event, EventSource
from cordial_core.ids import stable_id
from cordial_core.money import Money

SOURCE = "agreements"


class Debts(Protocol):
    """Where debts are kept (a port; MongoDB in production, a dict in unit tests)."""

    async def add(self, debt: Debt, events: list[Event]) -> bool: ...
    async def get(self, tenant: str, debt_id: str) -> Debt | None: ...
    async def by_reference(self, tenant: str, client_reference: str) -> Debt | None: ...
    async def by_references(self, tenant: str, references: list[str]) -> dict[str, Debt]: ...
    async def add_many(self, debts: list[tuple[Debt, list[Event]]]) -> set[str]: ...
    async def save(self, debt: Debt, events: list[Event]) -> None: ...
    async def page(self, tenant: str, status: str, portfolio: str, after_id: str, limit: int) -> list[Debt]: ...


class BalancePolicies(Protocol):
    """Each client's balance policy (a port)."""

    async def get(self, tenant: str) -> BalancePolicy | None: ...
    async def put(self, tenant: str, policy: BalancePolicy) -> None: ...


# Without a policy nothing is charged beyond the principal.
NO_CHARGES = BalancePolicy()


@dataclass(frozen=True)
class Placement:
    """What a client sends to place a debt."""

    client_reference: str
    debtor: Debtor
    principal: Money
    due_date: date
    creditor_name: str
    contact_points: list[tuple[types_pb2.ContactKind, str]]
    portfolio: str = "default"
    product: str = ""
    origin_date: date | None = None


class Ledger:
    """Debts and payments of every tenant, with the events each change causes."""

    def __init__(
        self,
        debts: Debts,
        clock: Clock,
        debtor_id_of: DebtorIdentity,
        policies: BalancePolicies | None = None,
        seal: DocumentSeal | None = None,
    ) -> None:
        self._debts = debts
        self._seal = seal
        self._policies = policies
        self._clock = clock
        self._events = EventSource(SOURCE, clock)
        self._debtor_id_of = debtor_id_of

    async def place(self, tenant: str, placement: Placement) -> tuple[Debt, bool]:
        """Places a debt; the same client reference returns the existing debt, unchanged."""
        if not placement.client_reference:
            raise InvalidArgument("is required", field="client_reference")
        existing = await self._debts.by_reference(tenant, placement.client_reference)
        if existing is not None:
            return existing, False
        debt, placed = self._new_debt(tenant, placement)
        created = await self._debts.add(debt, [placed])
        if not created:
            # Another request with the same reference won the race: answer with its debt.
            winner = await self._debts.by_reference(tenant, placement.client_reference)
            if winner is None:
                raise FailedPrecondition("debt vanished while being placed; retry")
            return winner, False
        return debt, True

    async def place_many(self, tenant: str, placements: list[Placement]) -> list[tuple[Debt | None, bool, str, str]]:
        """Places many debts in few round trips: per placement the debt, whether it is new, or a field and reason.

        References must be distinct (the caller refuses repeats). A debt already placed is returned unchanged.
        """
        existing = await self._debts.by_references(tenant, [p.client_reference for p in placements])
        results: list[tuple[Debt | None, bool, str, str]] = []
        new: list[tuple[Debt, list[Event]]] = []
        for placement in placements:
            if not placement.client_reference:
                results.append((None, False, "client_reference", "is required"))
            elif placement.client_reference in existing:
                results.append((existing[placement.client_reference], False, "", ""))
            else:
                try:
                    debt, placed = self._new_debt(tenant, placement)
                except DomainError as exc:
                    results.append((None, False, exc.field or "", exc.message))
                    continue
                new.append((debt, [placed]))
                results.append((debt, True, "", ""))
        inserted = await self._debts.add_many(new)
        if len(inserted) < len(new):
            # Another request placed some of these meanwhile: answer with what it placed.
            winners = await self._debts.by_references(tenant, [d.client_reference for d, _ in new])
            results = [
                (winners.get(debt.client_reference), False, "", "")
                if created and debt and debt.id not in inserted
                else (debt, created, f, r)
                for debt, created, f, r in results
            ]
        return results

    def _new_debt(self, tenant: str, placement: Placement) -> tuple[Debt, Event]:
        """A new debt from a placement, validated, and its debt.placed event."""
        now = self._clock.now()
        validate_placement(placement.principal, placement.due_date, now.date(), placement.origin_date, placement.debtor)
        debt = Debt(
            id=debt_id_of(tenant, placement.client_reference),
            tenant=tenant,
            client_reference=placement.client_reference,
            debtor_id=self._debtor_id_of(placement.debtor.document),
            debtor=placement.debtor,
            principal=placement.principal,
            due_date=placement.due_date,
            creditor_name=placement.creditor_name,
            placed_at=now,
            portfolio=placement.portfolio or "default",
            product=placement.product,
            origin_date=placement.origin_date,
        )
        payload = debts_pb2.DebtPlaced(
            debt_id=debt.id,
            debtor_id=debt.debtor_id,
            client_reference=debt.client_reference,
            principal=debt.principal.to_proto(),
            balance=debt.principal.to_proto(),
            creditor_name=debt.creditor_name,
            time_zone=debt.debtor.time_zone,
            debtor_kind=types_pb2.DEBTOR_KIND_COMPANY
            if debt.debtor.kind == "company"
            else types_pb2.DEBTOR_KIND_PERSON,
            contact_points=[
                types_pb2.ContactPointInput(kind=kind, value=value) for kind, value in placement.contact_points
            ],
            debtor_country=debt.debtor.address.country.strip().upper() if debt.debtor.address else "",
            debtor_state=debt.debtor.address.state.strip().upper() if debt.debtor.address else "",
            due_date=debt.due_date.isoformat(),
            sealed_document=self._seal(debt.debtor.document) if self._seal else b"",
        )
        return debt, self._event(debt, "debt.placed", payload)

    async def get(self, tenant: str, debt_id: str) -> Debt:
        """One debt of the tenant; NotFound for anyone else's."""
        debt = await self._debts.get(tenant, debt_id)
        if debt is None:
            raise NotFound(f"debt {debt_id} not found", field="debt_id")
        return debt

    async def record_payment(
        self, tenant: str, debt_id: str, amount: Money, reference: str, source: str
    ) -> tuple[Debt, Payment, bool]:
        """Records a payment once per reference; settles the debt when the balance reaches zero.

        A debt that changed meanwhile (collection started by strategy's first step, another payment) is read
        again, so a client paying a debt it just placed is not answered with a conflict it did not cause.
        """
        if not reference:
            raise InvalidArgument("is required", field="payment_reference")
        for _ in range(5):
            debt = await self.get(tenant, debt_id)
            known = debt.payment_by_reference(reference)
            if known is not None:
                return debt, known, False
            payment = Payment(
                stable_id(debt.id, "payment", reference), reference, amount, source or "client", self._clock.now()
            )
            events = await self._receive(debt, payment)
            try:
                await self._debts.save(debt, events)
            except FailedPrecondition:
                continue  # changed meanwhile: look again
            return debt, payment, True
        raise FailedPrecondition("the debt keeps changing; retry", field="debt_id")

    async def _receive(self, debt: Debt, payment: Payment) -> list[Event]:
        """Applies the payment to the debt in memory; its events (payment received, and settled when paid up)."""
        policy = await self.balance_policy(debt.tenant)
        settled = debt.receive(payment, policy)
        after = debt.breakdown(policy, debt.local_date(payment.received_at))
        events = [
            self._event(
                debt,
                "payment.received",
                debts_pb2.PaymentReceived(
                    debt_id=debt.id,
                    debtor_id=debt.debtor_id,
                    payment_id=payment.id,
                    amount=payment.amount.to_proto(),
                    balance_after=Money(after.total, after.currency).to_proto(),
                    source=payment.source,
                ),
            )
        ]
        if settled:
            events.append(
                self._event(
                    debt,
                    "debt.settled",
                    debts_pb2.DebtSettled(debt_id=debt.id, debtor_id=debt.debtor_id, total_paid=debt.paid.to_proto()),
                )
            )
        return events

    async def page(self, tenant: str, status: str, portfolio: str, cursor: str, size: int) -> tuple[list[Debt], str]:
        """A page of the tenant's debts in id order, filtered; and the cursor of the next page ("" at the end)."""
        size = size or paging.DEFAULT_SIZE
        if not 1 <= size <= paging.MAX_SIZE:
            raise InvalidArgument(f"must be between 1 and {paging.MAX_SIZE}", field="page_size")
        after = paging.decode(tenant, cursor) if cursor else ""
        found = await self._debts.page(tenant, status, portfolio, after, size + 1)
        more = len(found) > size
        found = found[:size]
        return found, paging.encode(tenant, found[-1].id) if more else ""

    async def update(
        self,
        tenant: str,
        debt_id: str,
        principal: Money | None,
        reason: str,
        contact_points: list[tuple[types_pb2.ContactKind, str]],
    ) -> tuple[Debt, bool]:
        """Corrects the principal (with a reason) and adds contact points; each change is an event.

        A debt that changed meanwhile (collection started, a payment) is read again and the change made on it.
        """
        for _ in range(5):
            debt = await self.get(tenant, debt_id)
            events = self._changes(debt, principal, reason, contact_points)
            if not events:
                return debt, False
            try:
                await self._debts.save(debt, events)
            except FailedPrecondition:
                continue  # changed meanwhile: look again
            return debt, True
        raise FailedPrecondition("the debt keeps changing; retry", field="debt_id")

    def _changes(
        self, debt: Debt, principal: Money | None, reason: str, contact_points: list[tuple[types_pb2.ContactKind, str]]
    ) -> list[Event]:
        """Makes the corrections on the debt in memory; one event for each."""
        events = []
        previous = debt.correct_principal(principal, reason) if principal is not None else None
        if previous is not None:
            payload = debts_pb2.DebtAmountCorrected(
                debt_id=debt.id,
                debtor_id=debt.debtor_id,
                previous=previous.to_proto(),
                principal=debt.principal.to_proto(),
                reason=reason,
            )
            events.append(self._event(debt, "debt.amount_corrected", payload))
        if contact_points:
            if debt.status in CLOSED:
                raise FailedPrecondition(f"debt is {debt.status.value}; no contact is made", field="debt_id")
            added = debts_pb2.DebtContactsAdded(
                debt_id=debt.id,
                debtor_id=debt.debtor_id,
                contact_points=[types_pb2.ContactPointInput(kind=k, value=v) for k, v in contact_points],
            )
            events.append(self._event(debt, "debt.contacts_added", added))
        return events

    async def balance_policy(self, tenant: str) -> BalancePolicy:
        """The client's balance policy; no charges when none was set."""
        found = await self._policies.get(tenant) if self._policies is not None else None
        return found or NO_CHARGES

    async def set_balance_policy(self, tenant: str, policy: BalancePolicy) -> BalancePolicy:
        """Replaces the client's balance policy (validated when built)."""
        if self._policies is None:
            raise FailedPrecondition("balance policies are not configured")
        await self._policies.put(tenant, policy)
        return policy

    def today(self, debt: Debt) -> date:
        """Today in the debtor's time zone."""
        return debt.local_date(self._clock.now())

    async def balance(self, tenant: str, debt_id: str, as_of: date | None = None) -> tuple[Debt, Breakdown]:
        """A debt and its balance as of a date (today in the debtor's time zone when None)."""
        debt = await self.get(tenant, debt_id)
        day = as_of or self.today(debt)
        return debt, debt.breakdown(await self.balance_policy(tenant), day)

    async def start_collection(self, tenant: str, debt_id: str) -> bool:
        """A placed debt enters collection when its first step is requested; once."""
        for _ in range(3):
            try:
                return await self._start_collection(tenant, debt_id)
            except FailedPrecondition:
                continue  # a payment changed the debt meanwhile: look again
        return False

    async def _start_collection(self, tenant: str, debt_id: str) -> bool:
        debt = await self._debts.get(tenant, debt_id)
        if debt is None or debt.status != DebtStatus.PLACED:
            return False
        debt.move_to(DebtStatus.IN_COLLECTION)
        payload = debts_pb2.DebtCollectionStarted(debt_id=debt.id, debtor_id=debt.debtor_id)
        await self._debts.save(debt, [self._event(debt, "debt.collection_started", payload)])
        return True

    async def recall(self, tenant: str, debt_id: str, reason: str) -> tuple[Debt, bool]:
        """The client takes the debt back; recalling twice changes nothing."""

        async def recalled(debt: Debt) -> Event:
            payload = debts_pb2.DebtRecalled(debt_id=debt.id, debtor_id=debt.debtor_id, reason=reason)
            return self._event(debt, "debt.recalled", payload)

        return await self._close(tenant, debt_id, DebtStatus.RECALLED, recalled)

    async def write_off(self, tenant: str, debt_id: str, reason: str) -> tuple[Debt, bool]:
        """The agency stops collecting; what is still owed is recorded in the event."""

        async def written_off(debt: Debt) -> Event:
            owed = debt.breakdown(await self.balance_policy(tenant), self.today(debt))
            payload = debts_pb2.DebtWrittenOff(
                debt_id=debt.id,
                debtor_id=debt.debtor_id,
                reason=reason,
                balance=Money(owed.total, owed.currency).to_proto(),
            )
            return self._event(debt, "debt.written_off", payload)

        return await self._close(tenant, debt_id, DebtStatus.WRITTEN_OFF, written_off)

    async def _close(
        self, tenant: str, debt_id: str, status: DebtStatus, event_of: Callable[[Debt], Awaitable[Event]]
    ) -> tuple[Debt, bool]:
        """Moves the debt to a closing status with its event; False when already there.

        A debt that changed meanwhile (collection started by strategy's first step, a payment) is read again,
        so a client recalling a debt it just placed is not answered with a conflict it did not cause.
        """
        for _ in range(5):
            debt = await self.get(tenant, debt_id)
            if not debt.move_to(status):
                return debt, False
            event = await event_of(debt)
            try:
                await self._debts.save(debt, [event])
            except FailedPrecondition:
                continue  # changed meanwhile: look again
            return debt, True
        raise FailedPrecondition("the debt keeps changing; retry", field="debt_id")

    async def enter_agreement(self, tenant: str, debt_id: str) -> Debt:
        """The debt is now covered by a live agreement."""
        return await self._move(tenant, debt_id, DebtStatus.IN_AGREEMENT)

    async def leave_agreement(self, tenant: str, debt_id: str) -> Debt:
        """The debt's agreement broke: back to collection."""
        return await self._move(tenant, debt_id, DebtStatus.IN_COLLECTION)

    async def settle_by_agreement(self, tenant: str, debt_id: str) -> Debt:
        """The debt's agreement was paid in full: the debt is settled, whatever discount it granted."""
        return await self._move(tenant, debt_id, DebtStatus.SETTLED)

    async def _move(self, tenant: str, debt_id: str, status: DebtStatus) -> Debt:
        for _ in range(5):
            debt = await self.get(tenant, debt_id)
            if debt.status in CLOSED or not debt.move_to(status):
                return debt
            events = []
            if status == DebtStatus.SETTLED:
                debt.settled_at = self._clock.now()
                payload = debts_pb2.DebtSettled(
                    debt_id=debt.id, debtor_id=debt.debtor_id, total_paid=debt.paid.to_proto()
                )
                events.append(self._event(debt, "debt.settled", payload))
            try:
                await self._debts.save(debt, events)
            except FailedPrecondition:
                continue  # changed meanwhile (a payment): look again
            return debt
        raise FailedPrecondition("the debt keeps changing; retry", field="debt_id")

    def _event(self, debt: Debt, event_type: str, payload: Message) -> Event:
        return self._events.event(event_type, payload, tenant=debt.tenant, subject=debt.id, key=debt.debtor_id)


class DocumentSeal(Protocol):
    """Encrypts a document number with the platform's personal-data key, for services that may look it up."""

    def __call__(self, document: str, /) -> bytes: ...


class DebtorIdentity(Protocol):
    """Turns a document number into the debtor's id without revealing it."""

    def __call__(self, document: str, /) -> str: ...
