"""in_lanes: every item runs, never more than the lanes at once, and a failure surfaces after the rest ran."""

from __future__ import annotations

import asyncio

import pytest

from cordial_core.lanes import in_lanes


async def test_every_item_runs_and_no_more_than_the_lanes_at_once() -> None:
    running, most, done = 0, 0, []

    async def item(i: int) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.001)
        running -= 1
        done.append(i)

    await in_lanes((item(i) for i in range(20)), lanes=3)
    assert sorted(done) == list(range(20))
    assert most == 3


async def test_a_failure_is_raised_after_the_other_items_ran() -> None:
    done = []

    async def item(i: int) -> None:
        await asyncio.sleep(0.001)
        if i == 2:
            raise ValueError("item 2")
        done.append(i)

    with pytest.raises(ValueError, match="item 2"):
        await in_lanes([item(i) for i in range(6)], lanes=2)
    assert sorted(done) == [0, 1, 3, 4, 5]
