"""Replies, deliveries and opt-outs in MongoDB, beside the messages they belong to.

Two records belong to the agency rather than to one client, as the agency's numbers carry every client's
messages: the last message sent to each address on each channel (what a reply answers), and opt-outs per
address and channel. Both are keyed by the channel and the address's keyed hash, never the address itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from cordial.events.v1 import messages_pb2
from cordial.types.v1 import types_pb2
from cordial_core.clock import Clock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.events import Event
from cordial_core.ids import stable_id
from cordial_core.store import TenantCollection
from cordial_messaging.domain.dispatch import SENT, Recipient, own_kind
from cordial_messaging.domain.inbound import BY_PROVIDER, DISPATCHED, SentMessage

# The pseudo-tenant of the agency's own records (as strategy's per-person documents).
AGENCY = "_agency"


class InboundRepository:
    """Finds sent messages by provider id or by the recipient's lookup hash; keeps replies and opt-outs."""

    def __init__(
        self,
        messages: TenantCollection,
        replies: TenantCollection,
        opt_outs: TenantCollection,
        cipher: PersonalDataCipher,
        clock: Clock,
        recipients: TenantCollection | None = None,
    ) -> None:
        self._messages = messages
        self._replies = replies
        self._opt_outs = opt_outs
        self._recipients = recipients
        self._cipher = cipher
        self._clock = clock

    async def by_provider_id(self, tenant: str, provider: str, provider_message_id: str) -> SentMessage | None:
        """The sent message the provider knows by this id."""
        doc = await self._messages.find_one(tenant, {"provider": provider, "provider_message_id": provider_message_id})
        return self._sent(doc) if doc else None

    async def last_sent_to(self, tenant: str, address: str, channel: types_pb2.Channel) -> SentMessage | None:
        """The latest message sent to this address on this channel."""
        query = {"to_hash": self._cipher.lookup_hash(address), "channel": channel, "state": SENT}
        docs = await self._messages.find(tenant, query, sort=[("sent_at", -1)], limit=1)
        return self._sent(docs[0]) if docs else None

    async def sent(self, tenant: str, message_id: str, channel: types_pb2.Channel, address: str, at: datetime) -> None:
        """Remembers the message as the last the agency sent to this address on this channel.

        Written last-wins without a condition on the time (a range condition would scan the collection on
        FerretDB): two sends to one person are seconds apart (the recipient spacing), so they do not race.
        Updated first, as most people get more than one message; inserted for the first one.
        """
        if self._recipients is None:
            return
        key = self._key("to", channel, address)
        record = {"message_tenant": tenant, "message_id": message_id, "channel": channel, "sent_at": at}
        if await self._recipients.update(AGENCY, {"_id": key}, record):
            return
        if not await self._recipients.insert(AGENCY, {"_id": key, **record}):
            await self._recipients.update(AGENCY, {"_id": key}, record)  # another instance inserted it meanwhile

    async def last_sent_by_agency(self, address: str, channel: types_pb2.Channel) -> SentMessage | None:
        """The last message the agency sent to this address on this channel, whichever client's."""
        if self._recipients is None:
            return None
        last = await self._recipients.find_one(AGENCY, {"_id": self._key("to", channel, address)})
        if last is None:
            return None
        doc = await self._messages.find_one(last["message_tenant"], {"_id": last["message_id"], "state": SENT})
        return self._sent(doc) if doc else None

    async def record_delivery(
        self, message: SentMessage, state: messages_pb2.DeliveryState, events: list[Event]
    ) -> bool:
        """Records a delivery state once per message, with its event in the same write."""
        return await self._messages.update(
            message.tenant,
            {"_id": message.id, f"deliveries.{state}": {"$exists": False}},
            {f"deliveries.{state}": self._clock.now()},
            events,
            self._clock,
        )

    async def record_reply(
        self, reply_id: str, message: SentMessage, intent: messages_pb2.ReplyIntent, events: list[Event]
    ) -> bool:
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

    def opt_out_id(self, channel: types_pb2.Channel, address: str) -> str:
        """One id per opt-out of an address on a channel, the same for every client."""
        return self._key("opt-out", channel, address)

    async def claim_confirmation(
        self, opt_out_id: str, message: SentMessage, channel: types_pb2.Channel, confirmed_by: str = DISPATCHED
    ) -> bool:
        """Records the opt-out for the agency; True only for the first claim, the one that may confirm it."""
        doc = {
            "_id": opt_out_id,
            "message_tenant": message.tenant,  # whose message was answered: the confirmation names that creditor
            "message_id": message.id,
            "debtor_id": message.debtor_id,
            "contact_point_id": message.contact_point_id,
            "channel": channel,
            # Its confirmation is a message of the answered client sent by the dispatcher, or the provider's own.
            "confirmation": confirmed_by,
            "opted_out_at": self._clock.now(),
        }
        return await self._opt_outs.insert(AGENCY, doc)

    async def claimed(self, opt_out_id: str) -> SentMessage | None:
        """The message the first claim of this opt-out answered, whose confirmation the dispatcher sends.

        None for an opt-out claimed before confirmations were dispatched (its confirmation was tried then).
        """
        claim = await self._opt_outs.find_one(AGENCY, {"_id": opt_out_id})
        if claim is None or claim.get("confirmation") != DISPATCHED:
            return None
        doc = await self._messages.find_one(claim["message_tenant"], {"_id": claim["message_id"], "state": SENT})
        return self._sent(doc) if doc else None

    async def opted_out_at_provider(
        self, tenant: str, debtor_id: str, recipient: Recipient, events: list[Event]
    ) -> bool:
        """Records an opt-out the provider reported by refusing a send, with its events; False when already known.

        The provider confirmed it when it was made (Twilio's own reply to STOP), so nothing is owed.
        """
        doc = {
            "_id": self.opt_out_id(recipient.channel, recipient.address),
            "message_tenant": tenant,
            "debtor_id": debtor_id,
            "contact_point_id": recipient.contact_point_id,
            "channel": recipient.channel,
            "confirmation": BY_PROVIDER,
            "opted_out_at": self._clock.now(),
        }
        return await self._opt_outs.insert(AGENCY, doc, events, self._clock)

    async def opted_out(self, channel: types_pb2.Channel, address: str) -> bool:
        """True when a reply from this address opted out of this channel, answering any client's message."""
        return await self._opt_outs.find_one(AGENCY, {"_id": self.opt_out_id(channel, address)}) is not None

    def _key(self, kind: str, channel: types_pb2.Channel, address: str) -> str:
        return stable_id(kind, str(channel), self._cipher.lookup_hash(address))

    def _sent(self, doc: dict[str, Any]) -> SentMessage:
        asked = doc.get("action") or {}
        return SentMessage(
            id=doc["_id"],
            tenant=doc["tenant"],
            debt_id=doc["debt_id"],
            debtor_id=doc["debtor_id"],
            channel=cast(types_pb2.Channel, int(doc["channel"])),  # stored as the enum's number
            contact_point_id=doc["contact_point_id"],
            provider=doc["provider"],
            provider_message_id=doc["provider_message_id"],
            to=self._cipher.decrypt(doc["to_enc"]),
            creditor=doc.get("creditor", ""),
            own_kind=own_kind(bool(asked.get("confirms")), bool(asked.get("validates"))),
        )
