"""Debts, the money paid against them and their life from placement to settlement."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from cordial_agreements.domain.balance import BalancePolicy, Breakdown, compute_balance
from cordial_core.errors import FailedPrecondition, InvalidArgument
from cordial_core.ids import stable_id
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
# The lifecycle: placed -> in collection -> in agreement -> settled; recalled or written off from any open state.
TRANSITIONS: dict[DebtStatus, set[DebtStatus]] = {
    DebtStatus.PLACED: {DebtStatus.IN_COLLECTION, DebtStatus.IN_AGREEMENT, *CLOSED},
    DebtStatus.IN_COLLECTION: {DebtStatus.IN_AGREEMENT, *CLOSED},
    DebtStatus.IN_AGREEMENT: {DebtStatus.IN_COLLECTION, *CLOSED},
    DebtStatus.SETTLED: set(),
    DebtStatus.RECALLED: set(),
    DebtStatus.WRITTEN_OFF: set(),
}


@dataclass(frozen=True)
class Address:
    """A postal address; personal data, stored encrypted."""

    street: str = ""
    number: str = ""
    complement: str = ""
    district: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = "BR"


@dataclass(frozen=True)
class Debtor:
    """Who owes; document, name, birth date and address are personal data and stored encrypted."""

    kind: str
    document: str
    name: str
    time_zone: str
    birth_date: date | None = None
    address: Address | None = None

    @property
    def consumer(self) -> bool:
        """A person's debt is a consumer (B2C) debt; a company's is B2B."""
        return self.kind != "company"


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
    portfolio: str = "default"
    product: str = ""
    origin_date: date | None = None
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

    def local_date(self, moment: datetime) -> date:
        """The calendar day of a moment in the debtor's time zone."""
        return moment.astimezone(ZoneInfo(self.debtor.time_zone)).date()

    def breakdown(self, policy: BalancePolicy, as_of: date) -> Breakdown:
        """The balance as of a date under the client's policy."""
        return compute_balance(
            principal_minor=self.principal.amount_minor,
            currency=self.principal.currency,
            due_date=self.due_date,
            consumer=self.debtor.consumer,
            policy=policy,
            payments=[(self.local_date(p.received_at), p.amount.amount_minor) for p in self.payments],
            as_of=as_of,
        )

    def move_to(self, status: DebtStatus) -> bool:
        """Moves along the lifecycle; False when already there, FailedPrecondition when not allowed."""
        if status == self.status:
            return False
        if status not in TRANSITIONS[self.status]:
            raise FailedPrecondition(f"debt is {self.status.value}; it cannot become {status.value}")
        self.status = status
        return True

    def correct_principal(self, principal: Money, reason: str) -> Money | None:
        """The client corrects the principal; returns the previous one, None when unchanged."""
        if principal.currency != self.principal.currency:
            raise InvalidArgument(
                f"currency {principal.currency} differs from the debt's {self.principal.currency}",
                field="principal.currency",
            )
        if principal.amount_minor <= 0:
            raise InvalidArgument("must be greater than zero", field="principal.amount_minor")
        if principal == self.principal:
            return None
        if not reason.strip():
            raise InvalidArgument("is required when the principal changes", field="reason")
        if self.status in CLOSED:
            raise FailedPrecondition(f"debt is {self.status.value}; its amount cannot change", field="debt_id")
        if self.status == DebtStatus.IN_AGREEMENT:
            # The agreement was computed from the old amount: it must end before the amount changes.
            raise FailedPrecondition("debt is in an agreement; its amount cannot change", field="debt_id")
        previous, self.principal = self.principal, principal
        return previous

    def payment_by_reference(self, reference: str) -> Payment | None:
        """The payment already recorded under a reference, if any."""
        return next((p for p in self.payments if p.reference == reference), None)

    def receive(self, payment: Payment, policy: BalancePolicy) -> bool:
        """Applies a payment; returns True when it settles the debt (nothing owed on its day)."""
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
        if self.breakdown(policy, self.local_date(payment.received_at)).total == 0:
            self.status = DebtStatus.SETTLED
            self.settled_at = payment.received_at
            return True
        return False


def debt_id_of(tenant: str, client_reference: str) -> str:
    """A debt's id: stable per tenant and client reference, so a client's reference finds its debt by id."""
    return stable_id(tenant, "debt", client_reference)


def validate_placement(
    principal: Money,
    due_date: date,
    today: date,
    origin_date: date | None = None,
    debtor: Debtor | None = None,
) -> None:
    """Rules every new debt obeys, whatever the edge already checked."""
    if principal.amount_minor <= 0:
        raise InvalidArgument("must be greater than zero", field="principal.amount_minor")
    if due_date > today:
        raise InvalidArgument("cannot be in the future", field="due_date")
    if origin_date is not None and origin_date > today:
        raise InvalidArgument("cannot be in the future", field="origin_date")
    if origin_date is not None and origin_date > due_date:
        raise InvalidArgument("cannot be after the due date", field="origin_date")
    if debtor is not None and debtor.birth_date is not None:
        if debtor.kind == "company":
            raise InvalidArgument("only a person has a birth date", field="debtor.birth_date")
        if debtor.birth_date > today:
            raise InvalidArgument("cannot be in the future", field="debtor.birth_date")
