"""Debts, the money paid against them and their life from placement to settlement."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from cordial_core.errors import FailedPrecondition, InvalidArgument
from cordial_core.money import Money


class DebtStatus(StrEnum):
    """Where a debt is in its life."""

    PLACED = "placed"
    IN_COLLECTION = "in_collection"
    IN_AGREEMENT = "in_agreement"
    SETTLED = "settled"
    RECALLED = "recalled"
    WRITTEN_OFF = "written_off"


CLOSED = {DebtStatus.SETTLED, DebtStatus.RECALLED, DebtStatus.WRITTEN_OFF}


@dataclass(frozen=True)
class Debtor:
    """Who owes; the document and name are personal data and stored encrypted."""

    kind: str
    document: str
    name: str
    time_zone: str


@dataclass(frozen=True)
class Payment:
    """Money received for a debt, identified by the payer's reference."""

    id: str
    reference: str
    amount: Money
    source: str
    received_at: datetime


@dataclass
class Debt:
    """A debt placed by a client, with the payments made against it."""

    id: str
    tenant: str
    client_reference: str
    debtor_id: str
    debtor: Debtor
    principal: Money
    due_date: date
    creditor_name: str
    placed_at: datetime
    status: DebtStatus = DebtStatus.PLACED
    payments: list[Payment] = field(default_factory=list)
    settled_at: datetime | None = None
    version: int = 0

    @property
    def paid(self) -> Money:
        """Everything paid so far."""
        total = Money(0, self.principal.currency)
        for payment in self.payments:
            total = total + payment.amount
        return total

    @property
    def balance(self) -> Money:
        """What is still owed; never below zero (over-payment is kept as paid)."""
        remaining = self.principal - self.paid
        return remaining if remaining.amount_minor > 0 else Money(0, self.principal.currency)

    def payment_by_reference(self, reference: str) -> Payment | None:
        """The payment already recorded under a reference, if any."""
        return next((p for p in self.payments if p.reference == reference), None)

    def receive(self, payment: Payment) -> bool:
        """Applies a payment; returns True when it settles the debt."""
        if payment.amount.currency != self.principal.currency:
            raise InvalidArgument(
                f"currency {payment.amount.currency} differs from the debt's {self.principal.currency}",
                field="amount.currency",
            )
        if payment.amount.amount_minor <= 0:
            raise InvalidArgument("must be greater than zero", field="amount.amount_minor")
        if self.status in CLOSED:
            raise FailedPrecondition(f"debt is {self.status.value}; no payment can be recorded")
        self.payments.append(payment)
        if self.balance.amount_minor == 0:
            self.status = DebtStatus.SETTLED
            self.settled_at = payment.received_at
            return True
        return False


def validate_placement(principal: Money, due_date: date, today: date) -> None:
    """Rules every new debt obeys, whatever the edge already checked."""
    if principal.amount_minor <= 0:
        raise InvalidArgument("must be greater than zero", field="principal.amount_minor")
    if due_date > today:
        raise InvalidArgument("cannot be in the future", field="due_date")
