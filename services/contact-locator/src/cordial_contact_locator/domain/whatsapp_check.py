"""WhatsApp reachability from a contacts check provider, for the tenants whose client has one.

The Cloud API has no existence check, so outcomes stay the main evidence (131026 blocks WhatsApp on
the point, deliveries and reads raise its score). Where a check provider is configured for the tenant,
each phone verified is asked about in groups, and the answer is kept for the verification TTL so the
same number is not asked again within it: "invalid" blocks WhatsApp on the point, "valid" is recorded
on the point (``on_whatsapp``, shown in the plan's why). A valid answer is not a score nudge: it says the
number has WhatsApp, not that it reaches the right person, which only outcomes tell.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from cordial.types.v1 import types_pb2
from cordial_core.clock import Clock
from cordial_core.rate_limit import TokenBucket

log = logging.getLogger(__name__)
NOT_ON_WHATSAPP_CHECK = "not on WhatsApp (contacts check)"
ALL_TENANTS = "*"


@dataclass(frozen=True)
class WhatsAppStatus:
    """What a contacts check said of a number, and when."""

    number: str
    on_whatsapp: bool
    checked_at: datetime


class CheckFailure(Exception):
    """The check provider could not answer now (nothing is kept)."""


class WhatsAppCheck(Protocol):
    """A contacts check provider: for each number asked, whether it is a WhatsApp user."""

    async def check(self, numbers: list[str]) -> dict[str, bool]: ...


class WhatsAppCheckCache(Protocol):
    """Past checks of a tenant's numbers."""

    async def get_many(self, tenant: str, numbers: list[str]) -> dict[str, WhatsAppStatus]: ...
    async def put_many(self, tenant: str, statuses: list[WhatsAppStatus]) -> None: ...


def parse_tenants(setting: str) -> frozenset[str]:
    """The tenants with a check provider from a comma-separated setting ("*" for all, empty for none)."""
    return frozenset(t.strip() for t in setting.split(",") if t.strip())


def whatsapp_blocks(status: WhatsAppStatus) -> dict[int, str]:
    """The channels a check rules out: WhatsApp when the number is not a user."""
    return {} if status.on_whatsapp else {types_pb2.CHANNEL_WHATSAPP: NOT_ON_WHATSAPP_CHECK}


class WhatsAppChecker:
    """Asks the check provider about numbers of the tenants that have one, never twice within the TTL."""

    def __init__(
        self,
        check: WhatsAppCheck,
        cache: WhatsAppCheckCache,
        clock: Clock,
        *,
        tenants: Collection[str],
        ttl: timedelta,
        group: int = 1000,
        bucket: TokenBucket | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._check = check
        # The provider's request rate (one request per group); None: asked as fast as answers come.
        self._bucket = bucket
        self._sleep = sleep
        self._cache = cache
        self._clock = clock
        self._tenants = frozenset(tenants)
        self._ttl = ttl
        # Numbers asked in one request to the provider.
        self._group = max(1, group)

    def serves(self, tenant: str) -> bool:
        """Whether the tenant's client has a check provider."""
        return ALL_TENANTS in self._tenants or tenant in self._tenants

    async def check_many(self, tenant: str, numbers: list[str]) -> dict[str, WhatsAppStatus]:
        """Each number's status, from the cache when fresh, else from the provider; unanswered ones are left out."""
        if not self.serves(tenant) or not numbers:
            return {}
        unique = list(dict.fromkeys(numbers))
        now = self._clock.now()
        cached = await self._cache.get_many(tenant, unique)
        results = {n: s for n, s in cached.items() if now - s.checked_at < self._ttl}
        fresh = [n for n in unique if n not in results]
        asked: list[WhatsAppStatus] = []
        for start in range(0, len(fresh), self._group):
            part = fresh[start : start + self._group]
            if self._bucket is not None:
                wait = self._bucket.take(self._clock.now().timestamp())
                if wait > 0:
                    await self._sleep(wait)
            try:
                answers = await self._check.check(part)
            except CheckFailure as exc:
                log.warning("WhatsApp contacts check failed: %s", exc, extra={"tenant": tenant})
                continue
            asked.extend(WhatsAppStatus(n, answers[n], now) for n in part if n in answers)
        if asked:
            await self._cache.put_many(tenant, asked)
        return results | {s.number: s for s in asked}
