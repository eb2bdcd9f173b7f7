"""Concurrent asks for the same paid answer share one request: a key asked while another caller's ask runs waits
for that one instead of paying again."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class InFlight(Generic[K, V]):
    """The keys being answered now, each by the caller that asked first."""

    def __init__(self) -> None:
        self._running: dict[K, asyncio.Future[V]] = {}

    async def answer(self, keys: list[K], ask: Callable[[list[K]], Awaitable[dict[K, V]]]) -> dict[K, V]:
        """Each key's value: the keys nobody is asking about yet through ``ask`` (which must answer every key it is
        given), the others from the caller already asking."""
        loop = asyncio.get_running_loop()
        mine: dict[K, asyncio.Future[V]] = {}
        theirs: dict[K, asyncio.Future[V]] = {}
        for key in dict.fromkeys(keys):
            running = self._running.get(key)
            if running is not None:
                theirs[key] = running
            else:
                mine[key] = self._running[key] = loop.create_future()
        try:
            results = await ask(list(mine)) if mine else {}
            for key, future in mine.items():
                future.set_result(results[key])
        except BaseException as exc:
            for future in mine.values():
                if not future.done():
                    future.set_exception(exc)
                    future.exception()  # retrieved here, so a future nobody else awaited stays quiet
            raise
        finally:
            for key in mine:
                del self._running[key]
        for key, future in theirs.items():
            results[key] = await asyncio.shield(future)
        return results
