"""Dispatch: one requested action becomes at most one message, on the best usable contact."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from cordial.events.v1 import messages_pb2
from cordial_core.clock import Clock
from cordial_core.events import Event, EventSource
from cordial_core.money import Money
from cordial_messaging.domain.templates import DEFAULT_TEMPLATES, format_money, render

SOURCE = "messaging"


@dataclass(frozen=True)
class ActionToSend:
    """What strategy asked for."""

    action_id: str
    tenant: str
    debt_id: str
    debtor_id: str
    channels: tuple[int, ...]
    template: str
    balance: Money
    creditor_name: str


@dataclass(frozen=True)
class Recipient:
    """One usable contact point from the contact plan."""

    contact_point_id: str
    channel: int
    address: str


@dataclass(frozen=True)
class OutboundMessage:
    """What a channel sends."""

    to: str
    text: str
    template: str
    parameters: tuple[str, ...]


class PermanentSendFailure(Exception):
    """The provider refused this recipient for good; try the next one."""


class TransientSendFailure(Exception):
    """The provider could not take it now; retry later."""


class Channel(Protocol):
    """A provider adapter for one channel."""

    name: str

    async def send(self, message: OutboundMessage) -> str: ...


class Messages(Protocol):
    """Where messages are kept; the action id is the message id."""

    async def claim(self, action: ActionToSend) -> bool: ...
    async def finish(
        self, action: ActionToSend, state: str, fields: dict[str, object], events: list[Event]
    ) -> None: ...


class ContactPlan(Protocol):
    """Asks contact-locator which points to use."""

    async def plan(self, debtor_id: str, channels: tuple[int, ...]) -> list[Recipient]: ...


class Dispatcher:
    """Sends each requested action once, falling back along the contact plan."""

    def __init__(
        self, messages: Messages, plan: ContactPlan, channels: dict[int, Channel], clock: Clock, portal_url: str
    ) -> None:
        self._messages = messages
        self._plan = plan
        self._channels = channels
        self._clock = clock
        self._events = EventSource(SOURCE, clock)
        self._portal = portal_url.rstrip("/")

    async def handle(self, action: ActionToSend) -> None:
        """Sends the action's message unless it was already sent or given up."""
        if not await self._messages.claim(action):
            return
        template = DEFAULT_TEMPLATES[(action.template, "pt-BR")]
        link = f"{self._portal}/{action.debt_id}"
        amount = format_money(action.balance)
        text = render(template, {"creditor": action.creditor_name, "amount": amount, "link": link})
        failures = []
        for recipient in await self._plan.plan(action.debtor_id, action.channels):
            channel = self._channels.get(recipient.channel)
            if channel is None:
                continue
            outbound = OutboundMessage(recipient.address, text, template.name, (action.creditor_name, amount, link))
            try:
                provider_id = await channel.send(outbound)
            except PermanentSendFailure as exc:
                failures.append(f"{channel.name}: {exc}")
                continue
            sent = messages_pb2.MessageSent(
                message_id=action.action_id,
                action_id=action.action_id,
                debt_id=action.debt_id,
                debtor_id=action.debtor_id,
                channel=recipient.channel,
                contact_point_id=recipient.contact_point_id,
                provider=channel.name,
                provider_message_id=provider_id,
            )
            fields = {
                "channel": recipient.channel,
                "contact_point_id": recipient.contact_point_id,
                "provider": channel.name,
                "provider_message_id": provider_id,
                "text": text,
                "sent_at": self._clock.now(),
            }
            await self._messages.finish(action, "sent", fields, [self._event(action, "message.sent", sent)])
            return
        reason = "; ".join(failures) or "no usable contact point"
        failed = messages_pb2.MessageFailed(
            message_id=action.action_id,
            action_id=action.action_id,
            debt_id=action.debt_id,
            debtor_id=action.debtor_id,
            reason=reason,
        )
        await self._messages.finish(
            action, "failed", {"reason": reason}, [self._event(action, "message.failed", failed)]
        )

    def _event(self, action: ActionToSend, event_type: str, payload: object) -> Event:
        return self._events.event(
            event_type, payload, tenant=action.tenant, subject=action.debt_id, key=action.debtor_id
        )
