"""A provider's rate through shared cells: every instance's requests together never exceed it in any second."""

from __future__ import annotations

import asyncio
import bisect
import random
from datetime import UTC, datetime, timedelta

import pytest

from cordial_core.clock import ControllableClock
from cordial_core.rate_cells import LocalRate, SharedRate, cell_span, cells_per_claim, claim_cell
from cordial_core.rate_limit import TokenBucket

NOW = datetime(2024, 3, 5, 13, 0, tzinfo=UTC)


class SharedCells:
    """Cells as the MongoDB store gives them out: each once, the first free from the one asked for."""

    def __init__(self) -> None:
        self.cells: dict[str, set[int]] = {}

    async def take(self, provider: str, first: int) -> int:
        taken = self.cells.setdefault(provider, set())
        cell = first
        while cell in taken:
            cell += 1
        taken.add(cell)
        return cell


def most_within_a_second(times: list[float]) -> int:
    ordered = sorted(times)
    return max(bisect.bisect_left(ordered, t + 1.0) - i for i, t in enumerate(ordered))


def test_cells_leave_one_spare_a_second_so_no_window_exceeds_the_rate() -> None:
    assert cell_span(80) == (1 / 79, 1 / 79)
    assert cell_span(1.5) == (2.0, 1.0)
    assert cell_span(0.5) == (2.0, 1.0)
    with pytest.raises(ValueError, match="rate"):
        cell_span(0)


def test_a_fast_provider_claims_a_quarter_second_of_cells_at_once_a_slow_one_eight() -> None:
    assert cells_per_claim(475) == 119  # cells of 1/474 s: eight would pass within one slow insert
    assert cells_per_claim(80) == 20
    assert cells_per_claim(5) == 8


async def test_a_claim_names_when_a_request_may_start_and_until_when() -> None:
    cells = SharedCells()
    assert await claim_cell(cells, "lookup", 11, 100.0) == pytest.approx((100.0, 100.1))
    assert await claim_cell(cells, "lookup", 11, 100.0) == pytest.approx((100.1, 100.2))
    assert await claim_cell(cells, "check", 11, 100.0) == pytest.approx((100.0, 100.1)), "providers apart"


@pytest.mark.parametrize("rate", [50.0, 7.5, 2.0, 1.0])
async def test_instances_sharing_cells_never_exceed_the_rate_in_any_second(rate: float) -> None:
    clock, cells, rng = ControllableClock(NOW), SharedCells(), random.Random(5)
    starts: list[float] = []

    async def sleep(seconds: float) -> None:
        # Timers overshoot: a request starts anywhere up to the end of its cell, or misses it and takes another.
        clock.advance(timedelta(seconds=seconds + rng.uniform(0.0, 1.2 / rate)))

    instances = [SharedRate(cells, "lookup", rate, clock, sleep) for _ in range(3)]
    for _ in range(300):
        await rng.choice(instances).wait()
        starts.append(clock.now().timestamp())
    assert most_within_a_second(starts) <= max(1, int(rate))
    # ... and close to it: at least floor(rate) - 1 a second over the run (the price of the margin) less misses.
    assert len(starts) / (starts[-1] - starts[0]) > (max(1, int(rate)) - 1) / 2


async def test_concurrent_requests_of_one_instance_each_wait_for_a_cell_of_their_own() -> None:
    clock, cells = ControllableClock(NOW), SharedCells()
    starts: list[float] = []

    async def sleep(seconds: float) -> None:
        # Each sleeper wakes at its own moment: the clock reaches it unless another sleeper moved it further.
        wake = clock.now() + timedelta(seconds=seconds)
        await asyncio.sleep(0)
        clock.set(max(clock.now(), wake))

    rate = SharedRate(cells, "lookup", 11, clock, sleep)

    async def request() -> None:
        await rate.wait()
        starts.append(clock.now().timestamp())

    await asyncio.gather(*(request() for _ in range(30)))
    assert most_within_a_second(starts) <= 11
    assert len(cells.cells["lookup"]) >= 30


async def test_a_local_rate_sleeps_for_its_buckets_next_token() -> None:
    clock, slept = ControllableClock(NOW), []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(timedelta(seconds=seconds))

    rate = LocalRate(TokenBucket(4, 2, NOW.timestamp()), clock, sleep)
    for _ in range(4):
        await rate.wait()
    assert slept == [0.25, 0.25]
