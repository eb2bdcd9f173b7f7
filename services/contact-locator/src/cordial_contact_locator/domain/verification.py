"""Number verification: a line-type lookup per number, cached for a time to live, within each tenant's
monthly budget and the provider's rate limit; a batch reports its progress as it goes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from cordial_contact_locator.domain.in_flight import InFlight
from cordial_core.clock import Clock
from cordial_core.rate_cells import Pacer, Sleep

FROM_CACHE, LOOKED_UP, OVER_BUDGET, FAILED = "cache", "provider", "over_budget", "failed"
# A number whose lookup found it invalid: not worth a WhatsApp check.
SKIPPED = "skipped"
# Tries of one request the provider refuses over its rate, before the number is left failed with that reason.
RATE_TRIES = 6
T = TypeVar("T")


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


class RateRefused(Exception):
    """The provider refused a request over its rate limit (Lookup: 429, code 20429; contacts check: 429, 1015)."""


async def within_rate(call: Callable[[], Awaitable[T]], rate: Pacer | None, tries: int, sleep: Sleep) -> T:
    """Makes a provider request in a slot of its rate; one refused over the rate is made again in a new slot.

    The shared rate keeps request starts within the limit, but the network bunches their arrivals, and the
    provider may count others' requests on the same account: a refusal says its window is full, so the next
    try also waits a growing pause (0.1 s, doubling to 2 s) for that window to slide. After ``tries`` refusals
    the last one is raised, for the caller to record as the number's terminal reason.
    """
    async for attempt in AsyncRetrying(
        retry=retry_if_exception_type(RateRefused),
        stop=stop_after_attempt(max(1, tries)),
        wait=wait_exponential(multiplier=0.1, max=2.0),
        sleep=sleep,
        reraise=True,
    ):
        with attempt:
            if rate is not None:
                await rate.wait()
            return await call()
    raise AssertionError("tenacity either returns the call's answer or raises")


class LineLookup(Protocol):
    """A line-type lookup provider (Twilio Lookup v2 line_type_intelligence)."""

    async def lookup(self, number: str) -> LineInfo: ...


class VerificationCache(Protocol):
    """Past lookups of a tenant's numbers."""

    async def get_many(self, tenant: str, numbers: list[str]) -> dict[str, LineInfo]: ...
    async def put_many(self, tenant: str, infos: list[LineInfo]) -> None: ...


class Budgets(Protocol):
    """Paid verifications (lookups and WhatsApp checks) per tenant and month."""

    async def reserve(self, tenant: str, month: str, count: int, limit: int) -> int: ...
    async def refund(self, tenant: str, month: str, count: int) -> None: ...


def _whatsapp_counts() -> dict[str, int]:
    return {FROM_CACHE: 0, LOOKED_UP: 0, OVER_BUDGET: 0, FAILED: 0, SKIPPED: 0}


@dataclass
class BatchProgress:
    """How far a batch is, its lookups and its WhatsApp checks; read it while the batch runs."""

    total: int
    done: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {FROM_CACHE: 0, LOOKED_UP: 0, OVER_BUDGET: 0, FAILED: 0})
    # Numbers the batch asks the WhatsApp check about (those its points carry, when the tenant has a check).
    whatsapp_total: int = 0
    whatsapp: dict[str, int] = field(default_factory=_whatsapp_counts)

    def count(self, verified: Verified) -> None:
        """Counts one finished number."""
        self.done += 1
        self.counts[verified.source] += 1

    def count_whatsapp(self, result: str, how_many: int) -> None:
        """Counts numbers whose WhatsApp check ended (cache, provider, over_budget, failed, skipped)."""
        self.whatsapp[result] += how_many

    @property
    def pending(self) -> int:
        """Numbers whose lookup has not ended yet."""
        return max(0, self.total - self.done)

    @property
    def whatsapp_pending(self) -> int:
        """Numbers whose WhatsApp check has not ended yet."""
        return max(0, self.whatsapp_total - sum(self.whatsapp.values()))

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
        rate: Pacer,
        *,
        ttl: timedelta,
        monthly_budget: int,
        rate_tries: int = RATE_TRIES,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._lookup = lookup
        self._cache = cache
        self._budgets = budgets
        self._clock = clock
        # The provider's rate: shared by every instance (cordial_core.rate_cells) or this process's bucket.
        self._rate = rate
        self._ttl = ttl
        self._budget = monthly_budget
        self._rate_tries = rate_tries
        self._sleep = sleep
        self._inflight: InFlight[tuple[str, str], Verified] = InFlight()

    async def verify(self, tenant: str, number: str) -> Verified:
        """One number's line info."""
        [verified] = await self.verify_many(tenant, [number])
        return verified

    async def verify_many(self, tenant: str, numbers: list[str]) -> list[Verified]:
        """Many numbers' line info in few round trips; concurrent asks for the same number share one lookup."""
        results = await self._inflight.answer(
            [(tenant, number) for number in numbers], lambda keys: self._verify_keys(tenant, keys)
        )
        return [results[(tenant, number)] for number in numbers]

    async def _verify_keys(self, tenant: str, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Verified]:
        found = await self._verify_many(tenant, [number for _, number in keys])
        return {(tenant, number): verified for number, verified in found.items()}

    async def _verify_many(self, tenant: str, numbers: list[str]) -> dict[str, Verified]:
        if not numbers:
            return {}
        now = self._clock.now()
        cached = await self._cache.get_many(tenant, numbers)
        results: dict[str, Verified] = {}
        fresh = []
        for number in numbers:
            info = cached.get(number)
            if info is not None and now - info.checked_at < self._ttl:
                results[number] = Verified(number, FROM_CACHE, info)
            else:
                fresh.append(number)
        month = now.strftime("%Y-%m")
        granted = await self._budgets.reserve(tenant, month, len(fresh), self._budget) if fresh else 0
        for number in fresh[granted:]:
            results[number] = Verified(
                number, OVER_BUDGET, reason=f"monthly verification budget of {self._budget} spent"
            )
        answers = await asyncio.gather(*(self._paid_lookup(number) for number in fresh[:granted]))
        infos = [answer for answer in answers if isinstance(answer, LineInfo)]
        for number, answer in zip(fresh[:granted], answers, strict=True):
            if isinstance(answer, LineInfo):
                results[number] = Verified(number, LOOKED_UP, answer)
            else:
                results[number] = Verified(number, FAILED, reason=answer)
        if len(infos) < granted:
            # Nothing was paid for an unanswered lookup: the reservation goes back to the budget.
            await self._budgets.refund(tenant, month, granted - len(infos))
        if infos:
            await self._cache.put_many(tenant, infos)
        return results

    async def _paid_lookup(self, number: str) -> LineInfo | str:
        """One lookup in its slot of the provider's rate, tried again when refused over it; a failure is its reason."""
        try:
            return await within_rate(lambda: self._lookup.lookup(number), self._rate, self._rate_tries, self._sleep)
        except LookupFailure as exc:
            return str(exc)
        except RateRefused as exc:
            return f"refused over the provider's rate {self._rate_tries} times: {exc}"

    async def batch(
        self, tenant: str, numbers: Iterable[str], progress: BatchProgress | None = None, workers: int = 32
    ) -> BatchProgress:
        """Verifies many numbers, ``workers`` at a time; the progress object is updated after each group."""
        unique = list(dict.fromkeys(numbers))
        progress = progress or BatchProgress(len(unique))
        progress.total = len(unique)
        size = max(1, workers)
        for start in range(0, len(unique), size):
            for verified in await self.verify_many(tenant, unique[start : start + size]):
                progress.count(verified)
        return progress
