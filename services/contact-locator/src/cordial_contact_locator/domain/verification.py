"""Number verification: a line-type lookup per number, cached for a time to live, within each tenant's
monthly budget and the provider's rate limit; a batch reports its progress as it goes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from cordial_core.clock import Clock
from cordial_core.rate_limit import TokenBucket

Sleep = Callable[[float], Awaitable[None]]
FROM_CACHE, LOOKED_UP, OVER_BUDGET, FAILED = "cache", "provider", "over_budget", "failed"


@dataclass(frozen=True)
class LineInfo:
    """What a line-type lookup says of a number."""

    number: str
    valid: bool
    line_type: str  # mobile, landline, fixedVoip, nonFixedVoip, tollFree, ... or "" when unknown
    carrier: str
    checked_at: datetime


@dataclass(frozen=True)
class Verified:
    """A number's verification and where it came from (cache, provider, or refused over budget)."""

    number: str
    source: str
    info: LineInfo | None = None
    reason: str = ""


class LookupFailure(Exception):
    """The provider could not answer for this number now."""


class LineLookup(Protocol):
    """A line-type lookup provider (Twilio Lookup v2 line_type_intelligence)."""

    async def lookup(self, number: str) -> LineInfo: ...


class VerificationCache(Protocol):
    """Past lookups of a tenant's numbers."""

    async def get(self, tenant: str, number: str) -> LineInfo | None: ...
    async def put(self, tenant: str, info: LineInfo) -> None: ...


class Budgets(Protocol):
    """Paid lookups per tenant and month."""

    async def spend(self, tenant: str, month: str, limit: int) -> bool: ...
    async def refund(self, tenant: str, month: str) -> None: ...


@dataclass
class BatchProgress:
    """How far a batch is; read it while the batch runs."""

    total: int
    done: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {FROM_CACHE: 0, LOOKED_UP: 0, OVER_BUDGET: 0, FAILED: 0})

    def count(self, verified: Verified) -> None:
        """Counts one finished number."""
        self.done += 1
        self.counts[verified.source] += 1

    def snapshot(self) -> dict[str, object]:
        """The progress as plain values."""
        return {**asdict(self), "percent": round(100.0 * self.done / self.total, 1) if self.total else 100.0}


class Verifier:
    """Verifies numbers: never paying twice within the TTL, never over budget, never above the provider's rate."""

    def __init__(
        self,
        lookup: LineLookup,
        cache: VerificationCache,
        budgets: Budgets,
        clock: Clock,
        bucket: TokenBucket,
        *,
        ttl: timedelta,
        monthly_budget: int,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._lookup = lookup
        self._cache = cache
        self._budgets = budgets
        self._clock = clock
        self._bucket = bucket
        self._ttl = ttl
        self._budget = monthly_budget
        self._sleep = sleep
        self._inflight: dict[tuple[str, str], asyncio.Future[Verified]] = {}

    async def verify(self, tenant: str, number: str) -> Verified:
        """One number's line info; concurrent asks for the same number share one lookup."""
        key = (tenant, number)
        running = self._inflight.get(key)
        if running is not None:
            return await asyncio.shield(running)
        future: asyncio.Future[Verified] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            result = await self._verify(tenant, number)
            future.set_result(result)
            return result
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here, so a future nobody else awaited stays quiet
            raise
        finally:
            del self._inflight[key]

    async def _verify(self, tenant: str, number: str) -> Verified:
        now = self._clock.now()
        cached = await self._cache.get(tenant, number)
        if cached is not None and now - cached.checked_at < self._ttl:
            return Verified(number, FROM_CACHE, cached)
        month = now.strftime("%Y-%m")
        if not await self._budgets.spend(tenant, month, self._budget):
            return Verified(number, OVER_BUDGET, reason=f"monthly verification budget of {self._budget} spent")
        wait = self._bucket.take(now.timestamp())
        if wait > 0:
            await self._sleep(wait)
        try:
            info = await self._lookup.lookup(number)
        except LookupFailure as exc:
            # Nothing was paid for an unanswered lookup: the reservation goes back to the budget.
            await self._budgets.refund(tenant, month)
            return Verified(number, FAILED, reason=str(exc))
        await self._cache.put(tenant, info)
        return Verified(number, LOOKED_UP, info)

    async def batch(
        self, tenant: str, numbers: Iterable[str], progress: BatchProgress | None = None, workers: int = 32
    ) -> BatchProgress:
        """Verifies many numbers with a few concurrent workers; the progress object is updated as they finish."""
        unique = list(dict.fromkeys(numbers))
        progress = progress or BatchProgress(len(unique))
        progress.total = len(unique)
        queue: asyncio.Queue[str] = asyncio.Queue()
        for number in unique:
            queue.put_nowait(number)

        async def work() -> None:
            while not queue.empty():
                progress.count(await self.verify(tenant, queue.get_nowait()))

        await asyncio.gather(*(work() for _ in range(max(1, workers))))
        return progress
