"""A provider's rate shared by every instance: time cut into cells, each claimed by one request, which starts in it.

With N = floor(rate) >= 2, cells last 1/(N-1) s: the cells a one-second window touches number at most N, so
no window ever holds more than the rate, however late within its cell each request starts (one cell a second
is the price of that margin: 79/s at 80/s). A request that finds its cell gone by the time it is ready takes
another. The cells themselves are claimed through a ``SharedCells`` store (``cordial_core.rate_slots`` keeps
them in MongoDB), so every instance of a service draws on one rate; ``LocalRate`` is the in-process fallback.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from typing import Protocol

from cordial_core.clock import Clock
from cordial_core.rate_limit import TokenBucket

Sleep = Callable[[float], Awaitable[None]]


class SharedCells(Protocol):
    """A provider's cells shared by every instance: each cell is taken by one request, once."""

    async def take(self, provider: str, first: int) -> int:
        """Claims a free cell numbered ``first`` or later; its number."""
        ...


class Pacer(Protocol):
    """Waits until the next request to a provider may start within its rate."""

    async def wait(self) -> None:
        """Returns when the request may start (now, or after a sleep)."""
        ...


def cell_span(rate: float) -> tuple[float, float]:
    """A cell's length in seconds at this rate, and how far into it a request may start.

    One request starting inside each cell keeps every one-second window within floor(rate) requests.
    """
    if rate <= 0:
        raise ValueError("rate must be positive")
    whole = math.floor(rate)
    if whole >= 2:
        return 1.0 / (whole - 1), 1.0 / (whole - 1)
    if whole == 1:
        return 2.0, 1.0  # cells of 2 s, a request in the first second of its cell
    return 1.0 / rate, 1.0 / rate - 1.0


def cells_per_claim(rate: float, seconds: float = 0.25, least: int = 8) -> int:
    """Cells a store should claim at once at this rate: enough to last ``seconds``, so a claim's round trip (a
    write, slower under load) ends well before the cells it claimed have passed; at least ``least``."""
    return max(least, math.ceil(seconds / cell_span(rate)[0]))


async def claim_cell(cells: SharedCells, provider: str, rate: float, now: float) -> tuple[float, float]:
    """Claims the provider's next free cell from ``now``: when a request may start in it and when it no longer may."""
    length, allowance = cell_span(rate)
    cell = await cells.take(provider, math.floor(now / length))
    return cell * length, cell * length + allowance


async def start_in_cell(cells: SharedCells, provider: str, rate: float, clock: Clock, sleep: Sleep) -> None:
    """Waits for a claimed cell to begin and returns inside it; a cell that passed meanwhile is traded for another."""
    while True:
        start, end = await claim_cell(cells, provider, rate, clock.now().timestamp())
        while (wait := start - clock.now().timestamp()) > 0:
            await sleep(max(wait, 0.001))  # never before the cell starts, whatever a timer rounds to
        if clock.now().timestamp() < end:
            return


class SharedRate:
    """A provider's rate drawn from cells every instance shares: each request waits for a cell of its own."""

    def __init__(
        self, cells: SharedCells, provider: str, rate: float, clock: Clock, sleep: Sleep = asyncio.sleep
    ) -> None:
        cell_span(rate)  # refuses a rate that is not positive at once
        self._cells = cells
        self.provider = provider
        self.rate = rate
        self._clock = clock
        self._sleep = sleep

    async def wait(self) -> None:
        """Returns inside a cell of the provider that no other request, here or elsewhere, has."""
        await start_in_cell(self._cells, self.provider, self.rate, self._clock, self._sleep)


class LocalRate:
    """A provider's rate kept in this process (a token bucket): each instance must be given its share."""

    def __init__(self, bucket: TokenBucket, clock: Clock, sleep: Sleep = asyncio.sleep) -> None:
        self._bucket = bucket
        self._clock = clock
        self._sleep = sleep

    async def wait(self) -> None:
        """Reserves the bucket's next token and sleeps until it is due."""
        wait = self._bucket.take(self._clock.now().timestamp())
        if wait > 0:
            await self._sleep(wait)
