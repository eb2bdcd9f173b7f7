"""The timeline projection: every event about a debt, in order, scoped by tenant."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cordial_core.crypto import PersonalDataCipher
from cordial_core.ids import stable_id
from cordial_core.store import TenantCollection
from cordial_gateway.domain.timeline import FORMER_KIND, SentMessage


def message_entry_id(message_id: str) -> str:
    """The entry of a message sent, found by the message's id when its delivery states arrive."""
    return stable_id("timeline-message", message_id)


class TimelineRepository:
    """One entry per event id, so a redelivered event is stored once.

    A message's entry keeps what was sent and its delivery states; its text is personal data, stored encrypted as
    messaging stores it.
    """

    def __init__(self, collection: TenantCollection, cipher: PersonalDataCipher) -> None:
        self.collection = collection
        self._cipher = cipher

    async def ensure_indexes(self) -> None:
        """Entries are read by debt in time order."""
        await self.collection.raw.create_index([("tenant", 1), ("debt_id", 1), ("time", 1)])

    async def add(
        self,
        tenant: str,
        event_id: str,
        debt_id: str,
        event_type: str,
        source: str,
        time: datetime,
        summary: str,
        message: SentMessage | None = None,
    ) -> None:
        """Records one step; a message sent under its message's entry id, with what was sent."""
        entry: dict[str, Any] = {
            "_id": message_entry_id(message.message_id) if message else event_id,
            "debt_id": debt_id,
            "type": event_type,
            "source": source,
            "time": time,
            "summary": summary,
        }
        if message is not None:
            entry["message"] = {
                "message_id": message.message_id,
                "kind": message.kind,
                "follows_message_id": message.follows_message_id,
                "channel": message.channel,
                "contact_point_id": message.contact_point_id,
                "provider": message.provider,
                "provider_message_id": message.provider_message_id,
                "text_enc": self._cipher.encrypt(message.text),
                "deliveries": {},
            }
        await self.collection.insert(tenant, entry)

    async def delivered(self, tenant: str, message_id: str, state: str, time: datetime) -> bool:
        """Sets when its message reached a delivery state on the message's entry; False when it has none."""
        return await self.collection.update(
            tenant, {"_id": message_entry_id(message_id)}, {f"message.deliveries.{state}": time}
        )

    async def of_debt(self, tenant: str, debt_id: str) -> list[dict[str, Any]]:
        """The steps of a debt, oldest first; a message's text decrypted, its kind named (as kept before kinds)."""
        entries = await self.collection.find(tenant, {"debt_id": debt_id}, sort=[("time", 1), ("_id", 1)])
        for entry in entries:
            message = entry.get("message")
            if message is not None:
                message["text"] = self._cipher.decrypt(message.pop("text_enc"))
                message.setdefault("kind", FORMER_KIND)
                message.setdefault("follows_message_id", "")
        return entries
