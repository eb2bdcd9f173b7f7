"""Balance as of a date: each case worked out by hand in its comment, rounding edges included."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cordial_agreements.domain.balance import (
    BalancePolicy,
    IndexTable,
    add_months,
    compute_balance,
    to_minor,
)
from cordial_core.errors import InvalidArgument

DUE = date(2024, 1, 10)
IPCA = IndexTable.parse("IPCA", {"2024-01": "1.0042", "2024-02": "1.0083"})


def balance(
    principal: int = 10_000,
    *,
    fee: int = 0,
    interest: int = 0,
    index: IndexTable | None = None,
    consumer: bool = True,
    payments: tuple[tuple[date, int], ...] = (),
    as_of: date = DUE,
    due: date = DUE,
) -> Any:
    policy = BalancePolicy(late_fee_bps=fee, monthly_interest_bps=interest, correction=index)
    return compute_balance(
        principal_minor=principal,
        currency="BRL",
        due_date=due,
        consumer=consumer,
        policy=policy,
        payments=list(payments),
        as_of=as_of,
    )


# (id, kwargs, (correction, late_fee, interest, paid, total, overpaid))
CASES: list[tuple[str, dict[str, Any], tuple[int, int, int, int, int, int]]] = [
    # No charges: the principal, whatever the date.
    ("no-policy", {"as_of": date(2024, 3, 10)}, (0, 0, 0, 0, 10_000, 0)),
    # On the due date nothing is late yet: no fee even with a 2% policy.
    ("on-due-date", {"fee": 200, "interest": 100}, (0, 0, 0, 0, 10_000, 0)),
    # One day late: fee 2% of 100.00 = 2.00; interest 10000 * 1% / 30 = 3.333.. -> 3.
    ("one-day-late", {"fee": 200, "interest": 100, "as_of": DUE + timedelta(days=1)}, (0, 200, 3, 0, 10_203, 0)),
    # A consumer's fee of 10% is capped at 2% (CDC art. 52 §1): 200.
    ("consumer-cap", {"fee": 1_000, "as_of": DUE + timedelta(days=1)}, (0, 200, 0, 0, 10_200, 0)),
    # A company pays the contracted 10%: 1000.
    ("b2b-no-cap", {"fee": 1_000, "consumer": False, "as_of": DUE + timedelta(days=1)}, (0, 1_000, 0, 0, 11_000, 0)),
    # 30 days at 1% a month: exactly 100.
    ("thirty-days", {"interest": 100, "as_of": DUE + timedelta(days=30)}, (0, 0, 100, 0, 10_100, 0)),
    # Rounding edges, half to even: 50 * 1% = 0.5 -> 0; 150 -> 1.5 -> 2; 250 -> 2.5 -> 2; 350 -> 3.5 -> 4.
    ("half-even-0.5", {"principal": 50, "interest": 100, "as_of": DUE + timedelta(days=30)}, (0, 0, 0, 0, 50, 0)),
    ("half-even-1.5", {"principal": 150, "interest": 100, "as_of": DUE + timedelta(days=30)}, (0, 0, 2, 0, 152, 0)),
    ("half-even-2.5", {"principal": 250, "interest": 100, "as_of": DUE + timedelta(days=30)}, (0, 0, 2, 0, 252, 0)),
    ("half-even-3.5", {"principal": 350, "interest": 100, "as_of": DUE + timedelta(days=30)}, (0, 0, 4, 0, 354, 0)),
    # Fee of 2% on 1.25 = 0.025 -> 0; on 75 = 1.5 -> 2.
    ("fee-rounds-down", {"principal": 125, "fee": 200, "as_of": DUE + timedelta(days=1)}, (0, 2, 0, 0, 127, 0)),
    ("fee-half-even", {"principal": 75, "fee": 200, "as_of": DUE + timedelta(days=1)}, (0, 2, 0, 0, 77, 0)),
    # Correction only per full month: a day short of the month, nothing.
    ("correction-not-yet", {"index": IPCA, "as_of": date(2024, 2, 9)}, (0, 0, 0, 0, 10_000, 0)),
    # One full month of IPCA Jan 0.42%: 42.
    ("correction-1-month", {"index": IPCA, "as_of": date(2024, 2, 10)}, (42, 0, 0, 0, 10_042, 0)),
    # Two months: 10000 * 1.0042 * 1.0083 = 10125.4486 -> 125.
    ("correction-2-months", {"index": IPCA, "as_of": date(2024, 3, 10)}, (125, 0, 0, 0, 10_125, 0)),
    # March is not published yet: still two months' worth.
    ("correction-unpublished", {"index": IPCA, "as_of": date(2024, 5, 10)}, (125, 0, 0, 0, 10_125, 0)),
    # Deflation never takes the principal below its nominal value.
    (
        "correction-deflation",
        {"index": IndexTable.parse("IPCA", {"2024-01": "0.9950"}), "as_of": date(2024, 2, 10)},
        (0, 0, 0, 0, 10_000, 0),
    ),
    # Interest on the corrected principal: 30 days at 3% on 100.00 = 300.00, then 2 days on 101.00 = 20.20.
    (
        "interest-on-corrected",
        {"index": IndexTable.parse("X", {"2024-01": "1.01"}), "interest": 300, "as_of": date(2024, 2, 11)},
        (100, 0, 320, 0, 10_420, 0),
    ),
    # A payment goes to the fee first (200) then principal (4800): 10000 + 200 - 5000 = 5200.
    (
        "payment-fee-first",
        {"fee": 200, "payments": ((DUE + timedelta(days=1), 5_000),), "as_of": date(2024, 3, 1)},
        (0, 200, 0, 5_000, 5_200, 0),
    ),
    # 30.00 at 1%: 15 days -> 15 interest; 10.00 paid = 0.15 interest + 9.85 principal; 15 more days on
    # 20.15 -> 10.075; interest 25.075 -> 25; total 3000 + 25 - 1000 = 2025.
    (
        "payment-interest-first",
        {"principal": 3_000, "interest": 100, "payments": ((date(2024, 1, 25), 1_000),), "as_of": date(2024, 2, 9)},
        (0, 0, 25, 1_000, 2_025, 0),
    ),
    # A payment after the as-of date does not count yet.
    ("payment-later", {"payments": ((date(2024, 2, 1), 4_000),), "as_of": date(2024, 1, 31)}, (0, 0, 0, 0, 10_000, 0)),
    # Paying before the due date stops everything from accruing.
    (
        "paid-early",
        {"fee": 200, "interest": 100, "payments": ((date(2024, 1, 1), 10_000),), "as_of": date(2024, 6, 1)},
        (0, 0, 0, 10_000, 0, 0),
    ),
    # More than owed: the balance is zero and the rest is a credit.
    (
        "overpaid",
        {"principal": 1_000, "payments": ((DUE, 1_500),), "as_of": date(2024, 2, 1)},
        (0, 0, 0, 1_500, 0, 500),
    ),
]


@pytest.mark.parametrize(("kwargs", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_balance_table(kwargs: dict[str, Any], expected: tuple[int, int, int, int, int, int]) -> None:
    b = balance(**kwargs)
    assert (b.correction, b.late_fee, b.interest, b.paid, b.total, b.overpaid) == expected
    assert b.total - b.overpaid == sum(amount for _, amount in b.lines())


def test_fee_is_on_what_was_late_on_the_first_late_day() -> None:
    # 40.00 paid in time, 60.00 late: fee 2% of 60.00 = 1.20.
    b = balance(fee=200, payments=((DUE, 4_000),), as_of=date(2024, 2, 1))
    assert (b.late_fee, b.total) == (120, 6_120)


def test_breakdown_explains_itself() -> None:
    b = balance(fee=200, interest=100, index=IPCA, as_of=date(2024, 2, 10))
    assert [name for name, _ in b.lines()] == ["principal", "monetary correction", "late fee", "late interest", "paid"]
    assert b.days_late == 31
    assert b.months_corrected == 1
    assert b.late_fee_bps == 200
    assert b.index_name == "IPCA"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.5", 0), ("1.5", 2), ("2.5", 2), ("-0.5", 0), ("-1.5", -2), ("0.4999", 0), ("0.5001", 1), ("7", 7)],
)
def test_to_minor_rounds_half_to_even(value: str, expected: int) -> None:
    assert to_minor(Decimal(value)) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 1, 31), 2, date(2024, 3, 31)),
        (date(2024, 11, 15), 3, date(2025, 2, 15)),
    ],
)
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_month_end_due_date_corrects_on_the_last_day_of_february() -> None:
    index = IndexTable.parse("IPCA", {"2024-01": "1.01"})
    due = date(2024, 1, 31)
    assert balance(index=index, due=due, as_of=date(2024, 2, 28)).correction == 0
    assert balance(index=index, due=due, as_of=date(2024, 2, 29)).correction == 100


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"late_fee_bps": -1}, "late_fee_bps"),
        ({"late_fee_bps": 10_001}, "late_fee_bps"),
        ({"monthly_interest_bps": 1_001}, "monthly_interest_bps"),
        ({"monthly_interest_bps": -5}, "monthly_interest_bps"),
    ],
)
def test_policy_out_of_range_names_the_field(kwargs: dict[str, int], field: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        BalancePolicy(**kwargs)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("factors", "field"),
    [
        ({"2024-13": "1.01"}, "correction.monthly_factors.2024-13"),
        ({"jan": "1.01"}, "correction.monthly_factors.jan"),
        ({"2024-01": 1.01}, "correction.monthly_factors.2024-01"),
        ({"2024-01": "abc"}, "correction.monthly_factors.2024-01"),
        ({"2024-01": "3"}, "correction.monthly_factors.2024-01"),
        ({"2024-01": "NaN"}, "correction.monthly_factors.2024-01"),
    ],
)
def test_index_table_refuses_bad_entries(factors: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        IndexTable.parse("IPCA", factors)
    assert caught.value.field == field


@settings(max_examples=200, deadline=None)
@given(
    principal=st.integers(min_value=0, max_value=10**10),
    fee=st.integers(min_value=0, max_value=10_000),
    interest=st.integers(min_value=0, max_value=1_000),
    factors=st.lists(st.decimals(min_value="0.9", max_value="1.1", places=4), min_size=0, max_size=14),
    consumer=st.booleans(),
    payments=st.lists(
        st.tuples(st.integers(min_value=-20, max_value=500), st.integers(min_value=1, max_value=10**10)), max_size=8
    ),
    days=st.integers(min_value=0, max_value=500),
)
def test_balance_never_negative_and_adds_up(
    principal: int,
    fee: int,
    interest: int,
    factors: list[Decimal],
    consumer: bool,
    payments: list[tuple[int, int]],
    days: int,
) -> None:
    months = {add_months(DUE, i).strftime("%Y-%m"): str(f) for i, f in enumerate(factors)}
    b = balance(
        principal,
        fee=fee,
        interest=interest,
        index=IndexTable.parse("X", months),
        consumer=consumer,
        payments=tuple((DUE + timedelta(days=d), a) for d, a in payments),
        as_of=DUE + timedelta(days=days),
    )
    assert b.total >= 0
    assert b.overpaid >= 0
    assert b.total == 0 or b.overpaid == 0
    assert min(b.correction, b.late_fee, b.interest) >= 0
    # Money is conserved: what is owed plus what was paid equals every line, to the cent.
    assert b.total - b.overpaid == b.principal + b.correction + b.late_fee + b.interest - b.paid
    if consumer:
        assert b.late_fee <= (principal * 200 + 9_999) // 10_000 + 1
