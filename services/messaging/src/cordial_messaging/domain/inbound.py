"""Inbound news from providers: delivery receipts and replies; an opt-out is honoured and confirmed once.

Every client's messages leave from the agency's numbers, so the provider posts every reply to the one webhook
URL configured for the number: the tenant in that URL does not tell which client the debtor answered. A reply
is matched to the message it quotes, else to the last message the agency sent to the sender on that channel,
whichever client's; and an opt-out holds for the address and channel across all clients.

The opt-out holds at once; its one confirmation is an action handed to the dispatcher (``ActionToSend.confirms``),
so it waits for the recipient's spacing (a debtor's "SAIR" mostly comes seconds after our message, inside the
provider's pair window) or a provider's rate limit through ``messages_deferred`` as any send does, never in the
webhook's handler, and its id, one per opt-out, keeps it to one message whatever replies come again. Where the
provider confirmed the keyword itself (Twilio for a US number, ``domain/provider_confirmations.py``) the opt-out is
recorded as confirmed by it and messaging sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from google.protobuf.message import Message

from cordial.events.v1 import contacts_pb2, messages_pb2
from cordial.types.v1 import types_pb2
from cordial_core.clock import Clock
from cordial_core.events import Event, EventSource
from cordial_core.ids import stable_id
from cordial_core.money import Money
from cordial_messaging.domain.audit import DELIVERY_ENTRY, AuditEntry, AuditTrail, entry_id
from cordial_messaging.domain.dispatch import SOURCE, ActionToSend, ConcurrentAttempt, Recipient, UncertainSend
from cordial_messaging.domain.offered import offered_contacts
from cordial_messaging.domain.provider_confirmations import (
    PROVIDER_CONFIRMATIONS,
    ProviderConfirmation,
    confirmed_by_provider,
)
from cordial_messaging.domain.replies import classify

# Who confirms an opt-out: messaging's dispatcher, or the provider itself (nothing left to send).
DISPATCHED, BY_PROVIDER = "dispatched", "provider"


@dataclass(frozen=True)
class SentMessage:
    """A message a provider took: what a receipt or a reply is matched to."""

    id: str
    tenant: str
    debt_id: str
    debtor_id: str
    channel: types_pb2.Channel
    contact_point_id: str
    provider: str
    provider_message_id: str
    to: str
    creditor: str
    # A message messaging sent on its own (``OwnMessageKind``: an opt-out's confirmation, a validation notice): its
    # receipts say so, as no step of a path waits on them; unspecified for a step's message.
    own_kind: messages_pb2.OwnMessageKind = messages_pb2.OWN_MESSAGE_KIND_UNSPECIFIED


@dataclass(frozen=True)
class Reply:
    """A debtor's message as a provider reported it."""

    channel: types_pb2.Channel
    provider: str
    provider_message_id: str
    sender: str
    text: str
    in_reply_to: str = ""


@dataclass(frozen=True)
class ReplyOutcome:
    """What became of a reply."""

    matched: bool
    intent: messages_pb2.ReplyIntent = messages_pb2.REPLY_INTENT_UNSPECIFIED
    confirmation_sent: bool = False


class InboundStore(Protocol):
    """Where sent messages are found and replies, deliveries and opt-outs are recorded."""

    async def by_provider_id(self, tenant: str, provider: str, provider_message_id: str) -> SentMessage | None: ...
    async def last_sent_to(self, tenant: str, address: str, channel: types_pb2.Channel) -> SentMessage | None: ...
    async def last_sent_by_agency(self, address: str, channel: types_pb2.Channel) -> SentMessage | None: ...
    async def record_delivery(
        self, message: SentMessage, state: messages_pb2.DeliveryState, events: list[Event]
    ) -> bool: ...
    async def record_reply(
        self, reply_id: str, message: SentMessage, intent: messages_pb2.ReplyIntent, events: list[Event]
    ) -> bool: ...
    def opt_out_id(self, channel: types_pb2.Channel, address: str) -> str: ...
    async def claim_confirmation(
        self, opt_out_id: str, message: SentMessage, channel: types_pb2.Channel, confirmed_by: str = DISPATCHED
    ) -> bool: ...
    async def claimed(self, opt_out_id: str) -> SentMessage | None: ...


class Confirmations(Protocol):
    """Sends an action's one message (the dispatcher): True when sent now, False when deferred, done or given up."""

    async def handle(self, action: ActionToSend) -> bool: ...


def confirmation(opt_out_id: str, answered: SentMessage, channel: types_pb2.Channel) -> ActionToSend:
    """The action confirming an opt-out: one per opt-out, to the address that opted out, naming the answered client."""
    return ActionToSend(
        action_id=stable_id("confirmation", opt_out_id),
        tenant=answered.tenant,
        debt_id=answered.debt_id,
        debtor_id=answered.debtor_id,
        channels=(channel,),
        template="",
        balance=Money(0, "BRL"),  # no amount: the confirmation names none
        creditor_name=answered.creditor,
        confirms=Recipient(answered.contact_point_id, channel, answered.to),
    )


