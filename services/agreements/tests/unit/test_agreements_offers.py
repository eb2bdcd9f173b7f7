"""Negotiation policy, offer menu and installments: exact sums, business days, explainable lines."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cordial_agreements.domain.balance import Breakdown
from cordial_agreements.domain.offers import (
    DiscountBand,
    NegotiationPolicy,
    combined,
    menu,
    next_business_day,
    split,
)
from cordial_core.errors import InvalidArgument


def breakdown(**changes: Any) -> Breakdown:
    values: dict[str, Any] = dict(
        as_of=date(2024, 3, 4),
        currency="BRL",
        principal=100_000,
        correction=1_000,
        late_fee=2_000,
        interest=5_000,
        paid=0,
        total=108_000,
        overpaid=0,
        days_late=200,
        months_corrected=6,
        late_fee_bps=200,
        monthly_interest_bps=100,
        index_name="IPCA",
    )
    values.update(changes)
    return Breakdown(**values)


POLICY = NegotiationPolicy(
    bands=(DiscountBand(0, 5_000, 2_000), DiscountBand(180, 10_000, 10_000, 1_000)),
    min_down_payment_bps=2_000,
    max_installments=6,
    min_installment_minor=5_000,
    offer_validity_days=5,
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 3, 4), date(2024, 3, 4)),  # a Monday
        (date(2024, 3, 9), date(2024, 3, 11)),  # Saturday -> Monday
        (date(2024, 11, 15), date(2024, 11, 18)),  # Proclamação da República (a Friday) -> Monday
        (date(2024, 11, 20), date(2024, 11, 21)),  # Consciência Negra, national since 2024
        (date(2024, 12, 25), date(2024, 12, 26)),  # Natal
        (date(2025, 4, 18), date(2025, 4, 22)),  # Sexta-feira Santa, weekend, Tiradentes (21 Apr) -> Tuesday
        (date(2024, 12, 31), date(2024, 12, 31)),  # a Tuesday, 1 Jan is the next holiday
    ],
)
def test_next_business_day(day: date, expected: date) -> None:
    assert next_business_day(day) == expected


@pytest.mark.parametrize(
    ("total", "count", "down", "expected"),
    [
        (10_000, 3, 0, [3_334, 3_333, 3_333]),  # remainder 1 cent on the first
        (10_001, 3, 0, [3_335, 3_333, 3_333]),
        (10_000, 1, 0, [10_000]),
        (10_000, 4, 4_000, [4_000, 2_000, 2_000, 2_000]),  # down payment above the equal share
        (10_000, 3, 4_001, [4_002, 2_999, 2_999]),  # rest split equally, its remainder on the first
        (2, 3, 0, [2, 0, 0]),
    ],
)
def test_split_places_remainder_on_the_first(total: int, count: int, down: int, expected: list[int]) -> None:
    assert split(total, count, down) == expected


def test_menu_full_payment_gets_the_best_discount_and_explains_it() -> None:
    offers = menu(POLICY, breakdown(), date(2024, 3, 4))
    assert [o.id for o in offers] == ["full", "installments-3", "installments-6"]
    full = offers[0]
    assert dict(full.lines) == {
        "principal and correction": 101_000,
        "late fee": 2_000,
        "late interest": 5_000,
        "discount on late fee": -2_000,
        "discount on interest": -5_000,
        "discount on principal": -10_100,
        "already paid": 0,
    }
    assert full.total_minor == 90_900 == sum(amount for _, amount in full.lines)
    assert full.valid_until == date(2024, 3, 9)
    six = offers[2]
    assert six.total_minor == 101_000  # fees and interest waived, principal never discounted in installments
    assert [i.amount_minor for i in six.installments] == [20_200, 16_160, 16_160, 16_160, 16_160, 16_160]
    assert [i.due_date for i in six.installments] == [
        date(2024, 3, 4),
        date(2024, 4, 4),
        date(2024, 5, 6),  # 4 May 2024 is a Saturday
        date(2024, 6, 4),
        date(2024, 7, 4),
        date(2024, 8, 5),  # 4 Aug 2024 is a Sunday
    ]


def test_menu_uses_the_band_of_the_days_past_due() -> None:
    full = menu(POLICY, breakdown(days_late=30), date(2024, 3, 4))[0]
    assert dict(full.lines)["discount on late fee"] == -1_000
    assert dict(full.lines)["discount on interest"] == -1_000
    assert dict(full.lines)["discount on principal"] == 0


def test_installment_plans_below_the_minimum_installment_are_left_out() -> None:
    offers = menu(POLICY, breakdown(principal=12_000, correction=0, total=19_000), date(2024, 3, 4))
    assert [o.id for o in offers] == ["full"]  # 120.00 in 3 is 40.00 each, under the 50.00 minimum


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"bands": ()}, "bands"),
        ({"bands": (DiscountBand(30),)}, "bands[0].min_days_past_due"),
        ({"bands": (DiscountBand(0), DiscountBand(0))}, "bands[1].min_days_past_due"),
        ({"bands": (DiscountBand(0, 10_001),)}, "bands[0].fees_discount_bps"),
        ({"bands": (DiscountBand(0, 5_000, 10_000, 100),)}, "bands[0].principal_discount_bps"),
        ({"max_installments": 0}, "max_installments"),
        ({"max_installments": 12, "min_down_payment_bps": 10_000}, "min_down_payment_bps"),
        ({"offer_validity_days": 0}, "offer_validity_days"),
        ({"min_installment_minor": -1}, "min_installment_minor"),
        ({"max_renegotiations": 13}, "max_renegotiations"),
        ({"renegotiation_down_payment_bps": 10_001}, "renegotiation_down_payment_bps"),
        ({"min_down_payment_bps": 3_000, "renegotiation_down_payment_bps": 2_000}, "renegotiation_down_payment_bps"),
    ],
)
def test_contradictory_policy_is_refused_naming_the_field(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        NegotiationPolicy(**kwargs)
    assert caught.value.field == field


@given(
    total=st.integers(min_value=0, max_value=10**12),
    count=st.integers(min_value=1, max_value=120),
    down_bps=st.integers(min_value=0, max_value=10_000),
)
def test_installments_always_sum_to_the_total(total: int, count: int, down_bps: int) -> None:
    down = -(-total * down_bps // 10_000)
    amounts = split(total, count, down)
    assert sum(amounts) == total
    assert len(amounts) == count
    assert min(amounts) >= 0
    assert amounts[0] >= down or count == 1
    assert len(set(amounts[1:])) <= 1


@given(
    principal=st.integers(min_value=1, max_value=10**9),
    fee=st.integers(min_value=0, max_value=10**7),
    interest=st.integers(min_value=0, max_value=10**8),
    paid=st.integers(min_value=0, max_value=10**9),
    days=st.integers(min_value=0, max_value=2_000),
)
def test_every_offer_adds_up_line_by_line(principal: int, fee: int, interest: int, paid: int, days: int) -> None:
    b = breakdown(principal=principal, correction=0, late_fee=fee, interest=interest, paid=paid, days_late=days)
    for offer in menu(POLICY, b, date(2024, 3, 4)):
        assert offer.total_minor == max(sum(amount for _, amount in offer.lines), 0)
        assert sum(i.amount_minor for i in offer.installments) == offer.total_minor
        assert offer.total_minor <= max(principal + fee + interest - paid, 0)


def test_strategy_narrows_or_widens_plans_within_the_policy() -> None:
    wide = NegotiationPolicy(max_installments=24, min_down_payment_bps=0, min_installment_minor=1)
    kinds = [o.id for o in menu(wide, breakdown(), date(2024, 3, 4), (2, 18, 24, 36))]
    assert kinds == ["full", "installments-2", "installments-18", "installments-24"]  # 36 is over the policy
    assert [o.id for o in menu(wide, breakdown(), date(2024, 3, 4), (6,))] == ["full", "installments-6"]
    assert [o.id for o in menu(wide, breakdown(), date(2024, 3, 4))][1:] == [
        "installments-3",
        "installments-6",
        "installments-12",
    ]
    with pytest.raises(InvalidArgument) as raised:
        menu(wide, breakdown(), date(2024, 3, 4), (3, 1))
    assert raised.value.field == "installment_counts[1]"


def test_after_a_break_plans_need_the_renegotiation_down_payment() -> None:
    policy = NegotiationPolicy(max_installments=6, min_down_payment_bps=1_000, renegotiation_down_payment_bps=4_000)
    first = menu(policy, breakdown(), date(2024, 3, 4))
    again = menu(policy, breakdown(), date(2024, 3, 4), renegotiation=True)
    assert [o.id for o in again] == [o.id for o in first]
    plan = again[1]
    assert plan.installments[0].amount_minor * 10_000 >= 4_000 * plan.total_minor
    assert first[1].installments[0].amount_minor * 10_000 < 4_000 * first[1].total_minor
    in_full_only = NegotiationPolicy(max_installments=6, renegotiation_down_payment_bps=10_000)
    assert [o.id for o in menu(in_full_only, breakdown(), date(2024, 3, 4), renegotiation=True)] == ["full"]
    assert NegotiationPolicy(min_down_payment_bps=2_000).down_payment_bps(renegotiation=True) == 2_000


def test_balances_of_several_debts_combine_line_by_line_with_the_oldest_debts_days() -> None:
    whole = combined([breakdown(days_late=40, paid=1_000, total=107_000), breakdown(days_late=200)])
    assert (whole.principal, whole.late_fee, whole.interest, whole.paid) == (200_000, 4_000, 10_000, 1_000)
    assert (whole.total, whole.days_late) == (215_000, 200)
    assert combined([breakdown()]) == breakdown()
