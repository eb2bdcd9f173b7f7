"""In-process verification cache and budgets: for one process's batch (a bench, a one-off job), not shared."""

from __future__ import annotations

from collections import Counter

from cordial_contact_locator.domain.verification import LineInfo


class MemoryCache:
    """Lookups kept in a dict, per tenant."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], LineInfo] = {}

    async def get_many(self, tenant: str, numbers: list[str]) -> dict[str, LineInfo]:
        """The last lookup of each number known for the tenant."""
        return {n: self._items[(tenant, n)] for n in numbers if (tenant, n) in self._items}

    async def put_many(self, tenant: str, infos: list[LineInfo]) -> None:
        """Keeps lookups."""
        for info in infos:
            self._items[(tenant, info.number)] = info


class MemoryBudgets:
    """Paid lookups counted per tenant and month."""

    def __init__(self) -> None:
        self.spent: Counter[tuple[str, str]] = Counter()

    async def reserve(self, tenant: str, month: str, count: int, limit: int) -> int:
        """Reserves up to ``count`` lookups within the month's limit; how many were granted."""
        granted = max(0, min(count, limit - self.spent[(tenant, month)]))
        self.spent[(tenant, month)] += granted
        return granted

    async def refund(self, tenant: str, month: str, count: int) -> None:
        """Gives back lookups that were reserved but not paid."""
        self.spent[(tenant, month)] -= count
