"""Public-data flags expire after their TTL: not used by the profile from then on, and asked for again."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

from cordial_core.clock import ControllableClock
from cordial_core.money import Money
from cordial_strategy.adapters.memory import MemoryCases, MemoryDebtors, MemoryStrategyStore
from cordial_strategy.domain.book import Share, StrategyBook
from cordial_strategy.domain.debtor import DebtorState
from cordial_strategy.domain.enrichment import Enricher, PublicData, fresh_flags, freshness, is_fresh
from cordial_strategy.domain.guard import ContactGuard
from cordial_strategy.domain.ruler import Ruler
from cordial_strategy.domain.strategies import SegmentRule, StepSpec, Strategy

T0 = datetime(2024, 3, 5, 13, tzinfo=UTC)  # Tuesday 10:00 in São Paulo
TTL = timedelta(days=30)
DAY_BEFORE, EXPIRY = T0 + TTL - timedelta(days=1), T0 + TTL
UNEMPLOYED = PublicData(employed=False)


class Provider:
    """An enrichment provider whose answer the test changes; counts what it was asked."""

    name = "fake"

    def __init__(self, data: PublicData | None) -> None:
        self.data = data
        self.asked: list[tuple[str, bool]] = []
        self.fail = False

    async def lookup(self, document: str, company: bool) -> PublicData | None:
        self.asked.append((document, company))
        if self.fail:
            raise ConnectionError("provider down")
        return self.data


def enriched_at(at: datetime) -> DebtorState:
    debtor = DebtorState("p1")
    debtor.enriched(UNEMPLOYED.as_flags(), at, "fake", b"52998224725", False)
    return debtor


def test_flags_are_used_until_the_day_before_expiry_and_not_from_expiry_on() -> None:
    debtor = enriched_at(T0)
    assert is_fresh(debtor, DAY_BEFORE, TTL)
    assert fresh_flags(debtor, DAY_BEFORE, TTL)["employment"] == "unemployed"
    assert is_fresh(debtor, EXPIRY - timedelta(microseconds=1), TTL)
    assert not is_fresh(debtor, EXPIRY, TTL)
    assert fresh_flags(debtor, EXPIRY, TTL) == {}
    assert fresh_flags(debtor, EXPIRY + timedelta(days=1), TTL) == {}
    assert "stale, not used" in freshness(debtor, EXPIRY, TTL)
    assert ", used" in freshness(debtor, DAY_BEFORE, TTL)
    assert not is_fresh(DebtorState("p2"), T0, TTL)
    assert freshness(DebtorState("p2"), T0, TTL) == "never learned"


async def test_a_new_debt_asks_again_only_once_the_flags_expired() -> None:
    debtors, provider, clock = MemoryDebtors(), Provider(UNEMPLOYED), ControllableClock(T0)
    enricher = Enricher(debtors, provider, lambda sealed: sealed.decode(), clock, TTL)
    assert await enricher.debt_placed("p1", b"52998224725", False)
    clock.set(DAY_BEFORE)
    assert not await enricher.debt_placed("p1", b"52998224725", False)
    assert len(provider.asked) == 1
    provider.data = PublicData(employed=True)
    clock.set(EXPIRY)
    assert await enricher.debt_placed("p1", b"52998224725", False)
    debtor = await debtors.load("p1")
    assert debtor.public_data["employment"] == "employed"
    assert debtor.public_data_learned_at == EXPIRY


async def test_refresh_uses_the_kept_document_only_when_stale_and_survives_a_failing_provider() -> None:
    debtors, provider, clock = MemoryDebtors(), Provider(UNEMPLOYED), ControllableClock(T0)
    enricher = Enricher(debtors, provider, lambda sealed: sealed.decode(), clock, TTL)
    assert not await enricher.refresh("p1")  # never asked: no document to ask with
    assert await enricher.debt_placed("p1", b"11222333000181", True)
    clock.set(DAY_BEFORE)
    assert not await enricher.refresh("p1")
    clock.set(EXPIRY)
    provider.fail = True
    assert not await enricher.refresh("p1")
    provider.fail = False
    assert await enricher.refresh("p1")
    assert provider.asked[-1] == ("11222333000181", True)
    assert (await debtors.load("p1")).public_data_learned_at == EXPIRY


def hardship_strategy() -> Strategy:
    return Strategy(
        segments=[SegmentRule("hardship", flags=("hardship",)), SegmentRule("everyone")],
        paths={
            "hardship": [StepSpec("gentle-1", ("whatsapp",), "reminder", day_offset=0, tone="gentle")],
            "everyone": [StepSpec("remind-1", ("whatsapp",), "reminder", day_offset=0)],
        },
    )


async def _ruler(
    with_refresh: bool,
) -> tuple[Ruler, ControllableClock, Provider, Enricher, MemoryDebtors]:
    clock = ControllableClock(T0)
    book = StrategyBook(MemoryStrategyStore(), clock, frozenset({"reminder"}))
    await book.save("t1", hardship_strategy())
    await book.activate("t1", [Share(1, 100)])
    debtors, provider = MemoryDebtors(), Provider(UNEMPLOYED)
    enricher = Enricher(debtors, provider, lambda sealed: sealed.decode(), clock, TTL)
    ruler = Ruler(
        MemoryCases(), ContactGuard(debtors, clock), clock, book=book, enrichment=enricher if with_refresh else None
    )
    return ruler, clock, provider, enricher, debtors


async def _segment(ruler: Ruler, debt_id: str) -> tuple[str, dict[str, str]]:
    await ruler.debt_placed("t1", debt_id, "p1", "Loja", Money(5_000, "BRL"), "", "BR", "SP", due_date="2024-03-01")
    await ruler.contact_verified("t1", debt_id, "p1")
    case = await ruler.case("t1", debt_id)
    assert case is not None
    record = next(iter(case.actions.values()))
    return case.segment, record.decision.values


async def test_the_ruler_refreshes_stale_flags_before_it_segments() -> None:
    ruler, clock, provider, enricher, _ = await _ruler(with_refresh=True)
    await enricher.debt_placed("p1", b"52998224725", False)
    provider.data = PublicData(employed=True)  # found a job meanwhile; the provider knows
    clock.set(DAY_BEFORE)
    segment, values = await _segment(ruler, "d1")
    assert segment == "hardship"
    assert len(provider.asked) == 1
    clock.set(EXPIRY)
    segment, values = await _segment(ruler, "d2")
    assert len(provider.asked) == 2
    assert segment == "everyone"
    assert values["public_data"].startswith(f"learned {EXPIRY:%Y-%m-%d}")


async def test_without_a_provider_stale_flags_are_ignored_not_trusted() -> None:
    ruler, clock, _, _, debtors = await _ruler(with_refresh=False)
    debtors.debtors["p1"] = copy.deepcopy(enriched_at(T0))
    clock.set(DAY_BEFORE)
    assert (await _segment(ruler, "d1"))[0] == "hardship"
    clock.set(EXPIRY)
    segment, values = await _segment(ruler, "d2")
    assert segment == "everyone"
    assert "stale, not used" in values["public_data"]
