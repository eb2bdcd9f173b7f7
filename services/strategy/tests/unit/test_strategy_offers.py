"""Offer sets against the client's negotiation policy at their edges; agreement history in the profile."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cordial_core.clock import ControllableClock
from cordial_core.errors import FailedPrecondition, InvalidArgument
from cordial_strategy.domain.book import AGENCY, StrategyBook, StrategyVersion
from cordial_strategy.domain.debtor import DebtorState
from cordial_strategy.domain.offers import DiscountBand, NegotiationLimits, gentler, offer_set_errors
from cordial_strategy.domain.profile import build_profile
from cordial_strategy.domain.strategies import OfferSet, Profile, SegmentRule, StepSpec, Strategy, assign

NOW = datetime(2024, 3, 5, 13, 0, tzinfo=UTC)
POLICY = NegotiationLimits(12, 2_000, (DiscountBand(0, 2_000, 2_000), DiscountBand(90, 10_000, 10_000, 1_500)), True)


def _fields(offer_set: OfferSet, limits: NegotiationLimits = POLICY) -> list[str]:
    return [e.field or "" for e in offer_set_errors(offer_set, "offer_sets[0]", limits)]


@pytest.mark.parametrize(
    ("offer_set", "fields"),
    [
        (OfferSet("ok", (2, 12), 2_000, 10_000, 10_000, 1_500), []),  # every limit exactly
        (OfferSet("long", (6, 13)), ["offer_sets[0].installment_counts[1]"]),  # one over the maximum
        (OfferSet("odd", (1,)), ["offer_sets[0].installment_counts[0]"]),  # not a plan
        (OfferSet("low-down", (3,), down_payment_bps=1_999), ["offer_sets[0].down_payment_bps"]),
        (OfferSet("fees", fees_discount_bps=10_001), ["offer_sets[0].fees_discount_bps"]),
        (OfferSet("principal", principal_discount_bps=1_501), ["offer_sets[0].principal_discount_bps"]),
    ],
)
def test_offer_sets_outside_the_policy_are_refused_naming_the_field(offer_set: OfferSet, fields: list[str]) -> None:
    assert _fields(offer_set) == fields


def test_errors_say_the_asked_value_and_the_limit() -> None:
    (error,) = offer_set_errors(OfferSet("long", (13,)), "offer_sets[2]", POLICY)
    assert str(error) == "13 installments is over the client's maximum of 12"
    assert error.field == "offer_sets[2].installment_counts[0]"
    # The default policy (nothing configured): pay in full only.
    assert _fields(OfferSet("any", (2,)), NegotiationLimits()) == ["offer_sets[0].installment_counts[0]"]


def test_the_gentler_set_has_longer_plans_and_no_extra_down_payment() -> None:
    soft = gentler(OfferSet("std", (3, 6), down_payment_bps=3_000))
    assert (soft.name, soft.installment_counts, soft.down_payment_bps) == ("std-hardship", (3, 6, 12), None)
    assert gentler(None).installment_counts == (3, 6, 12, 24)
    assert gentler(OfferSet("max", (48,))).installment_counts == (48, 60)  # agreements' longest plan


class Policies:
    def __init__(self, limits: NegotiationLimits) -> None:
        self.limits_of = limits
        self.asked: list[str] = []

    async def limits(self, tenant: str) -> NegotiationLimits:
        self.asked.append(tenant)
        return self.limits_of


class Store:
    async def add(self, version: StrategyVersion) -> bool:
        return True

    async def latest_version(self, scope: str) -> int:
        return 0


def strategy(offer_set: OfferSet) -> Strategy:
    step = StepSpec("hello", ("sms",), "reminder", day_offset=0, offer_set=offer_set.name)
    return Strategy([SegmentRule("all")], {"all": [step]}, offer_sets=[offer_set])


async def test_saving_checks_offer_sets_against_the_clients_policy() -> None:
    policies = Policies(POLICY)
    book = StrategyBook(Store(), ControllableClock(NOW), frozenset({"reminder"}), policies)  # type: ignore[arg-type]
    saved = await book.save("t1", strategy(OfferSet("ok", (12,))))
    assert saved.version == 1
    with pytest.raises(InvalidArgument) as error:
        await book.save("t1", strategy(OfferSet("long", (24,))))
    assert error.value.field == "offer_sets[0].installment_counts[0]"
    assert policies.asked == ["t1", "t1"]
    unknown = Strategy([SegmentRule("all")], {"all": [StepSpec("x", ("sms",), "reminder", 0, offer_set="nope")]})
    assert [p.field for p in await book.problems("t1", unknown)] == ["paths.all[0].offer_set"]
    # The agency default with no policy of its own: each client's policy bounds its menus.
    unconfigured = StrategyBook(Store(), ControllableClock(NOW), frozenset({"reminder"}), Policies(NegotiationLimits()))  # type: ignore[arg-type]
    assert await unconfigured.problems(AGENCY, strategy(OfferSet("long", (24,)))) == []
    assert await unconfigured.problems("t1", strategy(OfferSet("long", (24,)))) != []
    with pytest.raises(FailedPrecondition):
        await StrategyBook(Store(), ControllableClock(NOW), frozenset({"reminder"})).save("t1", strategy(OfferSet("a")))  # type: ignore[arg-type]


def test_agreement_history_feeds_the_profile_and_its_segments() -> None:
    debtor = DebtorState("p1")
    debtor.agreement("a1", "active")
    debtor.agreement("a1", "kept")
    debtor.agreement("a1", "broken")  # a kept agreement stays kept
    debtor.agreement("a2", "broken")
    debtor.agreement("a3", "broken")
    profile = build_profile(debtor, NOW, False)
    assert (profile.agreements_kept, profile.agreements_broken) == (1, 2)
    rules = [SegmentRule("chronic", min_broken=2), SegmentRule("good", min_kept=1, max_broken=0), SegmentRule("all")]
    assert assign(profile, rules) == ("chronic", 0)
    assert assign(Profile(0, 0, agreements_kept=1, agreements_broken=1), rules) == ("all", 2)
    assert assign(Profile(0, 0, agreements_kept=1), rules) == ("good", 1)
