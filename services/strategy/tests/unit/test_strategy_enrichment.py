"""Public-data flags reach the profile and the segments; the provider is asked once per debtor."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

from cordial_core.clock import ControllableClock
from cordial_strategy.domain.debtor import DebtorState, OpenDebt
from cordial_strategy.domain.enrichment import Enricher, PublicData, profile_flags
from cordial_strategy.domain.profile import build_profile
from cordial_strategy.domain.strategies import SegmentRule, assign

T0 = datetime(2024, 3, 5, 13, tzinfo=UTC)
RULES = [SegmentRule("in hardship", flags=("hardship",)), SegmentRule("everyone else")]


class FakeDebtors:
    def __init__(self) -> None:
        self.debtors: dict[str, DebtorState] = {}

    async def load(self, debtor_id: str) -> DebtorState:
        return copy.deepcopy(self.debtors.get(debtor_id) or DebtorState(debtor_id))

    async def save(self, debtor: DebtorState) -> None:
        debtor.version += 1
        self.debtors[debtor.debtor_id] = copy.deepcopy(debtor)


class FakeProvider:
    name = "fake"

    def __init__(self, data: PublicData | None) -> None:
        self.data = data
        self.asked: list[tuple[str, bool]] = []

    async def lookup(self, document: str, company: bool) -> PublicData | None:
        self.asked.append((document, company))
        return self.data


def _segment(flags: dict[str, str]) -> str:
    debtor = DebtorState("p1", open_debts={"t1/d1": OpenDebt(10_000, "2024-03-01")})
    return assign(build_profile(debtor, T0, False, flags), RULES)[0]


def test_hardship_when_unemployed_or_on_unemployment_benefit() -> None:
    employed = PublicData(employed=True, fgts_balance_minor=150_000).as_flags()
    assert profile_flags(employed) == ("fgts_balance",)
    assert _segment(employed) == "everyone else"
    unemployed = PublicData(employed=False).as_flags()
    assert profile_flags(unemployed) == ("hardship", "unemployed")
    assert _segment(unemployed) == "in hardship"
    on_benefit = PublicData(employed=True, unemployment_benefit=True, social_benefit=True).as_flags()
    assert profile_flags(on_benefit) == ("hardship", "social_benefit", "unemployment_benefit")
    assert _segment(on_benefit) == "in hardship"
    assert _segment({}) == "everyone else"


async def test_the_provider_is_asked_once_and_the_answer_cached_with_when() -> None:
    debtors, provider, clock = FakeDebtors(), FakeProvider(PublicData(employed=False)), ControllableClock(T0)
    enricher = Enricher(debtors, provider, lambda sealed: sealed.decode(), clock)
    assert await enricher.debt_placed("p1", b"52998224725", False)
    clock.advance(timedelta(days=1))
    assert not await enricher.debt_placed("p1", b"52998224725", False)  # a second debt of the same person
    assert provider.asked == [("52998224725", False)]
    debtor = debtors.debtors["p1"]
    assert debtor.public_data["employment"] == "unemployed"
    assert debtor.public_data_learned_at == T0
    assert debtor.public_data_source == "fake"


async def test_unknown_person_is_cached_empty_and_no_document_asks_nothing() -> None:
    debtors, provider = FakeDebtors(), FakeProvider(None)
    enricher = Enricher(debtors, provider, lambda sealed: sealed.decode(), ControllableClock(T0))
    assert not await enricher.debt_placed("p2", b"", False)
    assert provider.asked == []
    assert await enricher.debt_placed("p2", b"11222333000181", True)
    assert provider.asked == [("11222333000181", True)]
    assert debtors.debtors["p2"].public_data == {}
    assert debtors.debtors["p2"].public_data_learned_at == T0
