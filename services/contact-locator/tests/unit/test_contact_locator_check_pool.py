"""CheckPool: callers asking at once share one request per slot of the rate, up to a group, each answered alone."""

from __future__ import annotations

import asyncio

import pytest

from cordial_contact_locator.domain.check_pool import CheckPool
from cordial_contact_locator.domain.verification import RateRefused
from cordial_contact_locator.domain.whatsapp_check import CheckFailure


class SlowSlots:
    """A pacer whose next slot comes only when the test opens it."""

    def __init__(self) -> None:
        self.open = asyncio.Event()
        self.waits = 0

    async def wait(self) -> None:
        self.waits += 1
        await self.open.wait()


class RecordingCheck:
    """Numbers ending in 0001 are not on WhatsApp; the first ``refusals`` requests are refused over the rate."""

    def __init__(self, failure: Exception | None = None, refusals: int = 0) -> None:
        self.requests: list[list[str]] = []
        self.failure = failure
        self.refusals = refusals

    async def check(self, numbers: list[str]) -> dict[str, bool]:
        self.requests.append(list(numbers))
        if self.refusals:
            self.refusals -= 1
            raise RateRefused("429")
        if self.failure is not None:
            raise self.failure
        return {n: not n.endswith("0001") for n in numbers}


async def _no_sleep(seconds: float) -> None:
    return None


async def _asking_at_once(pool: CheckPool, slots: SlowSlots, asks: list[list[str]]) -> list[dict[str, bool]]:
    tasks = [asyncio.create_task(pool.check(numbers)) for numbers in asks]
    await asyncio.sleep(0)  # every caller is waiting before the slot comes
    slots.open.set()
    return list(await asyncio.gather(*tasks))


async def test_callers_asking_while_a_slot_is_awaited_share_one_request_and_get_their_own_answers() -> None:
    slots, check = SlowSlots(), RecordingCheck()
    pool = CheckPool(check, slots, group=100, tries=3, sleep=_no_sleep)
    answers = await _asking_at_once(pool, slots, [["+5511990000001"], ["+5511990000002", "+5511990000001"], ["+1"]])
    assert check.requests == [["+5511990000001", "+5511990000002", "+1"]], "one request, each number once"
    assert slots.waits == 1
    assert answers == [
        {"+5511990000001": False},
        {"+5511990000002": True, "+5511990000001": False},
        {"+1": True},
    ]


async def test_a_request_holds_at_most_a_group_and_the_rest_wait_for_the_next_slot() -> None:
    slots, check = SlowSlots(), RecordingCheck()
    pool = CheckPool(check, slots, group=3, tries=3, sleep=_no_sleep)
    await _asking_at_once(pool, slots, [["a", "b"], ["c"], ["d", "e"], ["f"]])
    assert check.requests == [["a", "b", "c"], ["d", "e", "f"]]
    assert slots.waits == 2, "each request in a slot of its own"


async def test_a_caller_alone_is_asked_as_before() -> None:
    check = RecordingCheck()
    pool = CheckPool(check, None, group=10, tries=3, sleep=_no_sleep)
    assert await pool.check(["x0001", "y"]) == {"x0001": False, "y": True}
    assert await pool.check(["z"]) == {"z": True}
    assert check.requests == [["x0001", "y"], ["z"]]


async def test_a_failed_request_fails_each_caller_in_it_and_the_pool_goes_on() -> None:
    slots, check = SlowSlots(), RecordingCheck(failure=CheckFailure("503"))
    pool = CheckPool(check, slots, group=10, tries=3, sleep=_no_sleep)
    tasks = [asyncio.create_task(pool.check([n])) for n in ("a", "b")]
    await asyncio.sleep(0)
    slots.open.set()
    for task in tasks:
        with pytest.raises(CheckFailure):
            await task
    check.failure = None
    assert await pool.check(["c"]) == {"c": True}


async def test_a_request_refused_over_the_rate_is_asked_again_with_the_same_callers() -> None:
    slots, check = SlowSlots(), RecordingCheck(refusals=1)
    pool = CheckPool(check, slots, group=10, tries=3, sleep=_no_sleep)
    answers = await _asking_at_once(pool, slots, [["a"], ["b"]])
    assert check.requests == [["a", "b"], ["a", "b"]]
    assert answers == [{"a": True}, {"b": True}]
