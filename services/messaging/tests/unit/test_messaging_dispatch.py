"""Dispatcher: one action, at most one message, falling back along the contact plan."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cordial.events.v1 import messages_pb2
from cordial.types.v1 import types_pb2
from cordial_core.clock import ControllableClock
from cordial_core.events import Event, unpack_payload
from cordial_core.money import Money
from cordial_messaging.domain.dispatch import (
    ActionToSend,
    Dispatcher,
    OutboundMessage,
    PermanentSendFailure,
    Recipient,
    TransientSendFailure,
)

NOW = datetime(2024, 3, 4, 13, 0, tzinfo=UTC)
WHATSAPP, SMS, MAIL = types_pb2.CHANNEL_WHATSAPP, types_pb2.CHANNEL_SMS, types_pb2.CHANNEL_EMAIL

ACTION = ActionToSend(
    action_id="a1",
    tenant="t1",
    debt_id="d1",
    debtor_id="p1",
    channels=(WHATSAPP, SMS),
    template="reminder",
    balance=Money(150000, "BRL"),
    creditor_name="Loja X",
)


class FakeMessages:
    """Mirrors the repository: a pending message can be claimed again; a finished one cannot."""

    def __init__(self) -> None:
        self.state: dict[tuple[str, str], str] = {}
        self.fields: dict[tuple[str, str], dict[str, object]] = {}
        self.events: list[Event] = []

    async def claim(self, action: ActionToSend) -> bool:
        key = (action.tenant, action.action_id)
        self.state.setdefault(key, "pending")
        return self.state[key] == "pending"

    async def finish(self, action: ActionToSend, state: str, fields: dict[str, object], events: list[Event]) -> None:
        key = (action.tenant, action.action_id)
        if self.state.get(key) != "pending":
            return
        self.state[key] = state
        self.fields[key] = fields
        self.events.extend(events)


class FakePlan:
    def __init__(self, recipients: list[Recipient]) -> None:
        self.recipients = recipients
        self.asked: list[tuple[str, tuple[int, ...]]] = []

    async def plan(self, debtor_id: str, channels: tuple[int, ...]) -> list[Recipient]:
        self.asked.append((debtor_id, channels))
        return list(self.recipients)


class FakeChannel:
    def __init__(self, name: str, refuse: dict[str, Exception] | None = None) -> None:
        self.name = name
        self.refuse = refuse or {}
        self.sent: list[OutboundMessage] = []

    async def send(self, message: OutboundMessage) -> str:
        if message.to in self.refuse:
            raise self.refuse[message.to]
        self.sent.append(message)
        return f"{self.name}-msg-{len(self.sent)}"


PHONE = Recipient("cp-phone", WHATSAPP, "+5511987654321")
PHONE_SMS = Recipient("cp-phone", SMS, "+5511987654321")
OTHER_PHONE = Recipient("cp-phone-2", WHATSAPP, "+5521987654321")


def make(recipients: list[Recipient], channels: dict[int, FakeChannel]) -> tuple[Dispatcher, FakeMessages, FakePlan]:
    messages, plan = FakeMessages(), FakePlan(recipients)
    dispatcher = Dispatcher(messages, plan, channels, ControllableClock(NOW), "https://portal.example/p/")  # type: ignore[arg-type]
    return dispatcher, messages, plan


async def test_sends_once_on_the_first_recipient() -> None:
    whatsapp = FakeChannel("whatsapp")
    dispatcher, messages, plan = make([PHONE, OTHER_PHONE], {WHATSAPP: whatsapp})
    await dispatcher.handle(ACTION)
    assert plan.asked == [("p1", (WHATSAPP, SMS))]
    [sent] = whatsapp.sent
    assert sent.to == "+5511987654321"
    assert sent.template == "reminder"
    assert sent.parameters == ("Loja X", "R$ 1.500,00", "https://portal.example/p/d1")
    assert "Loja X" in sent.text
    assert "R$ 1.500,00" in sent.text
    assert "https://portal.example/p/d1" in sent.text
    assert messages.state[("t1", "a1")] == "sent"
    fields = messages.fields[("t1", "a1")]
    assert fields["contact_point_id"] == "cp-phone"
    assert fields["provider"] == "whatsapp"
    assert fields["provider_message_id"] == "whatsapp-msg-1"
    assert fields["sent_at"] == NOW
    [event] = messages.events
    assert event.type == "message.sent"
    assert event.envelope.tenant == "t1"
    assert event.envelope.subject == "d1"
    assert event.key == "p1"
    payload = unpack_payload(event.envelope)
    assert isinstance(payload, messages_pb2.MessageSent)
    assert payload.message_id == "a1"
    assert payload.action_id == "a1"
    assert payload.channel == WHATSAPP
    assert payload.contact_point_id == "cp-phone"
    assert payload.provider == "whatsapp"
    assert payload.provider_message_id == "whatsapp-msg-1"


async def test_second_handle_of_the_same_action_does_nothing() -> None:
    whatsapp = FakeChannel("whatsapp")
    dispatcher, messages, plan = make([PHONE], {WHATSAPP: whatsapp})
    await dispatcher.handle(ACTION)
    await dispatcher.handle(ACTION)
    assert len(whatsapp.sent) == 1
    assert [e.type for e in messages.events] == ["message.sent"]
    assert len(plan.asked) == 1


async def test_permanent_failure_falls_back_to_the_next_recipient() -> None:
    whatsapp = FakeChannel("whatsapp", refuse={PHONE.address: PermanentSendFailure("not on whatsapp")})
    sms = FakeChannel("sms")
    dispatcher, messages, _ = make([PHONE, PHONE_SMS], {WHATSAPP: whatsapp, SMS: sms})
    await dispatcher.handle(ACTION)
    assert whatsapp.sent == []
    assert [m.to for m in sms.sent] == [PHONE.address]
    payload = unpack_payload(messages.events[0].envelope)
    assert isinstance(payload, messages_pb2.MessageSent)
    assert payload.channel == SMS
    assert payload.provider == "sms"


async def test_all_recipients_refused_is_a_failure_with_every_reason() -> None:
    whatsapp = FakeChannel(
        "whatsapp",
        refuse={
            PHONE.address: PermanentSendFailure("not on whatsapp"),
            OTHER_PHONE.address: PermanentSendFailure("blocked"),
        },
    )
    dispatcher, messages, _ = make([PHONE, OTHER_PHONE], {WHATSAPP: whatsapp})
    await dispatcher.handle(ACTION)
    assert messages.state[("t1", "a1")] == "failed"
    [event] = messages.events
    assert event.type == "message.failed"
    payload = unpack_payload(event.envelope)
    assert isinstance(payload, messages_pb2.MessageFailed)
    assert "not on whatsapp" in payload.reason
    assert "blocked" in payload.reason
    assert payload.action_id == "a1"
    assert payload.debt_id == "d1"


async def test_no_recipient_emits_message_failed() -> None:
    dispatcher, messages, _ = make([], {WHATSAPP: FakeChannel("whatsapp")})
    await dispatcher.handle(ACTION)
    assert messages.state[("t1", "a1")] == "failed"
    assert messages.fields[("t1", "a1")] == {"reason": "no usable contact point"}
    [event] = messages.events
    assert event.type == "message.failed"
    payload = unpack_payload(event.envelope)
    assert payload.reason == "no usable contact point"  # type: ignore[attr-defined]
    # Given up: a repeat does not try again.
    await dispatcher.handle(ACTION)
    assert len(messages.events) == 1


async def test_recipient_on_a_channel_without_provider_is_skipped() -> None:
    sms = FakeChannel("sms")
    dispatcher, messages, _ = make([PHONE, PHONE_SMS], {SMS: sms})
    await dispatcher.handle(ACTION)
    assert [m.to for m in sms.sent] == [PHONE.address]
    assert [e.type for e in messages.events] == ["message.sent"]


async def test_transient_failure_leaves_it_pending_and_a_retry_sends_once() -> None:
    whatsapp = FakeChannel("whatsapp", refuse={PHONE.address: TransientSendFailure("503")})
    dispatcher, messages, _ = make([PHONE], {WHATSAPP: whatsapp})
    with pytest.raises(TransientSendFailure):
        await dispatcher.handle(ACTION)
    assert messages.state[("t1", "a1")] == "pending"
    assert messages.events == []
    whatsapp.refuse.clear()
    await dispatcher.handle(ACTION)
    await dispatcher.handle(ACTION)
    assert len(whatsapp.sent) == 1
    assert [e.type for e in messages.events] == ["message.sent"]