class Inbound:
    """Turns verified provider notifications into events, and confirms each opt-out once."""

    def __init__(
        self,
        store: InboundStore,
        confirmations: Confirmations,
        clock: Clock,
        audit: AuditTrail | None = None,
        provider_confirmations: tuple[ProviderConfirmation, ...] = PROVIDER_CONFIRMATIONS,
    ) -> None:
        self._store = store
        self._provider_confirmations = provider_confirmations
        self._confirmations = confirmations
        self._clock = clock
        self._events = EventSource(SOURCE, clock)
        self._audit = audit

    async def receipt(
        self, tenant: str, provider: str, provider_message_id: str, state: messages_pb2.DeliveryState, error_code: str
    ) -> tuple[bool, bool]:
        """(matched, recorded): a state already recorded for the message adds nothing."""
        message = await self._store.by_provider_id(tenant, provider, provider_message_id)
        if message is None:
            return False, False
        update = messages_pb2.MessageDeliveryUpdated(
            message_id=message.id,
            debt_id=message.debt_id,
            debtor_id=message.debtor_id,
            channel=message.channel,
            contact_point_id=message.contact_point_id,
            state=state,
            error_code=error_code,
            provider_message_id=provider_message_id,
            # Set for every kind, so consumers of the previous release ignore a notice's receipts as a step's too.
            confirmation=message.own_kind != messages_pb2.OWN_MESSAGE_KIND_UNSPECIFIED,
            own_kind=message.own_kind,
        )
        event = self._event(message, "message.delivery_updated", update)
        recorded = await self._store.record_delivery(message, state, [event])
        # Appended even when the state was recorded before: a crash between the two writes loses nothing.
        await self._audited(message, state, error_code)
        return True, recorded

    async def _audited(self, message: SentMessage, state: messages_pb2.DeliveryState, error_code: str) -> None:
        """The delivery state in the audit trail, once per message and state."""
        if self._audit is None:
            return
        entry = AuditEntry(
            entry_id(message.tenant, message.id, DELIVERY_ENTRY, state),
            message.tenant,
            DELIVERY_ENTRY,
            message.id,
            message.debt_id,
            message.debtor_id,
            message.channel,
            message.contact_point_id,
            message.to,
            message.provider,
            message.provider_message_id,
            self._clock.now(),
            delivery_state=state,
            error_code=error_code,
        )
        await self._audit.append(entry)

    async def reply(self, tenant: str, reply: Reply) -> ReplyOutcome:
        """Classifies the reply, records it with its events, and confirms an opt-out once."""
        message = await self._answered(tenant, reply)
        if message is None:
            return ReplyOutcome(False)
        intent = classify(reply.text)
        received = messages_pb2.ReplyReceived(
            debtor_id=message.debtor_id,
            debt_id=message.debt_id,
            channel=reply.channel,
            contact_point_id=message.contact_point_id,
            intent=intent,
        )
        # Someone who is not the debtor, or who asked us to stop, is not offering the debtor's contacts.
        if intent not in (messages_pb2.REPLY_INTENT_NOT_ME, messages_pb2.REPLY_INTENT_OPT_OUT):
            for kind, value in offered_contacts(reply.text, reply.sender):
                received.offered_contacts.add(kind=kind, value=value)
        events = [self._event(message, "reply.received", received)]
        opted_out = intent == messages_pb2.REPLY_INTENT_OPT_OUT
        if opted_out:
            opt_out = contacts_pb2.ContactOptedOut(
                debtor_id=message.debtor_id,
                channel=reply.channel,
                contact_point_id=message.contact_point_id,
                source="keyword",
            )
            events.append(self._event(message, "contact.opted_out", opt_out))
        reply_id = stable_id(tenant, reply.provider, reply.provider_message_id)
        await self._store.record_reply(reply_id, message, intent, events)
        confirmed = opted_out and await self._confirm(message, reply)
        return ReplyOutcome(True, intent, confirmed)

    async def _answered(self, tenant: str, reply: Reply) -> SentMessage | None:
        """The message the reply answers: the one it quotes, else the last one the agency sent the sender there.

        The last one sent before the agency-wide record existed is looked for in the webhook's tenant.
        """
        if reply.in_reply_to:
            quoted = await self._store.by_provider_id(tenant, reply.provider, reply.in_reply_to)
            if quoted is not None:
                return quoted
        last = await self._store.last_sent_by_agency(reply.sender, reply.channel)
        return last or await self._store.last_sent_to(tenant, reply.sender, reply.channel)

    async def _confirm(self, message: SentMessage, reply: Reply) -> bool:
        """Records the opt-out and hands its one confirmation to the dispatcher; True when it was sent now.

        The first claim names the answered message; a reply said again takes up that same confirmation (a crash
        may have left it unsent), which the dispatcher sends at most once. One the provider confirmed itself is
        recorded as such, and no reply after it is confirmed again.
        """
        channel_id = reply.channel
        opt_out_id = self._store.opt_out_id(channel_id, message.to)
        if confirmed_by_provider(self._provider_confirmations, reply.provider, message.to, reply.text):
            await self._store.claim_confirmation(opt_out_id, message, channel_id, BY_PROVIDER)
            return False
        first = await self._store.claim_confirmation(opt_out_id, message, channel_id)
        answered = message if first else await self._store.claimed(opt_out_id)
        if answered is None:
            return False  # an opt-out confirmed (or not) before confirmations were dispatched: never again
        try:
            return await self._confirmations.handle(confirmation(opt_out_id, answered, channel_id))
        except ConcurrentAttempt:
            return False  # another worker is sending it
        except UncertainSend:
            return False  # it may have left: held as the dispatcher holds any such attempt, never sent again

    def _event(self, message: SentMessage, event_type: str, payload: Message) -> Event:
        return self._events.event(
            event_type, payload, tenant=message.tenant, subject=message.debt_id, key=message.debtor_id
        )
