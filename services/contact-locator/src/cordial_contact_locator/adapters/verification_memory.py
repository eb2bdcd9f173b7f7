"""In-process verification cache and budgets: for one process's batch (a bench, a one-off job), not shared."""

from __future__ import annotations

from collections import Counter

from cordial_contact_locator.domain.verification import LineInfo


class MemoryCache:
    """Lookups kept in a dict, per tenant."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], LineInfo] = {}

    async def get(self, tenant: str, number: str) -> LineInfo | None:
        """The last lookup of the number for the tenant."""
        return self._items.get((tenant, number))

    async def put(self, tenant: str, info: LineInfo) -> None:
        """Keeps a lookup."""
        self._items[(tenant, info.number)] = info


class MemoryBudgets:
    """Paid lookups counted per tenant and month."""

    def __init__(self) -> None:
        self.spent: Counter[tuple[str, str]] = Counter()

    async def spend(self, tenant: str, month: str, limit: int) -> bool:
        """Reserves one lookup unless the month's limit is reached."""
        if self.spent[(tenant, month)] >= limit:
            return False
        self.spent[(tenant, month)] += 1
        return True

    async def refund(self, tenant: str, month: str) -> None:
        """Gives back a lookup that was reserved but not paid."""
        self.spent[(tenant, month)] -= 1
