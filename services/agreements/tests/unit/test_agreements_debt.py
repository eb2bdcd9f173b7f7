"""Debt: payments, settlement and the rules of placement."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cordial_agreements.domain.balance import BalancePolicy
from cordial_agreements.domain.debt import Debt, Debtor, DebtStatus, Payment, validate_placement
from cordial_core.errors import FailedPrecondition, InvalidArgument
from cordial_core.money import Money

NO_CHARGES = BalancePolicy()

NOW = datetime(2024, 3, 4, 12, 0, tzinfo=UTC)


def debt(principal: int = 10_000, currency: str = "BRL") -> Debt:
    return Debt(
        id="d1",
        tenant="t1",
        client_reference="ref-1",
        debtor_id="p1",
        debtor=Debtor("person", "52998224725", "Maria", "America/Sao_Paulo"),
        principal=Money(principal, currency),
        due_date=date(2024, 1, 10),
        creditor_name="Loja",
        placed_at=NOW,
    )


def owed(d: Debt) -> Money:
    return Money(d.breakdown(NO_CHARGES, date(2024, 6, 1)).total, d.principal.currency)


def payment(amount: int, currency: str = "BRL", ref: str = "pay-1", at: datetime = NOW) -> Payment:
    return Payment(f"id-{ref}", ref, Money(amount, currency), "client", at)


def test_new_debt_owes_its_principal() -> None:
    d = debt()
    assert d.status == DebtStatus.PLACED
    assert d.paid == Money(0, "BRL")
    assert owed(d) == Money(10_000, "BRL")


def test_partial_payment_reduces_balance() -> None:
    d = debt()
    assert d.receive(payment(3_000), NO_CHARGES) is False
    assert d.paid == Money(3_000, "BRL")
    assert owed(d) == Money(7_000, "BRL")
    assert d.status == DebtStatus.PLACED
    assert d.settled_at is None


def test_exact_payment_settles() -> None:
    d = debt()
    d.receive(payment(4_000, ref="a"), NO_CHARGES)
    later = NOW + timedelta(days=2)
    assert d.receive(payment(6_000, ref="b", at=later), NO_CHARGES) is True
    assert owed(d) == Money(0, "BRL")
    assert d.paid == Money(10_000, "BRL")
    assert d.status == DebtStatus.SETTLED
    assert d.settled_at == later


def test_over_payment_keeps_balance_at_zero_and_settles() -> None:
    d = debt()
    assert d.receive(payment(12_500), NO_CHARGES) is True
    assert owed(d) == Money(0, "BRL")
    assert d.paid == Money(12_500, "BRL")
    assert d.status == DebtStatus.SETTLED


def test_currency_mismatch_names_the_field() -> None:
    d = debt()
    with pytest.raises(InvalidArgument) as caught:
        d.receive(payment(1_000, currency="USD"), NO_CHARGES)
    assert caught.value.field == "amount.currency"
    assert "USD" in caught.value.message
    assert d.payments == []


@pytest.mark.parametrize("amount", [0, -1, -10_000])
def test_non_positive_payment_is_refused(amount: int) -> None:
    d = debt()
    with pytest.raises(InvalidArgument) as caught:
        d.receive(payment(amount), NO_CHARGES)
    assert caught.value.field == "amount.amount_minor"
    assert d.payments == []
    assert owed(d) == Money(10_000, "BRL")


@pytest.mark.parametrize("status", [DebtStatus.SETTLED, DebtStatus.RECALLED, DebtStatus.WRITTEN_OFF])
def test_payment_on_closed_debt_is_refused(status: DebtStatus) -> None:
    d = debt()
    d.status = status
    with pytest.raises(FailedPrecondition):
        d.receive(payment(100), NO_CHARGES)
    assert d.payments == []


def test_payment_after_settlement_is_refused() -> None:
    d = debt()
    d.receive(payment(10_000, ref="a"), NO_CHARGES)
    with pytest.raises(FailedPrecondition, match="settled"):
        d.receive(payment(1, ref="b"), NO_CHARGES)
    assert d.paid == Money(10_000, "BRL")


def test_payment_by_reference() -> None:
    d = debt()
    first = payment(100, ref="a")
    d.receive(first, NO_CHARGES)
    assert d.payment_by_reference("a") == first
    assert d.payment_by_reference("b") is None


def test_validate_placement_accepts_past_and_today() -> None:
    validate_placement(Money(1, "BRL"), date(2024, 3, 4), date(2024, 3, 4))
    validate_placement(Money(1, "BRL"), date(2020, 1, 1), date(2024, 3, 4))


@pytest.mark.parametrize("amount", [0, -5])
def test_validate_placement_refuses_non_positive_principal(amount: int) -> None:
    with pytest.raises(InvalidArgument) as caught:
        validate_placement(Money(amount, "BRL"), date(2024, 1, 1), date(2024, 3, 4))
    assert caught.value.field == "principal.amount_minor"


def test_validate_placement_refuses_future_due_date() -> None:
    with pytest.raises(InvalidArgument) as caught:
        validate_placement(Money(1, "BRL"), date(2024, 3, 5), date(2024, 3, 4))
    assert caught.value.field == "due_date"


@given(
    principal=st.integers(min_value=1, max_value=10**9),
    payments=st.lists(st.integers(min_value=1, max_value=10**9), max_size=20),
)
def test_receive_conserves_money(principal: int, payments: list[int]) -> None:
    d = debt(principal)
    paid = 0
    for i, amount in enumerate(payments):
        if paid >= principal:
            with pytest.raises(FailedPrecondition):
                d.receive(payment(amount, ref=str(i)), NO_CHARGES)
            continue
        settled = d.receive(payment(amount, ref=str(i)), NO_CHARGES)
        paid += amount
        assert settled == (paid >= principal)
    assert d.paid.amount_minor == paid
    assert owed(d).amount_minor == max(principal - paid, 0)
    assert (d.status == DebtStatus.SETTLED) == (paid >= principal)
