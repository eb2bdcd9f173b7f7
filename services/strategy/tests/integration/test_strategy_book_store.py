"""Strategy versions and activations on real FerretDB: numbering, round trip, activation, assignment."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from cordial_core.clock import ControllableClock
from cordial_core.errors import InvalidArgument
from cordial_core.store import TenantCollection
from cordial_strategy.adapters.strategies import StrategyRepository
from cordial_strategy.domain.book import AGENCY, Share, StrategyBook
from cordial_strategy.domain.escalation import EscalationConditions
from cordial_strategy.domain.offers import DiscountBand, NegotiationLimits
from cordial_strategy.domain.strategies import OfferSet, SegmentRule, StepSpec, Strategy

STRATEGY = Strategy(
    segments=[SegmentRule("company", company=True, min_balance_minor=100_000), SegmentRule("everyone")],
    paths={
        "company": [StepSpec("formal", ("email",), "reminder", day_offset=0, tone="formal", offer_set="b2b")],
        "everyone": [StepSpec("remind", ("whatsapp", "sms"), "reminder", on_event="debt.placed")],
    },
    escalation=["prior_notice", "bureau_inscription"],
    name="retail 2024",
    offer_sets=[OfferSet("b2b", (2, 4), down_payment_bps=3_000, fees_discount_bps=5_000), OfferSet("hardship", (12,))],
    escalation_conditions=EscalationConditions(50_000, 90, client_opted_in=True),
    hardship_offer_set="hardship",
)


class Policies:
    """The client's negotiation policy as agreements would answer."""

    async def limits(self, tenant: str) -> NegotiationLimits:
        return NegotiationLimits(12, 1_000, (DiscountBand(0, 5_000, 5_000),), configured=True)


async def test_versions_round_trip_and_activation_assigns(mongo_db: AsyncDatabase[dict[str, Any]]) -> None:
    store = StrategyRepository(TenantCollection(mongo_db["strategies"]), TenantCollection(mongo_db["activations"]))
    clock = ControllableClock(datetime(2024, 3, 5, 13, tzinfo=UTC))
    book = StrategyBook(store, clock, frozenset({"reminder"}), Policies())
    first = await book.save("t1", STRATEGY)
    second = await book.save("t1", STRATEGY)
    await book.save(AGENCY, STRATEGY)
    assert (first.version, second.version) == (1, 2)
    with pytest.raises(InvalidArgument) as error:
        await book.save("t1", Strategy([SegmentRule("x", max_days=3)], {"x": []}))
    assert error.value.field == "segments"
    versions, active = await book.versions("t1")
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].strategy == STRATEGY
    assert active is None
    # No client split yet: the agency default applies; then the client's own split, twice (replaced).
    await book.activate(AGENCY, [Share(1, 100)])
    assigned = await book.assign("t1", "p1")
    assert assigned is not None
    assert (assigned.scope, assigned.version) == (AGENCY, 1)
    await book.activate("t1", [Share(1, 100)])
    await book.activate("t1", [Share(2, 50), Share(1, 50)])
    _, active = await book.versions("t1")
    assert active is not None
    assert active.shares == (Share(2, 50), Share(1, 50))
    assigned = await book.assign("t1", "p1")
    assert assigned is not None
    assert assigned.scope == "t1"
    assert assigned.strategy == STRATEGY
    # Another tenant sees none of t1's versions.
    assert (await book.versions("t2"))[0] == []
