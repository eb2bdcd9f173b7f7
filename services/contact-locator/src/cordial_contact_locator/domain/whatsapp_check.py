"""WhatsApp reachability from a contacts check provider, for the tenants whose client has one.

The Cloud API has no existence check, so outcomes stay the main evidence (131026 blocks WhatsApp on
the point, deliveries and reads raise its score). Where a check provider is configured for the tenant,
each phone verified is asked about in groups, and the answer is kept for the verification TTL so the
same number is not asked again within it: "invalid" blocks WhatsApp on the point, "valid" is recorded
on the point (``on_whatsapp``, shown in the plan's why). A valid answer is not a score nudge: it says the
number has WhatsApp, not that it reaches the right person, which only outcomes tell.

A check is paid per number asked, so it spends the tenant's verification budget as a lookup does (one unit
per number, reserved per group before asking and given back when the provider does not answer); a number
past the budget is not asked. Numbers that callers ask about at once share requests (``CheckPool``).
Requests (one per group) keep to the provider's rate through a ``Pacer``, shared by every instance when it
draws on ``cordial_core.rate_cells``; a request the provider refuses over its rate anyway (429, 1015) is
asked again in a later slot, a bounded number of times (``within_rate``).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from cordial.types.v1 import types_pb2
from cordial_contact_locator.domain.check_pool import CheckPool
from cordial_contact_locator.domain.in_flight import InFlight
from cordial_contact_locator.domain.verification import (
    FAILED,
    FROM_CACHE,
    LOOKED_UP,
    OVER_BUDGET,
    RATE_TRIES,
    Budgets,
    RateRefused,
)
from cordial_core.clock import Clock
from cordial_core.rate_cells import Pacer, Sleep

log = logging.getLogger(__name__)
NOT_ON_WHATSAPP_CHECK = "not on WhatsApp (contacts check)"
ALL_TENANTS = "*"


@dataclass(frozen=True)
class WhatsAppStatus:
    """What a contacts check said of a number, and when."""

    number: str
    on_whatsapp: bool
    checked_at: datetime


@dataclass(frozen=True)
class WhatsAppAnswers:
    """A check of many numbers: the statuses known, and how many numbers went each way (cache, provider,
    over_budget, failed)."""

    statuses: dict[str, WhatsAppStatus]
    counts: Counter[str]


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
    """Asks the check provider about numbers of the tenants that have one: never twice within the TTL, never over
    the tenant's verification budget, never above the provider's request rate."""

    def __init__(
        self,
        check: WhatsAppCheck,
        cache: WhatsAppCheckCache,
        clock: Clock,
        budgets: Budgets,
        *,
        tenants: Collection[str],
        ttl: timedelta,
        monthly_budget: int,
        group: int = 1000,
        rate: Pacer | None = None,
        counts: Callable[[str, str, int], None] | None = None,
        rate_tries: int = RATE_TRIES,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        # The provider's request rate (one request per group; None: asked as fast as answers come), and per tenant
        # a pool that joins the numbers of callers asking at once into one request (a request holds one tenant's).
        self._pools: dict[str, CheckPool] = {}
        # A number asked about while another caller of this instance asks about it waits for that answer.
        self._in_flight: InFlight[tuple[str, str], WhatsAppStatus | None] = InFlight()
        self._new_pool = lambda: CheckPool(check, rate, group, rate_tries, sleep)
        self._cache = cache
        self._clock = clock
        self._budgets = budgets
        self._budget = monthly_budget
        self._tenants = frozenset(tenants)
        self._ttl = ttl
        # Numbers asked in one request to the provider.
        self._group = max(1, group)
        # Counts numbers per tenant and result (cache, provider, over_budget, failed) for operators.
        self._counts = counts

    def serves(self, tenant: str) -> bool:
        """Whether the tenant's client has a check provider."""
        return ALL_TENANTS in self._tenants or tenant in self._tenants

    async def check_many(self, tenant: str, numbers: list[str]) -> dict[str, WhatsAppStatus]:
        """Each number's status, from the cache when fresh, else from the provider within the budget; numbers
        unanswered or refused over budget are left out."""
        return (await self.answers(tenant, numbers)).statuses

    async def answers(self, tenant: str, numbers: list[str]) -> WhatsAppAnswers:
        """The statuses known (as ``check_many``) and how each distinct number went, for a batch's progress."""
        tally: Counter[str] = Counter()
        if not self.serves(tenant) or not numbers:
            return WhatsAppAnswers({}, tally)
        unique = list(dict.fromkeys(numbers))
        now = self._clock.now()
        cached = await self._cache.get_many(tenant, unique)
        results = {n: s for n, s in cached.items() if now - s.checked_at < self._ttl}
        self._note(tenant, tally, FROM_CACHE, len(results))
        fresh = [n for n in unique if n not in results]
        mine: set[str] = set()

        async def ask(keys: list[tuple[str, str]]) -> dict[tuple[str, str], WhatsAppStatus | None]:
            numbers = [number for _, number in keys]
            mine.update(numbers)
            asked = await self._ask_all(tenant, numbers, now, tally)
            return {(tenant, n): asked.get(n) for n in numbers}

        found = await self._in_flight.answer([(tenant, n) for n in fresh], ask)
        for number in fresh:
            status = found[(tenant, number)]
            if number not in mine:
                # Another caller was asking about it: nothing paid here (unanswered there, unanswered here too).
                self._note(tenant, tally, FROM_CACHE if status is not None else FAILED, 1)
            if status is not None:
                results[number] = status
        return WhatsAppAnswers(results, tally)

    async def _ask_all(
        self, tenant: str, numbers: list[str], now: datetime, tally: Counter[str]
    ) -> dict[str, WhatsAppStatus]:
        """Asks the provider about the numbers a group at a time, keeps the answers; the answered ones."""
        asked: list[WhatsAppStatus] = []
        for start in range(0, len(numbers), self._group):
            asked.extend(await self._ask(tenant, numbers[start : start + self._group], now, tally))
        if asked:
            await self._cache.put_many(tenant, asked)
        return {s.number: s for s in asked}

    async def _ask(self, tenant: str, part: list[str], now: datetime, tally: Counter[str]) -> list[WhatsAppStatus]:
        """One paid request for a group, within the budget and the rate; numbers not answered are refunded."""
        month = now.strftime("%Y-%m")
        granted = await self._budgets.reserve(tenant, month, len(part), self._budget)
        if granted < len(part):
            log.warning(
                "WhatsApp contacts check refused for %d numbers: monthly verification budget of %d spent",
                len(part) - granted,
                self._budget,
                extra={"tenant": tenant},
            )
            self._note(tenant, tally, OVER_BUDGET, len(part) - granted)
        paid = part[:granted]
        if not paid:
            return []
        try:
            pool = self._pools.get(tenant) or self._pools.setdefault(tenant, self._new_pool())
            answers = await pool.check(paid)
        except (CheckFailure, RateRefused) as exc:
            log.warning("WhatsApp contacts check failed: %s", exc, extra={"tenant": tenant})
            answers = {}
        statuses = [WhatsAppStatus(n, answers[n], now) for n in paid if n in answers]
        if len(statuses) < granted:
            # Nothing was learned of an unanswered number: its unit goes back to the budget.
            await self._budgets.refund(tenant, month, granted - len(statuses))
            self._note(tenant, tally, FAILED, granted - len(statuses))
        self._note(tenant, tally, LOOKED_UP, len(statuses))
        return statuses

    def _note(self, tenant: str, tally: Counter[str], result: str, how_many: int) -> None:
        tally[result] += how_many
        self._count(tenant, result, how_many)

    def _count(self, tenant: str, result: str, how_many: int) -> None:
        if self._counts is not None and how_many:
            self._counts(tenant, result, how_many)
