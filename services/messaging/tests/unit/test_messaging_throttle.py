"""Send pacing: a provider's rate and a recipient's spacing, on simulated time."""

from __future__ import annotations

import heapq
import itertools
import random

import pytest

from cordial_messaging.domain.throttle import Pace, Throttle


def _send_times(throttle: Throttle, sends: list[tuple[str, str]]) -> list[float]:
    """When each send happens if all are asked at 0 and every sender waits as told, simulated in time order."""
    times = [0.0] * len(sends)
    # (time, index, phase): phase 0 waits for the recipient, then a provider slot; phase 1 claims and sends.
    queue = [(0.0, i, 0) for i in range(len(sends))]
    while queue:
        now, i, phase = heapq.heappop(queue)
        provider, to = sends[i]
        if phase == 0:
            wait = throttle.recipient_wait(provider, to, now)
            step = (now + wait, i, 0) if wait > 0 else (now + throttle.provider_wait(provider, now), i, 1)
            heapq.heappush(queue, step)
        elif throttle.claim(provider, to, now):
            times[i] = now
        else:
            heapq.heappush(queue, (now, i, 0))
    return times


def _most_within_a_second(times: list[float]) -> int:
    return max(sum(1 for t in times if s <= t < s + 1) for s in times)


def test_a_provider_drains_a_burst_at_its_rate() -> None:
    throttle = Throttle({"whatsapp-cloud": Pace(rate=80, burst=1, per_recipient_seconds=6)})
    times = _send_times(throttle, [("whatsapp-cloud", f"+55119{i:08d}") for i in range(400)])
    assert max(times) == pytest.approx(399 / 80)
    assert _most_within_a_second(times) <= 80


def test_a_burst_allowance_lets_that_many_go_at_once() -> None:
    throttle = Throttle({"p": Pace(rate=80, burst=80, per_recipient_seconds=6)})
    times = _send_times(throttle, [("p", f"+55119{i:08d}") for i in range(160)])
    assert times[:80] == [0.0] * 80
    assert max(times) == 1.0


def test_one_recipient_never_gets_two_messages_within_the_spacing() -> None:
    throttle = Throttle({"sms-gateway": Pace(rate=10, burst=10, per_recipient_seconds=6)})
    sends = [("sms-gateway", "+5511987654321")] * 3 + [("sms-gateway", "+5511900000000")]
    assert _send_times(throttle, sends) == [0.0, 6.0, 12.0, 0.0]
    slow = Throttle({"p": Pace(rate=1, burst=1, per_recipient_seconds=2)})
    # The spacing counts from when a message actually went, after its wait for the provider.
    times = _send_times(slow, [("p", "a"), ("p", "b"), ("p", "c"), ("p", "a")])
    assert times[0] == 0.0
    assert times[3] - times[0] >= 2.0


def test_providers_are_paced_apart() -> None:
    throttle = Throttle({"a": Pace(1, 1, 1), "b": Pace(1, 1, 1)})
    assert _send_times(throttle, [("a", "1"), ("b", "2"), ("a", "3")]) == [0.0, 0.0, 1.0]


class SharedMarks:
    """Marks as the MongoDB slots keep them: each taken once, whoever asks."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    async def take(self, provider: str, first: int) -> int:
        return first

    async def marks(self, keys: list[str]) -> int:
        for taken, key in enumerate(keys):
            if key in self.taken:
                return taken
            self.taken.add(key)
        return len(keys)


async def test_two_instances_never_send_to_one_person_closer_than_the_spacing() -> None:
    marks = SharedMarks()
    instances = [Throttle({"wa": Pace(rate=80, burst=1, per_recipient_seconds=6)}) for _ in range(2)]
    granted: list[float] = []
    rng = random.Random(7)
    now = 1_000.0
    for _ in range(400):
        now += rng.uniform(0.0, 4.0)
        if await rng.choice(instances).shared_recipient_wait(marks, "wa", "+5511987654321", now) == 0:
            granted.append(now)
    assert len(granted) > 50
    assert min(b - a for a, b in itertools.pairwise(granted)) >= 6.0


async def test_a_refused_claim_says_how_long_to_wait() -> None:
    marks, throttle = SharedMarks(), Throttle({"wa": Pace(rate=80, burst=1, per_recipient_seconds=6)})
    assert await throttle.shared_recipient_wait(marks, "wa", "+551199", 60.0) == 0  # windows 10 and 11 marked
    assert await throttle.shared_recipient_wait(marks, "wa", "+551199", 65.0) == 1.0  # window 10 taken: try at 11
    assert await throttle.shared_recipient_wait(marks, "wa", "+551199", 67.0) == 5.0  # window 11 taken: wait for 12
    assert await throttle.shared_recipient_wait(marks, "wa", "+551199", 72.0) == 0
    assert await throttle.shared_recipient_wait(marks, "wa", "+5521", 65.0) == 0, "another person is not held"


class SharedCells(SharedMarks):
    """Cells as the MongoDB slots give them out: each once, the first free from the one asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: set[int] = set()

    async def take(self, provider: str, first: int) -> int:
        cell = first
        while cell in self.cells:
            cell += 1
        self.cells.add(cell)
        return cell


@pytest.mark.parametrize("rate", [80.0, 80.5, 30.0, 2.0, 1.5, 1.0, 0.4])
async def test_sends_started_anywhere_in_their_cells_never_exceed_the_rate_in_any_second(rate: float) -> None:
    throttle, cells, rng = Throttle({"wa": Pace(rate, 1, 6)}), SharedCells(), random.Random(11)
    starts: list[float] = []
    now = 0.0
    for _ in range(600):
        start, end = await throttle.shared_cell(cells, "wa", now)
        # The send starts as late in its cell as it may (or anywhere in it): the worst case for a window.
        starts.append(rng.choice([end - 1e-9, rng.uniform(max(start, now), end)]))
        now = max(now, start) + rng.uniform(0.0, 0.01)
    assert _most_within_a_second(starts) <= max(1, int(rate))


async def test_a_provider_drains_at_one_cell_below_its_rate_with_shared_cells() -> None:
    throttle, cells = Throttle({"wa": Pace(80, 1, 6)}), SharedCells()
    starts = [(await throttle.shared_cell(cells, "wa", 0.0))[0] for _ in range(790)]
    assert max(starts) == pytest.approx(789 / 79)
