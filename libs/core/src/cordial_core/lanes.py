"""Runs many independent awaitables a few at a time, so their round trips overlap without flooding a store."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable


async def in_lanes(work: Iterable[Awaitable[None]], lanes: int) -> None:
    """Awaits every item of the work, at most `lanes` at once; the first failure is raised once all have ended."""
    gate = asyncio.Semaphore(lanes)

    async def run(item: Awaitable[None]) -> None:
        async with gate:
            await item

    results = await asyncio.gather(*(run(item) for item in work), return_exceptions=True)
    failure = next((r for r in results if isinstance(r, BaseException)), None)
    if failure is not None:
        raise failure
