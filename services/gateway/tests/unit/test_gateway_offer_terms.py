"""The gateway passes the step's offer-set terms from strategy to agreements: set ones only, 0 included."""

from __future__ import annotations

from cordial.strategy.v1 import strategy_service_pb2 as spb
from cordial_gateway.adapters.offer_sets import terms_of


def test_terms_the_set_asks_for_travel_and_unset_ones_stay_unset() -> None:
    reply = spb.GetOfferSetResponse(installment_counts=[3], offer_set="firm", down_payment_bps=5_000)
    reply.interest_discount_bps = 0  # asked for none: not the same as unset
    terms = terms_of(reply)
    assert terms is not None
    assert terms.offer_set == "firm"
    assert (terms.down_payment_bps, terms.interest_discount_bps) == (5_000, 0)
    assert terms.HasField("interest_discount_bps")
    assert not terms.HasField("fees_discount_bps")


def test_a_named_set_asks_for_no_terms() -> None:
    assert terms_of(spb.GetOfferSetResponse(installment_counts=[2, 4], offer_set="2,4")) is None
