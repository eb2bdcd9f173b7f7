"""Replies, deliveries and opt-outs in MongoDB, beside the messages they belong to."""

from __future__ import annotations

from typing import Any

from cordial_core.clock import Clock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.events import Event
from cordial_core.store import TenantCollection
from cordial_messaging.domain.dispatch import SENT
from cordial_messaging.domain.inbound import SentMessage, opt_out_key


class InboundRepository:
    """Finds sent messages by provider id or by the recipient's lookup hash; keeps replies and opt-outs."""

    def __init__(
        self,
        messages: TenantCollection,
        replies: TenantCollection,
        opt_outs: TenantCollection,
        cipher: PersonalDataCipher,
        clock: Clock,
    ) -> None:
        self._messages = messages
        self._replies = replies
        self._opt_outs = opt_outs
        self._cipher = cipher
        self._clock = clock

    async def by_provider_id(self, tenant: str, provider: str, provider_message_id: str) -> SentMessage | None:
        """The sent message the provider knows by this id."""
        doc = await self._messages.find_one(tenant, {"provider": provider, "provider_message_id": provider_message_id})
        return self._sent(doc) if doc else None

    async def last_sent_to(self, tenant: str, address: str, channel: int) -> SentMessage | None:
        """The latest message sent to this address on this channel."""
        query = {"to_hash": self._cipher.lookup_hash(address), "channel": channel, "state": SENT}
        docs = await self._messages.find(tenant, query, sort=[("sent_at", -1)], limit=1)
        return self._sent(docs[0]) if docs else None

    async def record_delivery(self, message: SentMessage, state: int, events: list[Event]) -> bool:
        """Records a delivery state once per message, with its event in the same write."""
        return await self._messages.update(
            message.tenant,
            {"_id": message.id, f"deliveries.{state}": {"$exists": False}},
            {f"deliveries.{state}": self._clock.now()},
            events,
            self._clock,
        )

    async def record_reply(self, reply_id: str, message: SentMessage, intent: int, events: list[Event]) -> bool:
        """Records a reply once (its text is not kept: its intent is what is acted on)."""
        doc = {
            "_id": reply_id,
            "message_id": message.id,
            "debtor_id": message.debtor_id,
            "contact_point_id": message.contact_point_id,
            "channel": message.channel,
            "intent": intent,
            "received_at": self._clock.now(),
        }
        return await self._replies.insert(message.tenant, doc, events, self._clock)

    async def claim_confirmation(self, opt_out_id: str, message: SentMessage) -> bool:
        """Records the opt-out; True only for the first claim, the one that may confirm it."""
        doc = {
            "_id": opt_out_id,
            "debtor_id": message.debtor_id,
            "contact_point_id": message.contact_point_id,
            "channel": message.channel,
            "confirmation": "started",
            "opted_out_at": self._clock.now(),
        }
        return await self._opt_outs.insert(message.tenant, doc)

    async def end_confirmation(self, tenant: str, opt_out_id: str, outcome: str) -> None:
        """Records how the confirmation ended."""
        await self._opt_outs.update(tenant, {"_id": opt_out_id}, {"confirmation": outcome})

    async def opted_out(self, tenant: str, contact_point_id: str, channel: int) -> bool:
        """True when the debtor opted out of this point on this channel by replying here."""
        return (
            await self._opt_outs.find_one(tenant, {"_id": opt_out_key(tenant, contact_point_id, channel)}) is not None
        )

    def _sent(self, doc: dict[str, Any]) -> SentMessage:
        return SentMessage(
            id=doc["_id"],
            tenant=doc["tenant"],
            debt_id=doc["debt_id"],
            debtor_id=doc["debtor_id"],
            channel=int(doc["channel"]),
            contact_point_id=doc["contact_point_id"],
            provider=doc["provider"],
            provider_message_id=doc["provider_message_id"],
            to=self._cipher.decrypt(doc["to_enc"]),
            creditor=doc.get("creditor", ""),
        )
