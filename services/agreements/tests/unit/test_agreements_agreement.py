"""Agreement states, one live agreement per debt, and payment allocation that conserves money."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cordial_agreements.domain.agreement import Agreement, AgreementState, one_live_per_debt, split_shares
from cordial_agreements.domain.balance import add_months
from cordial_agreements.domain.offers import Installment
from cordial_core.errors import FailedPrecondition, InvalidArgument


def agreement(amounts: tuple[int, ...] = (4_000, 3_000, 3_000), debts: tuple[str, ...] = ("d1", "d2")) -> Agreement:
    installments = tuple(Installment(i + 1, add_months(date(2024, 3, 4), i), a) for i, a in enumerate(amounts))
    return Agreement("a1", "t1", "p1", debts, installments, grace_days=5)


def test_lifecycle_proposed_accepted_active_settled() -> None:
    a = agreement()
    assert a.state == AgreementState.PROPOSED
    with pytest.raises(FailedPrecondition):
        a.receive(100)
    a.accept()
    assert a.receive(3_000) == {1: 3_000}
    assert a.state == AgreementState.ACCEPTED  # down payment not complete yet
    assert a.receive(2_000) == {1: 1_000, 2: 1_000}
    assert a.state == AgreementState.ACTIVE
    a.receive(5_500)
    assert a.state == AgreementState.SETTLED
    assert a.credit == 500


def test_broken_only_past_the_grace_days() -> None:
    a = agreement()
    a.accept()
    a.receive(4_000)
    assert a.check_overdue(date(2024, 4, 9)) is False  # due 4 Apr + 5 grace days
    assert a.check_overdue(date(2024, 4, 10)) is True
    assert a.state == AgreementState.BROKEN
    with pytest.raises(FailedPrecondition, match="broken"):
        a.receive(3_000)


def test_cancel_while_live_with_a_reason_once() -> None:
    a = agreement()
    a.accept()
    with pytest.raises(InvalidArgument) as caught:
        a.cancel("  ")
    assert caught.value.field == "reason"
    assert a.cancel("debtor asked") is True
    assert (a.state, a.cancel_reason) == (AgreementState.CANCELLED, "debtor asked")
    assert a.cancel("again") is False
    active = agreement()
    active.accept()
    active.receive(4_000)
    assert active.state == AgreementState.ACTIVE
    assert active.cancel("client recalled the contract") is True
    settled = agreement((100,))
    settled.accept()
    settled.receive(100)
    with pytest.raises(FailedPrecondition, match="settled"):
        settled.cancel("too late")


def test_one_live_agreement_per_debt() -> None:
    live = agreement(debts=("d1", "d2"))
    with pytest.raises(FailedPrecondition, match="d2"):
        one_live_per_debt([live], ("d2", "d3"))
    live.cancel("replaced")
    one_live_per_debt([live], ("d2", "d3"))


def test_debts_are_named_once() -> None:
    with pytest.raises(InvalidArgument) as caught:
        agreement(debts=("d1", "d1"))
    assert caught.value.field == "debt_ids"


@given(
    amounts=st.lists(st.integers(min_value=1, max_value=10**8), min_size=1, max_size=12),
    payments=st.lists(st.integers(min_value=1, max_value=10**8), max_size=20),
)
def test_allocation_conserves_money(amounts: list[int], payments: list[int]) -> None:
    a = agreement(tuple(amounts))
    a.accept()
    received = 0
    for amount in payments:
        if a.state == AgreementState.SETTLED:
            break
        allocation = a.receive(amount)
        received += amount
        assert sum(allocation.values()) <= amount
    assert sum(a.paid.values()) + a.credit == received
    assert all(0 <= a.paid.get(i.number, 0) <= i.amount_minor for i in a.installments)
    assert (a.state == AgreementState.SETTLED) == (sum(a.paid.values()) == a.total)


@pytest.mark.parametrize(
    ("total", "balances", "parts"),
    [
        (10_000, [5_000, 5_000], [5_000, 5_000]),
        (10_001, [5_000, 5_000], [5_001, 5_000]),  # the odd cent to the earlier debt on a tie
        (100, [1, 1, 1], [34, 33, 33]),
        (9_000, [2_000, 8_000], [1_800, 7_200]),
        (7, [0, 0], [7, 0]),
    ],
)
def test_shares_in_proportion_summing_exactly(total: int, balances: list[int], parts: list[int]) -> None:
    assert split_shares(total, balances) == parts


@given(total=st.integers(0, 10**10), balances=st.lists(st.integers(0, 10**9), min_size=1, max_size=8))
def test_shares_always_sum_to_the_total(total: int, balances: list[int]) -> None:
    parts = split_shares(total, balances)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)


def test_payment_splits_over_debts_in_order_up_to_each_share() -> None:
    a = agreement((4_000, 3_000, 3_000), debts=("d1", "d2"))
    a.shares = {"d1": 6_000, "d2": 4_000}
    assert a.to_debts(7_000) == {"d1": 6_000, "d2": 1_000}
    a.applied = {"d1": 6_000, "d2": 1_000}
    assert a.to_debts(3_500) == {"d2": 3_500}  # 500 beyond every share goes to the last debt
    a.applied = {"d1": 6_000, "d2": 4_000}
    assert a.to_debts(100, closed=frozenset({"d2"})) == {"d1": 100}  # ...the last one still open
    assert agreement(debts=("d1",)).shares == {"d1": 10_000}
