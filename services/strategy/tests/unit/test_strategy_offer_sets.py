"""Offer sets: a step's set parsed and validated, and the set of the step a debt is on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cordial_strategy.domain.book import Assignment
from cordial_strategy.domain.decision import Decision
from cordial_strategy.domain.offer_plans import counts
from cordial_strategy.domain.offer_sets import OfferSet, OfferSets
from cordial_strategy.domain.ruler import ActionRecord, Case
from cordial_strategy.domain.strategies import OfferSet as DocumentOfferSet
from cordial_strategy.domain.strategies import SegmentRule, StepSpec, Strategy, resolve_offer_set, validate
from cordial_strategy.domain.treatment import step_of

T0 = datetime(2026, 3, 3, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("offer_set", "plans"),
    [("", ()), ("standard", ()), ("short", (2, 3)), ("4, 2,4", (2, 4)), ("hardship", (6, 12, 18, 24))],
)
def test_an_offer_set_names_plans(offer_set: str, plans: tuple[int, ...]) -> None:
    assert counts(offer_set) == plans


@pytest.mark.parametrize("offer_set", ["gold", "1,3", "3,61", "3;6"])
def test_a_bad_offer_set_is_refused_naming_the_step(offer_set: str) -> None:
    strategy = Strategy(
        segments=[SegmentRule("all")],
        paths={"all": [StepSpec("first", ("sms",), "reminder", day_offset=0, offer_set=offer_set)]},
    )
    [problem] = validate(strategy, frozenset({"reminder"}), frozenset({"sms"}))
    assert problem.field == "paths.all[0].offer_set"


class FakeCases:
    def __init__(self, case: Case | None) -> None:
        self.case = case

    async def load(self, tenant: str, debt_id: str) -> Case | None:
        return self.case if self.case and (tenant, debt_id) == (self.case.tenant, self.case.debt_id) else None


class FakeBook:
    def __init__(self, strategy: Strategy) -> None:
        self.strategy = strategy

    async def pinned(self, scope: str, version: int, variant: str) -> Assignment:
        return Assignment(scope, version, variant, self.strategy)


STRATEGY = Strategy(
    segments=[SegmentRule("all")],
    paths={
        "all": [
            StepSpec("reminder", ("sms",), "reminder", day_offset=0),
            StepSpec("hardship", ("whatsapp",), "reminder", day_offset=10, offer_set="hardship"),
            StepSpec("last", ("email",), "reminder", day_offset=30, offer_set="2,4"),
        ]
    },
)


def _record(step: str, at: datetime) -> ActionRecord:
    return ActionRecord(f"a-{step}", step, (), "requested", Decision(True, "ok", "", at, "America/Sao_Paulo"))


async def test_the_set_of_the_latest_actions_step_applies() -> None:
    case = Case("d1", "t1", "p1", strategy_scope="t1", strategy_version=1, variant="champion", segment="all")
    sets = OfferSets(FakeCases(case), FakeBook(STRATEGY))  # type: ignore[arg-type]
    assert await sets.for_debt("t1", "d1") == OfferSet(step="reminder")  # before any action: the first step
    case.actions["reminder"] = _record("reminder", T0)
    case.actions["hardship"] = _record("hardship", T0 + timedelta(days=10))
    assert await sets.for_debt("t1", "d1") == OfferSet((6, 12, 18, 24), "hardship", "hardship")
    case.actions["last"] = _record("last", T0 + timedelta(days=30))
    assert await sets.for_debt("t1", "d1") == OfferSet((2, 4), "last", "2,4")
    assert await sets.for_debt("t2", "d1") == OfferSet()  # another tenant's debt is unknown here


async def test_a_debt_without_a_strategy_gets_the_standard_menu() -> None:
    case = Case("d1", "t1", "p1")
    assert await OfferSets(FakeCases(case), FakeBook(STRATEGY)).for_debt("t1", "d1") == OfferSet()  # type: ignore[arg-type]


# The strategy document's own offer sets and the named sets are one notion to a step: its own first.
OWN = Strategy(
    segments=[SegmentRule("all")],
    paths={
        "all": [
            StepSpec("first", ("sms",), "reminder", day_offset=0, offer_set="short"),
            StepSpec("second", ("sms",), "reminder", day_offset=5, offer_set="b2b"),
        ]
    },
    offer_sets=[DocumentOfferSet("short", (4, 8), down_payment_bps=2_000)],
    hardship_offer_set="hardship",
)


def test_a_step_names_the_documents_set_first_then_a_named_set_or_counts() -> None:
    assert resolve_offer_set(OWN, "short") == DocumentOfferSet("short", (4, 8), down_payment_bps=2_000)
    assert resolve_offer_set(OWN, "b2b") == DocumentOfferSet("b2b", (2, 3, 6))
    assert resolve_offer_set(OWN, "2,4") == DocumentOfferSet("2,4", (2, 4))
    assert resolve_offer_set(OWN, "") is None
    assert validate(OWN, frozenset({"reminder"}), frozenset({"sms"})) == []
    unknown = Strategy(
        [SegmentRule("all")], {"all": [StepSpec("x", ("sms",), "reminder", 0)]}, hardship_offer_set="gold"
    )
    [problem] = validate(unknown, frozenset({"reminder"}), frozenset({"sms"}))
    assert problem.field == "hardship_offer_set"
    assert "no offer set 'gold' in offer_sets" in str(problem)


async def test_get_offer_set_gives_the_current_steps_set_as_it_was_requested() -> None:
    case = Case("d1", "t1", "p1", strategy_scope="t1", strategy_version=1, variant="champion", segment="all")
    sets = OfferSets(FakeCases(case), FakeBook(OWN))  # type: ignore[arg-type]
    # The document's own set, with its down payment (agreements applies it within the policy).
    assert await sets.for_debt("t1", "d1") == OfferSet((4, 8), "first", "short", down_payment_bps=2_000)
    case.actions["first"] = _record("first", T0)
    case.actions["second"] = _record("second", T0 + timedelta(days=5))
    assert await sets.for_debt("t1", "d1") == OfferSet((2, 3, 6), "second", "b2b")
    case.actions["second"].decision.values["hardship"] = "hardship pause ended"  # sent after a hardship pause
    assert await sets.for_debt("t1", "d1") == OfferSet((6, 12, 18, 24), "second", "hardship")
    case.actions["third"] = ActionRecord(
        "a-x", "first", (), "skipped", Decision(False, "step_superseded", "", T0 + timedelta(days=9), "UTC")
    )
    assert (await sets.for_debt("t1", "d1")).step == "second"  # a skipped step is not the current one


def test_a_step_naming_counts_asks_for_them_and_after_hardship_the_hardship_set() -> None:
    spec = StepSpec("x", ("sms",), "reminder", 0, tone="formal", offer_set="2,4")
    step, values = step_of(spec, OWN, None)
    assert (step.tone, step.offer_set) == ("formal", DocumentOfferSet("2,4", (2, 4)))
    assert values["offer_set"] == "2,4: installments 2, 4; down payment policy minimum"
    step, _ = step_of(spec, OWN, T0)
    assert (step.tone, step.offer_set) == ("gentle", DocumentOfferSet("hardship", (6, 12, 18, 24)))


async def test_the_sets_discounts_travel_with_it_and_named_sets_leave_them_to_the_policy() -> None:
    own = Strategy(
        segments=[SegmentRule("all")],
        paths={
            "all": [
                StepSpec("first", ("sms",), "reminder", day_offset=0, offer_set="early"),
                StepSpec("second", ("sms",), "reminder", day_offset=5, offer_set="2,4"),
            ]
        },
        offer_sets=[DocumentOfferSet("early", (3,), 3_000, fees_discount_bps=2_500, interest_discount_bps=0)],
    )
    case = Case("d1", "t1", "p1", strategy_scope="t1", strategy_version=1, variant="champion", segment="all")
    sets = OfferSets(FakeCases(case), FakeBook(own))  # type: ignore[arg-type]
    found = await sets.for_debt("t1", "d1")
    assert (found.down_payment_bps, found.fees_discount_bps, found.interest_discount_bps) == (3_000, 2_500, 0)
    assert found.principal_discount_bps is None
    case.actions["second"] = _record("second", T0 + timedelta(days=5))
    named = await sets.for_debt("t1", "d1")
    assert (named.down_payment_bps, named.fees_discount_bps, named.interest_discount_bps) == (None, None, None)
    _, values = step_of(own.paths["all"][0], own, None)
    assert values["offer_set"] == (
        "early: installments 3; down payment 3000 bps; discounts late fee 2500 bps, interest 0 bps, "
        "principal 0 bps (at most the band's)"
    )
