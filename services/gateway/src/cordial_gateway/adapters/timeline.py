"""The timeline projection: every event about a debt, in order, scoped by tenant."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cordial_core.store import TenantCollection


class TimelineRepository:
    """One entry per event id, so a redelivered event is stored once."""

    def __init__(self, collection: TenantCollection) -> None:
        self.collection = collection

    async def ensure_indexes(self) -> None:
        """Entries are read by debt in time order."""
        await self.collection.raw.create_index([("tenant", 1), ("debt_id", 1), ("time", 1)])

    async def add(
        self, tenant: str, event_id: str, debt_id: str, event_type: str, source: str, time: datetime, summary: str
    ) -> None:
        """Records one step."""
        await self.collection.insert(
            tenant,
            {
                "_id": event_id,
                "debt_id": debt_id,
                "type": event_type,
                "source": source,
                "time": time,
                "summary": summary,
            },
        )

    async def of_debt(self, tenant: str, debt_id: str) -> list[dict[str, Any]]:
        """The steps of a debt, oldest first."""
        return await self.collection.find(tenant, {"debt_id": debt_id}, sort=[("time", 1), ("_id", 1)])
