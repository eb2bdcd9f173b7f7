"""Messages in MongoDB, one document per action, so an action yields at most one message."""

from __future__ import annotations

from typing import Any

from cordial_core.clock import Clock
from cordial_core.events import Event
from cordial_core.store import TenantCollection
from cordial_messaging.domain.dispatch import ActionToSend


class MessageRepository:
    """The action id is the document id: a second claim of a finished action fails."""

    def __init__(self, collection: TenantCollection, clock: Clock) -> None:
        self.collection = collection
        self._clock = clock

    async def ensure_indexes(self) -> None:
        """Messages are listed by debt."""
        await self.collection.raw.create_index([("tenant", 1), ("debt_id", 1)])

    async def claim(self, action: ActionToSend) -> bool:
        """True when the action still needs sending (new, or pending after a failed attempt)."""
        doc = {
            "_id": action.action_id,
            "debt_id": action.debt_id,
            "debtor_id": action.debtor_id,
            "state": "pending",
            "created_at": self._clock.now(),
        }
        if await self.collection.insert(action.tenant, doc):
            return True
        existing = await self.collection.find_one(action.tenant, {"_id": action.action_id})
        return existing is not None and existing["state"] == "pending"

    async def finish(self, action: ActionToSend, state: str, fields: dict[str, object], events: list[Event]) -> None:
        """Records the outcome and its event in one write."""
        await self.collection.update(
            action.tenant,
            {"_id": action.action_id, "state": "pending"},
            {"state": state, **fields},
            events,
            self._clock,
        )

    async def of_debt(self, tenant: str, debt_id: str) -> list[dict[str, Any]]:
        """The messages of a debt, oldest first."""
        return await self.collection.find(tenant, {"debt_id": debt_id}, sort=[("created_at", 1)])
