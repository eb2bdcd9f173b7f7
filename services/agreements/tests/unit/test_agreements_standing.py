"""A debt's standing for contact: open, in an agreement in good standing with its next installment, overdue past
the grace days, or closed; the agreement holding the debt decides before the debt's own status follows."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from cordial_agreements.domain.agreement import Agreement, AgreementState
from cordial_agreements.domain.debt import Debt, Debtor, DebtStatus
from cordial_agreements.domain.offers import Installment
from cordial_agreements.domain.standing import StandingKind, standing_of
from cordial_core.money import Money

TODAY = date(2024, 3, 10)


def _debt(status: DebtStatus = DebtStatus.IN_COLLECTION) -> Debt:
    debtor = Debtor("person", "52998224725", "Maria", "America/Sao_Paulo")
    placed = datetime(2024, 1, 5, tzinfo=UTC)
    return Debt("d1", "t1", "r1", "p1", debtor, Money(10_000, "BRL"), date(2024, 1, 2), "Banco", placed, status=status)


def _agreement(state: AgreementState = AgreementState.ACCEPTED) -> Agreement:
    installments = (
        Installment(1, date(2024, 3, 8), 4_000),
        Installment(2, date(2024, 4, 8), 3_000),
        Installment(3, date(2024, 5, 8), 3_000),
    )
    agreement = Agreement("a1", "t1", "p1", ("d1",), installments, grace_days=5)
    agreement.state = state
    return agreement


def test_no_agreement_leaves_the_debt_open() -> None:
    standing = standing_of(_debt(), None, TODAY)
    assert standing.kind == StandingKind.OPEN
    assert standing.detail == "no agreement holds the debt"


def test_a_proposed_agreement_does_not_stop_collection() -> None:
    standing = standing_of(_debt(), _agreement(AgreementState.PROPOSED), TODAY)
    assert standing.kind == StandingKind.OPEN
    assert "only proposed" in standing.detail


def test_accepted_before_the_debt_follows_is_in_agreement_with_the_next_installment() -> None:
    # The agreement is written first; the debt is still "in collection" at that moment.
    agreement = _agreement()
    agreement.receive(4_000)  # the down payment: installment 2 is next
    standing = standing_of(_debt(DebtStatus.IN_COLLECTION), agreement, TODAY)
    assert standing.kind == StandingKind.IN_AGREEMENT
    assert standing.next_installment == Installment(2, date(2024, 4, 8), 3_000)
    assert standing.detail == "agreement a1 accepted, in good standing; next installment 2 of 3 due 2024-04-08"


def test_an_installment_unpaid_past_the_grace_days_is_overdue_not_good_standing() -> None:
    agreement = _agreement()
    assert standing_of(_debt(), agreement, date(2024, 3, 13)).kind == StandingKind.IN_AGREEMENT  # 8 Mar + 5 days
    late = standing_of(_debt(), agreement, date(2024, 3, 14))
    assert late.kind == StandingKind.AGREEMENT_OVERDUE
    assert "installment 1 due 2024-03-08 is unpaid past 5 grace days" in late.detail


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (DebtStatus.SETTLED, StandingKind.SETTLED),
        (DebtStatus.RECALLED, StandingKind.RECALLED),
        (DebtStatus.WRITTEN_OFF, StandingKind.WRITTEN_OFF),
    ],
)
def test_a_closed_debt_is_closed_whatever_holds_it(status: DebtStatus, kind: StandingKind) -> None:
    standing = standing_of(_debt(status), _agreement(), TODAY)
    assert standing.kind == kind
    assert standing.detail.startswith(f"the debt is {status.value}")


def test_an_agreement_paid_in_full_settles_before_its_debts_follow() -> None:
    standing = standing_of(_debt(DebtStatus.IN_AGREEMENT), _agreement(AgreementState.SETTLED), TODAY)
    assert standing.kind == StandingKind.SETTLED


def test_a_debt_still_in_agreement_after_its_slot_was_released_stays_held() -> None:
    broken = standing_of(_debt(DebtStatus.IN_AGREEMENT), None, TODAY)
    assert broken.kind == StandingKind.IN_AGREEMENT
    assert broken.next_installment is None
    # Once the debt follows the broken agreement back to collection, it is open again.
    assert standing_of(_debt(DebtStatus.IN_COLLECTION), _agreement(AgreementState.BROKEN), TODAY).kind == "open"
