"""A debt's standing for contact: open, in an agreement (with its next installment), or closed (pure).

Strategy asks it at send time, so that a message about to leave never depends on strategy having consumed
`agreement.accepted` or `debt.settled` yet. The answer comes from the debt and the agreement holding its slot,
both read by `_id`: an accepted agreement holds the debt from the moment it is written, before the debt's own
status follows (and a settled agreement settles its debts just after it is saved).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from cordial_agreements.domain.agreement import Agreement, AgreementState
from cordial_agreements.domain.debt import Debt, DebtStatus
from cordial_agreements.domain.ledger import Ledger
from cordial_agreements.domain.offers import Installment


class StandingKind(StrEnum):
    """Where a debt stands for contact."""

    OPEN = "open"
    IN_AGREEMENT = "in_agreement"
    AGREEMENT_OVERDUE = "agreement_overdue"
    SETTLED = "settled"
    RECALLED = "recalled"
    WRITTEN_OFF = "written_off"


CLOSED_KINDS = {
    DebtStatus.SETTLED: StandingKind.SETTLED,
    DebtStatus.RECALLED: StandingKind.RECALLED,
    DebtStatus.WRITTEN_OFF: StandingKind.WRITTEN_OFF,
}
ACCEPTED = (AgreementState.ACCEPTED, AgreementState.ACTIVE)


@dataclass(frozen=True)
class Standing:
    """A debt's standing, the agreement behind it and its first installment not paid in full."""

    debt_id: str
    kind: StandingKind
    detail: str
    agreement: Agreement | None = None
    next_installment: Installment | None = None


def standing_of(debt: Debt, holder: Agreement | None, today: date) -> Standing:
    """The standing of a debt given the agreement holding its slot (None when no agreement holds it)."""
    if debt.status in CLOSED_KINDS:
        when = f" on {debt.settled_at:%Y-%m-%d}" if debt.settled_at else ""
        return Standing(debt.id, CLOSED_KINDS[debt.status], f"the debt is {debt.status.value}{when}")
    if holder is not None and holder.state == AgreementState.SETTLED:
        # Saved just before its debts are settled: already nothing is owed.
        return Standing(debt.id, StandingKind.SETTLED, f"agreement {holder.id} is paid in full", holder)
    if holder is None or holder.state not in ACCEPTED:
        if debt.status == DebtStatus.IN_AGREEMENT:
            # Its agreement ended a moment ago and the debt has not followed yet: still treated as held.
            return Standing(debt.id, StandingKind.IN_AGREEMENT, "the debt is in an agreement that is ending")
        state = f"agreement {holder.id} is only {holder.state.value}" if holder else "no agreement holds the debt"
        return Standing(debt.id, StandingKind.OPEN, state)
    unpaid = next((i for i in holder.installments if holder.outstanding(i.number) > 0), None)
    late = holder.first_overdue(today)
    if late is not None:
        text = (
            f"agreement {holder.id}: installment {late.number} due {late.due_date} is unpaid past "
            f"{holder.grace_days} grace days; the next check breaks it"
        )
        return Standing(debt.id, StandingKind.AGREEMENT_OVERDUE, text, holder, unpaid)
    count = len(holder.installments)
    due = f"; next installment {unpaid.number} of {count} due {unpaid.due_date}" if unpaid else ""
    text = f"agreement {holder.id} accepted, in good standing{due}"
    return Standing(debt.id, StandingKind.IN_AGREEMENT, text, holder, unpaid)


class Holders(Protocol):
    """Which agreement holds a debt's slot (a port: the slot and the agreement, each read by `_id`)."""

    async def holding(self, tenant: str, debt_id: str) -> Agreement | None: ...


class DebtStandings:
    """Answers a debt's standing from the ledger and the agreement holding the debt."""

    def __init__(self, ledger: Ledger, holders: Holders) -> None:
        self._ledger = ledger
        self._holders = holders

    async def of(self, tenant: str, debt_id: str) -> Standing:
        """The standing of one debt of the tenant now; NotFound naming debt_id for anyone else's."""
        debt = await self._ledger.get(tenant, debt_id)
        holder = await self._holders.holding(tenant, debt_id)
        return standing_of(debt, holder, self._ledger.today(debt))
