"""Verification: TTL cache, tenant budget, provider rate (token bucket on simulated time), batch progress."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from cordial_contact_locator.adapters.verification_memory import MemoryBudgets, MemoryCache
from cordial_contact_locator.domain.verification import (
    FAILED,
    FROM_CACHE,
    LOOKED_UP,
    OVER_BUDGET,
    SKIPPED,
    BatchProgress,
    LineInfo,
    LookupFailure,
    RateRefused,
    Verifier,
)
from cordial_core.clock import ControllableClock
from cordial_core.rate_cells import LocalRate
from cordial_core.rate_limit import TokenBucket

NOW = datetime(2024, 3, 5, 13, 0, tzinfo=UTC)


class FakeLookup:
    """The provider: records when each lookup happened on the simulated clock."""

    def __init__(self, clock: ControllableClock, failing: set[str] | None = None) -> None:
        self.clock = clock
        self.calls: list[tuple[str, float]] = []
        self.failing = failing or set()
        # Number -> how many more times the provider refuses it over its rate (429, 20429).
        self.refusals: Counter[str] = Counter()

    async def lookup(self, number: str) -> LineInfo:
        self.calls.append((number, self.clock.now().timestamp()))
        if number in self.failing:
            raise LookupFailure("provider answered 503")
        if self.refusals[number] > 0:
            self.refusals[number] -= 1
            raise RateRefused("lookup answered 429: 20429 Too Many Requests")
        return LineInfo(number, True, "mobile", "Claro", self.clock.now())


def make(
    rate: float = 10, burst: int = 5, budget: int = 1000, failing: set[str] | None = None
) -> tuple[Verifier, FakeLookup, ControllableClock, MemoryBudgets]:
    clock = ControllableClock(NOW)

    async def sleep(seconds: float) -> None:
        clock.advance(timedelta(seconds=seconds))

    lookup, budgets = FakeLookup(clock, failing), MemoryBudgets()
    verifier = Verifier(
        lookup,
        MemoryCache(),
        budgets,
        clock,
        LocalRate(TokenBucket(rate, burst, NOW.timestamp()), clock, sleep),
        ttl=timedelta(days=30),
        monthly_budget=budget,
        sleep=sleep,
    )
    return verifier, lookup, clock, budgets


def test_token_bucket_allows_the_burst_then_spaces_takes_at_the_rate() -> None:
    bucket = TokenBucket(rate=4, burst=2, now=0.0)
    assert [bucket.take(0.0) for _ in range(4)] == [0.0, 0.0, 0.25, 0.5]
    assert bucket.take(10.0) == 0.0  # refilled, capped at the burst
    assert bucket.take(10.0) == 0.0
    assert bucket.take(10.0) == 0.25
    with pytest.raises(ValueError, match="rate"):
        TokenBucket(rate=0, burst=1, now=0.0)


async def test_a_number_is_not_paid_for_twice_within_the_ttl() -> None:
    verifier, lookup, clock, budgets = make()
    first = await verifier.verify("t1", "+5511987654321")
    again = await verifier.verify("t1", "+5511987654321")
    assert (first.source, again.source) == (LOOKED_UP, FROM_CACHE)
    assert again.info == first.info
    clock.advance(timedelta(days=31))
    assert (await verifier.verify("t1", "+5511987654321")).source == LOOKED_UP
    assert len(lookup.calls) == 2
    assert budgets.spent[("t1", "2024-04")] == 1


async def test_the_tenant_budget_is_never_exceeded_and_says_why() -> None:
    verifier, lookup, _, _ = make(budget=3)
    results = [await verifier.verify("t1", f"+55119876543{i:02d}") for i in range(5)]
    assert [r.source for r in results] == [LOOKED_UP] * 3 + [OVER_BUDGET] * 2
    assert "budget of 3" in results[-1].reason
    assert len(lookup.calls) == 3
    assert (await verifier.verify("t2", "+5511987654300")).source == LOOKED_UP  # another tenant's budget


async def test_a_batch_respects_the_rate_reports_progress_and_dedupes() -> None:
    verifier, lookup, _, _ = make(rate=10, burst=5, budget=150)
    numbers = [f"+5511987{i:06d}" for i in range(200)] + ["+5511987000000"] * 3
    progress = BatchProgress(0)
    await verifier.batch("t1", numbers, progress, workers=16)
    assert progress.snapshot() == {
        "total": 200,
        "done": 200,
        "counts": {FROM_CACHE: 0, LOOKED_UP: 150, OVER_BUDGET: 50, FAILED: 0},
        "whatsapp_total": 0,
        "whatsapp": {FROM_CACHE: 0, LOOKED_UP: 0, OVER_BUDGET: 0, FAILED: 0, SKIPPED: 0},
        "percent": 100.0,
    }
    times = sorted(t for _, t in lookup.calls)
    # In any one-second window, no more than the rate plus the burst.
    assert max(sum(1 for t in times if start <= t < start + 1) for start in times) <= 10 + 5
    # ... and no slower than it: the burst at once, then one every 1/rate seconds.
    assert times[-1] - times[0] == pytest.approx((150 - 5) / 10)
    assert len({n for n, _ in lookup.calls}) == len(lookup.calls)


async def test_a_failed_lookup_is_counted_not_cached_and_not_charged_to_the_budget() -> None:
    verifier, lookup, _, budgets = make(failing={"+5511900000000"})
    progress = await verifier.batch("t1", ["+5511900000000", "+5511900000001"])
    assert progress.counts[FAILED] == 1
    assert progress.counts[LOOKED_UP] == 1
    assert budgets.spent[("t1", "2024-03")] == 1
    lookup.failing.clear()
    assert (await verifier.verify("t1", "+5511900000000")).source == LOOKED_UP


async def test_a_lookup_refused_over_the_rate_is_tried_again_in_later_slots_and_paid_once() -> None:
    verifier, lookup, _, budgets = make(rate=10, burst=1)
    lookup.refusals["+5511900000000"] = 3
    progress = await verifier.batch("t1", ["+5511900000000", "+5511900000001"])
    assert progress.counts == {FROM_CACHE: 0, LOOKED_UP: 2, OVER_BUDGET: 0, FAILED: 0}
    tries = [t for n, t in lookup.calls if n == "+5511900000000"]
    assert len(tries) == 4
    # Each try waits for its own slot of the rate, after a growing pause for the provider's window to slide.
    assert tries[-1] - tries[0] >= 0.1 + 0.2 + 0.4 - 1e-6
    assert budgets.spent[("t1", "2024-03")] == 2
    assert (await verifier.verify("t1", "+5511900000000")).source == FROM_CACHE


async def test_a_lookup_refused_at_every_try_ends_failed_with_the_rate_as_reason_and_costs_nothing() -> None:
    verifier, lookup, _, budgets = make()
    lookup.refusals["+5511900000000"] = 100
    verified = await verifier.verify("t1", "+5511900000000")
    assert verified.source == FAILED
    assert verified.reason.startswith("refused over the provider's rate 6 times: lookup answered 429")
    assert len(lookup.calls) == 6
    assert budgets.spent[("t1", "2024-03")] == 0
