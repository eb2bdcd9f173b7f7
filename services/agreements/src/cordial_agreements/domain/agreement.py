"""An agreement: one debtor, one client, one or more debts, paid by installments.

States: proposed -> accepted -> active (down payment received) -> settled; broken when an installment
is overdue past the policy's grace days; cancelled by the client while live (what was paid stays paid on
the debts). A payment is allocated to the oldest unpaid installment first, then the next; what exceeds
the whole agreement is a credit.

Over several debts each debt has a share of the total (`shares`, see `split_shares`); a payment is
applied to the debts in the agreement's order (oldest due first), each up to its share, and anything
beyond every share goes to the last debt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from cordial_agreements.domain.offers import Installment
from cordial_core.errors import FailedPrecondition, InvalidArgument

if TYPE_CHECKING:
    from cordial_agreements.domain.payment_links import PaymentLink


class AgreementState(StrEnum):
    """Where an agreement is in its life."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    ACTIVE = "active"
    SETTLED = "settled"
    BROKEN = "broken"
    CANCELLED = "cancelled"


LIVE = {AgreementState.PROPOSED, AgreementState.ACCEPTED, AgreementState.ACTIVE}


@dataclass
class Agreement:
    """Installments over debts of one debtor with one client, and what has been paid against each."""

    id: str
    tenant: str
    debtor_id: str
    debt_ids: tuple[str, ...]
    installments: tuple[Installment, ...]
    grace_days: int
    state: AgreementState = AgreementState.PROPOSED
    paid: dict[int, int] = field(default_factory=dict)
    credit: int = 0
    offer_id: str = ""
    currency: str = "BRL"
    # Payment id -> amount applied, so the same payment reported twice counts once.
    payments: dict[str, int] = field(default_factory=dict)
    # Installment number -> how to pay it (PIX charge and boleto), once the provider created the charge.
    links: dict[int, PaymentLink] = field(default_factory=dict)
    # Debt id -> its part of the total; one debt's agreement has the whole total as its share.
    shares: dict[str, int] = field(default_factory=dict)
    # Debt id -> what was applied to it.
    applied: dict[str, int] = field(default_factory=dict)
    # Payment id -> how it split over the debts (agreements over several debts), so a retry records the same parts.
    splits: dict[str, dict[str, int]] = field(default_factory=dict)
    cancel_reason: str = ""
    # A proposal can be accepted until this day (its offer's validity); the offer's kind, e.g. "installments-3".
    valid_until: date | None = None
    kind: str = ""
    version: int = 0

    def __post_init__(self) -> None:
        if not self.debt_ids:
            raise InvalidArgument("an agreement covers at least one debt", field="debt_ids")
        if len(set(self.debt_ids)) != len(self.debt_ids):
            raise InvalidArgument("a debt appears twice", field="debt_ids")
        if not self.shares:
            self.shares = {self.debt_ids[0]: self.total, **{d: 0 for d in self.debt_ids[1:]}}

    @property
    def total(self) -> int:
        """What the agreement asks for in all."""
        return sum(i.amount_minor for i in self.installments)

    def outstanding(self, number: int) -> int:
        """What is still due on an installment."""
        installment = self.installments[number - 1]
        return installment.amount_minor - self.paid.get(number, 0)

    def accept(self) -> None:
        """The debtor accepted the offer."""
        self._require({AgreementState.PROPOSED}, "accepted")
        self.state = AgreementState.ACCEPTED

    def expired(self, today: date) -> bool:
        """Whether a proposal's offer is no longer valid."""
        return self.valid_until is not None and today > self.valid_until

    def cancel(self, reason: str) -> bool:
        """Called off by the client while live; False when already cancelled."""
        if not reason.strip():
            raise InvalidArgument("is required", field="reason")
        if self.state == AgreementState.CANCELLED:
            return False
        self._require(LIVE, "cancelled")
        self.state = AgreementState.CANCELLED
        self.cancel_reason = reason.strip()
        return True

    def to_debts(self, amount: int, closed: frozenset[str] = frozenset()) -> dict[str, int]:
        """How a payment splits over the debts: in order, each up to what is left of its share; the rest on the
        last debt still open (closed: debts settled on their own meanwhile), else on the last."""
        split: dict[str, int] = {}
        for debt_id in self.debt_ids:
            take = min(amount, max(self.shares.get(debt_id, 0) - self.applied.get(debt_id, 0), 0))
            if take:
                split[debt_id] = take
                amount -= take
        if amount:
            last = next((d for d in reversed(self.debt_ids) if d not in closed), self.debt_ids[-1])
            split[last] = split.get(last, 0) + amount
        return split

    def receive(self, amount: int) -> dict[int, int]:
        """Allocates a payment to the oldest unpaid installments; returns what went to each."""
        if amount <= 0:
            raise InvalidArgument("must be greater than zero", field="amount.amount_minor")
        self._require({AgreementState.ACCEPTED, AgreementState.ACTIVE}, "paid")
        allocation: dict[int, int] = {}
        for installment in self.installments:
            take = min(amount, self.outstanding(installment.number))
            if take:
                self.paid[installment.number] = self.paid.get(installment.number, 0) + take
                allocation[installment.number] = take
                amount -= take
        self.credit += amount
        if self.outstanding(1) == 0 and self.state == AgreementState.ACCEPTED:
            self.state = AgreementState.ACTIVE
        if all(self.outstanding(i.number) == 0 for i in self.installments):
            self.state = AgreementState.SETTLED
        return allocation

    def receive_once(self, payment_id: str, amount: int) -> dict[int, int] | None:
        """Allocates a payment unless it was applied before (then None)."""
        if payment_id in self.payments:
            return None
        allocation = self.receive(amount)
        self.payments[payment_id] = amount
        return allocation

    def first_overdue(self, today: date) -> Installment | None:
        """The first installment unpaid past its due date plus the grace days, if any."""
        grace = timedelta(days=self.grace_days)
        return next(
            (i for i in self.installments if self.outstanding(i.number) > 0 and today > i.due_date + grace), None
        )

    def next_look(self) -> date | None:
        """The first day the periodic check could change the agreement: the day after a proposal's validity, or
        the day after the first unpaid installment's due date plus the grace days (None: never)."""
        if self.state == AgreementState.PROPOSED:
            return self.valid_until + timedelta(days=1) if self.valid_until is not None else None
        if self.state not in (AgreementState.ACCEPTED, AgreementState.ACTIVE):
            return None
        grace = timedelta(days=self.grace_days + 1)
        return min((i.due_date + grace for i in self.installments if self.outstanding(i.number) > 0), default=None)

    def check_overdue(self, today: date) -> bool:
        """Breaks the agreement when an installment is unpaid past its due date plus the grace days."""
        if self.state not in (AgreementState.ACCEPTED, AgreementState.ACTIVE):
            return False
        late = any(
            self.outstanding(i.number) > 0 and today > i.due_date + timedelta(days=self.grace_days)
            for i in self.installments
        )
        if late:
            self.state = AgreementState.BROKEN
        return late

    def _require(self, allowed: set[AgreementState], action: str) -> None:
        if self.state not in allowed:
            raise FailedPrecondition(f"agreement is {self.state.value}; it cannot be {action}")


def split_shares(total: int, balances: list[int]) -> list[int]:
    """Each debt's part of a total, in proportion to its balance, summing exactly to the total.

    Parts are rounded down; the cents left over go one each to the debts with the largest remainders
    (ties to the earlier debt), so no debt's part is off by more than a cent of its exact share.
    """
    whole = sum(balances)
    if whole <= 0:
        return [total] + [0] * (len(balances) - 1)
    parts = [total * b // whole for b in balances]
    remainders = sorted(range(len(balances)), key=lambda i: (-(total * balances[i] % whole), i))
    for i in remainders[: total - sum(parts)]:
        parts[i] += 1
    return parts


def one_live_per_debt(existing: list[Agreement], debt_ids: tuple[str, ...]) -> None:
    """Refuses a new agreement over a debt that already has a live one."""
    for agreement in existing:
        if agreement.state in LIVE and (shared := set(agreement.debt_ids) & set(debt_ids)):
            raise FailedPrecondition(f"debt {sorted(shared)[0]} already has a live agreement ({agreement.id})")
