"""The strategy's offer set in the menu: its down payment and discounts, within the policy, explained."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cordial_agreements.domain.balance import Breakdown
from cordial_agreements.domain.offers import DiscountBand, NegotiationPolicy, OfferTerms, menu
from cordial_core.errors import InvalidArgument

TODAY = date(2024, 3, 4)
# 40 days late: the first band (fees 50%, interest 20%, no principal discount); from 180 days more.
POLICY = NegotiationPolicy(
    bands=(DiscountBand(0, 5_000, 2_000), DiscountBand(180, 10_000, 10_000, 1_000)),
    min_down_payment_bps=2_000,
    max_installments=6,
    offer_validity_days=5,
)


def breakdown(days_late: int = 40, **changes: Any) -> Breakdown:
    values: dict[str, Any] = dict(
        as_of=TODAY,
        currency="BRL",
        principal=100_000,
        correction=0,
        late_fee=2_000,
        interest=5_000,
        paid=0,
        total=107_000,
        overpaid=0,
        days_late=days_late,
        months_corrected=0,
        late_fee_bps=200,
        monthly_interest_bps=100,
        index_name="IPCA",
    )
    return Breakdown(**{**values, **changes})


def by_id(terms: OfferTerms | None, days_late: int = 40) -> dict[str, Any]:
    return {o.id: o for o in menu(POLICY, breakdown(days_late), TODAY, (3,), terms=terms)}


def test_without_terms_the_menu_is_the_policys() -> None:
    offers = by_id(None)
    assert dict(offers["full"].lines)["discount on late fee"] == -1_000  # the band's 50%
    assert offers["installments-3"].installments[0].amount_minor == 35_000  # equal thirds above the 20% minimum
    assert offers["full"].terms == ()
    assert by_id(OfferTerms("named")) == offers  # a set asking nothing changes nothing


def test_a_larger_down_payment_is_applied_and_explained() -> None:
    offers = by_id(OfferTerms("firm", down_payment_bps=5_000))
    plan = offers["installments-3"]
    assert plan.total_minor == 105_000  # 107,000 less the band's 1,000 off the late fee and 1,000 off interest
    assert [i.amount_minor for i in plan.installments] == [52_500, 26_250, 26_250]
    assert plan.terms == ("down payment 5000 bps: offer set firm asked it (the policy's minimum is 2000)",)
    assert offers["full"].terms == ()  # paying in full has no down payment


def test_a_down_payment_under_the_policys_minimum_keeps_the_minimum() -> None:
    plan = by_id(OfferTerms("soft", down_payment_bps=500))["installments-3"]
    assert plan.installments[0].amount_minor == 35_000  # the equal share is above 20%: the minimum holds
    assert "asked 500, the policy's minimum holds" in plan.terms[0]
    assert plan.terms[0].startswith("down payment 2000 bps")


def test_a_full_down_payment_leaves_only_paying_in_full() -> None:
    assert list(by_id(OfferTerms("all-now", down_payment_bps=10_000))) == ["full"]


def test_discounts_are_the_sets_at_most_the_debts_band_line_by_line() -> None:
    terms = OfferTerms("early", fees_discount_bps=2_500, interest_discount_bps=9_000, principal_discount_bps=500)
    offers = by_id(terms)
    full = offers["full"]
    lines = dict(full.lines)
    assert lines["discount on late fee"] == -500  # 25% of 2,000: the set's, under the band's 50%
    assert lines["discount on interest"] == -1_000  # the set asked 90%: capped at the band's 20%
    assert lines["discount on principal"] == 0  # the band allows no principal discount at 40 days
    assert full.total_minor == 105_500 == sum(amount for _, amount in full.lines)
    assert full.terms == (
        "discount on late fee 2500 bps: offer set early asked 2500 (the band allows 5000)",
        "discount on interest 2000 bps: offer set early asked 9000, capped at the band's 2000",
        "discount on principal 0 bps: offer set early asked 500, capped at the band's 0",
    )
    plan = offers["installments-3"]
    assert dict(plan.lines)["discount on principal"] == 0
    assert all("principal" not in line for line in plan.terms)  # a plan never discounts the principal
    late = by_id(terms, days_late=200)["full"]  # the later band allows 10% off principal: the set's 5% applies
    assert dict(late.lines)["discount on principal"] == -5_000


def test_no_discount_when_the_set_offers_none() -> None:
    full = by_id(OfferTerms("pay-now", fees_discount_bps=0, interest_discount_bps=0, principal_discount_bps=0))["full"]
    assert full.total_minor == 107_000


@pytest.mark.parametrize("name", ["down_payment_bps", "fees_discount_bps"])
def test_terms_out_of_range_are_refused_naming_the_field(name: str) -> None:
    with pytest.raises(InvalidArgument) as error:
        OfferTerms("x", **{name: 10_001})
    assert error.value.field == f"terms.{name}"
