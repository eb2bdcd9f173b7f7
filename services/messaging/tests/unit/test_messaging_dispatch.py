"""Dispatcher: one action, at most one message, falling back along the contact plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import grpc
import pytest

from cordial.events.v1 import contacts_pb2, messages_pb2
from cordial.types.v1 import types_pb2
from cordial_core.clock import ControllableClock
from cordial_core.context import tenant_var
from cordial_core.events import Event, unpack_payload
from cordial_core.ids import stable_id
from cordial_core.money import Money
from cordial_core.portal_tokens import PortalTokens
from cordial_messaging.adapters.contact_policy import verdict_of_error
from cordial_messaging.domain.audit import AuditEntry
from cordial_messaging.domain.catalogue import StoredTemplate
from cordial_messaging.domain.composer import Composer, Creditor
from cordial_messaging.domain.dispatch import (
    RATE_LIMITED_TRIES,
    ActionToSend,
    Attempt,
    ConcurrentAttempt,
    Dispatcher,
    MessageRecord,
    OutboundMessage,
    PermanentSendFailure,
    RateLimitedSend,
    Recipient,
    RecipientOptedOut,
    Reconciled,
    TransientSendFailure,
    UncertainSend,
    with_status,
)
from cordial_messaging.domain.notices import Notices, notice_id
from cordial_messaging.domain.policy import ContactCheck, PolicyVerdict
from cordial_messaging.domain.throttle import Pace, Throttle
from cordial_messaging.domain.undecided import Undecided, UndecidedBounds

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
    """Mirrors the repository: attempts recorded before sending, a version guarding each start."""

    def __init__(self) -> None:
        self.state: dict[tuple[str, str], str] = {}
        self.version: dict[tuple[str, str], int] = {}
        self.attempts: dict[tuple[str, str], dict[str, Attempt]] = {}
        self.fields: dict[tuple[str, str], dict[str, object]] = {}
        self.events: list[Event] = []
        self.provider_ids: set[tuple[str, str]] = set()
        self.due_at: dict[tuple[str, str], tuple[datetime, ActionToSend]] = {}
        self.undecided: dict[tuple[str, str], Undecided] = {}

    async def open(self, action: ActionToSend) -> MessageRecord:
        key = (action.tenant, action.action_id)
        self.state.setdefault(key, "pending")
        self.version.setdefault(key, 0)
        self.attempts.setdefault(key, {})
        return MessageRecord(self.state[key], self.version[key], dict(self.attempts[key]), self.undecided.get(key))

    async def start_attempt(self, action: ActionToSend, attempt: Attempt, version: int) -> bool:
        key = (action.tenant, action.action_id)
        if self.state[key] != "pending" or self.version[key] != version:
            return False
        self.attempts[key][attempt.id] = attempt
        self.version[key] = version + 1
        return True

    async def end_attempt(
        self, action: ActionToSend, attempt_id: str, status: str, reason: str, counts: dict[str, int] | None = None
    ) -> None:
        key = (action.tenant, action.action_id)
        ended = with_status(self.attempts[key][attempt_id], status, reason)
        self.attempts[key][attempt_id] = replace(ended, **(counts or {}))

    async def finish(self, action: ActionToSend, state: str, fields: dict[str, object], events: list[Event]) -> None:
        key = (action.tenant, action.action_id)
        if self.state.get(key) != "pending":
            return
        self.state[key] = state
        self.fields[key] = fields
        self.events.extend(events)
        if "provider_message_id" in fields:
            self.provider_ids.add((str(fields["provider"]), str(fields["provider_message_id"])))

    async def taken(self, tenant: str, provider: str, provider_ids: tuple[str, ...]) -> set[str]:
        return {pid for pid in provider_ids if (provider, pid) in self.provider_ids}

    async def defer(self, action: ActionToSend, due_at: datetime) -> None:
        key = (action.tenant, action.action_id)
        if self.state.get(key) == "pending":
            self.due_at[key] = (due_at, action)

    async def defer_undecided(self, action: ActionToSend, due_at: datetime, undecided: Undecided) -> None:
        key = (action.tenant, action.action_id)
        if self.state.get(key) == "pending":
            self.due_at[key] = (due_at, action)
            self.undecided[key] = undecided

    async def due(self, now: datetime, lease_until: datetime, limit: int) -> list[ActionToSend]:
        taken = []
        for key, (at, action) in sorted(self.due_at.items(), key=lambda item: item[1][0]):
            if at <= now and self.state[key] == "pending" and len(taken) < limit:
                self.due_at[key] = (lease_until, action)
                taken.append(action)
        return taken

    async def flag(self, action: ActionToSend, name: str, value: object) -> bool:
        key = (action.tenant, action.action_id)
        fields = self.fields.setdefault(key, {})
        if self.state.get(key) != "pending" or name in fields:
            return False
        fields[name] = value
        return True


class FakeTemplates:
    """Saved templates by tenant and key, newest version last."""

    def __init__(self, *templates: StoredTemplate) -> None:
        self.saved = list(templates)

    async def save(self, template: StoredTemplate) -> StoredTemplate:
        self.saved.append(template)
        return template

    async def latest(self, tenant: str, name: str, channel: str, locale: str, tone: str = "") -> StoredTemplate | None:
        found = [
            t
            for t in self.saved
            if (t.tenant, t.name, t.channel, t.locale) == (tenant, name, channel, locale) and tone in ("", t.tone)
        ]
        return max(found, key=lambda t: t.version) if found else None

    async def list(self, tenant: str, all_versions: bool) -> list[StoredTemplate]:
        return [t for t in self.saved if t.tenant == tenant]


class FakeCreditors:
    def __init__(self, creditors: dict[str, Creditor]) -> None:
        self.creditors = creditors

    async def get(self, tenant: str) -> Creditor | None:
        return self.creditors.get(tenant)

    async def put(self, tenant: str, creditor: Creditor) -> Creditor:
        self.creditors[tenant] = creditor
        return creditor


class FakeAudit:
    def __init__(self) -> None:
        self.entries: dict[str, AuditEntry] = {}

    async def append(self, entry: AuditEntry) -> None:
        self.entries.setdefault(entry.id, entry)

    async def entries_of(self) -> list[AuditEntry]:
        return list(self.entries.values())


LOJA = Creditor("Loja X", "Rua das Flores 10, São Paulo SP", "12.345.678/0001-95")


def composer(*templates: StoredTemplate, creditor: Creditor | None = LOJA) -> Composer:
    creditors = {"t1": creditor} if creditor else {}
    return Composer(FakeTemplates(*templates), FakeCreditors(creditors), "https://portal.example/p/")


class FakePlan:
    def __init__(self, recipients: list[Recipient]) -> None:
        self.recipients = recipients
        self.asked: list[tuple[str, tuple[int, ...]]] = []

    async def plan(self, debtor_id: str, channels: tuple[int, ...]) -> list[Recipient]:
        self.asked.append((debtor_id, channels))
        return list(self.recipients)


class FakeChannel:
    """A provider that keeps what it accepted; it can refuse, fail for a while, or lose its answer."""

    def __init__(self, name: str, refuse: dict[str, Exception] | None = None, can_reconcile: bool = True) -> None:
        self.name = name
        self.refuse = refuse or {}
        self.sent: list[OutboundMessage] = []
        self.transient: list[Exception] = []
        self.lose_answer = False
        self.can_reconcile = can_reconcile

    async def send(self, message: OutboundMessage) -> str:
        if message.to in self.refuse:
            raise self.refuse[message.to]
        if self.transient:
            raise self.transient.pop(0)
        self.sent.append(message)
        if self.lose_answer:
            self.lose_answer = False
            raise UncertainSend("answer lost")
        return f"{self.name}-msg-{len(self.sent)}"

    async def reconcile(self, attempt: Attempt) -> Reconciled:
        if not self.can_reconcile:
            return Reconciled(False)
        ids = tuple(f"{self.name}-msg-{i + 1}" for i, m in enumerate(self.sent) if m.to == attempt.to)
        return Reconciled(True, ids)


PHONE = Recipient("cp-phone", WHATSAPP, "+5511987654321")
PHONE_SMS = Recipient("cp-phone", SMS, "+5511987654321")
OTHER_PHONE = Recipient("cp-phone-2", WHATSAPP, "+5521987654321")


SLEPT: list[float] = []


async def fake_sleep(seconds: float) -> None:
    SLEPT.append(seconds)


class FakePolicy:
    """Strategy's CheckContact: denies what it is told to, remembers every question."""

    def __init__(self, deny: dict[int, PolicyVerdict] | None = None) -> None:
        self.deny = deny or {}
        self.asked: list[ContactCheck] = []

    async def check(self, check: ContactCheck) -> PolicyVerdict:
        self.asked.append(check)
        return self.deny.get(check.channel, PolicyVerdict(True, "allowed", "within every rule"))


def make(
    recipients: list[Recipient],
    channels: dict[int, FakeChannel],
    policy: FakePolicy | None = None,
    clock: ControllableClock | None = None,
    messages: FakeMessages | None = None,
) -> tuple[Dispatcher, FakeMessages, FakePlan]:
    messages, plan = messages or FakeMessages(), FakePlan(recipients)
    SLEPT.clear()
    dispatcher = Dispatcher(
        messages,
        plan,
        channels,  # type: ignore[arg-type]
        clock or ControllableClock(NOW),
        composer(),
        retry_waits=(0.5, 2.0),
        sleep=fake_sleep,
        policy=policy,
    )
    return dispatcher, messages, plan


async def test_sends_once_on_the_first_recipient() -> None:
    whatsapp = FakeChannel("whatsapp")
    dispatcher, messages, plan = make([PHONE, OTHER_PHONE], {WHATSAPP: whatsapp})
    await dispatcher.handle(ACTION)
    assert plan.asked == [("p1", (WHATSAPP, SMS))]
    [sent] = whatsapp.sent
    assert sent.to == "+5511987654321"
    assert sent.template == "reminder"
    assert sent.parameters == (
        "Loja X",
        "R$ 1.500,00",
        "https://portal.example/p/d1/breakdown",
        "https://portal.example/p/d1",
        LOJA.address,
        LOJA.document,
    )
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


async def test_transient_failure_is_tried_again_by_the_scheduler_after_its_backoff_and_sends_once() -> None:
    clock, whatsapp = ControllableClock(NOW), FakeChannel("whatsapp")
    whatsapp.transient = [TransientSendFailure("503"), TransientSendFailure("502")]
    dispatcher, messages, _ = make([PHONE], {WHATSAPP: whatsapp}, clock=clock)
    await dispatcher.handle(ACTION)
    assert SLEPT == [], "the handler never sleeps out a backoff: the partition keeps flowing"
    [attempt] = messages.attempts[("t1", "a1")].values()
    assert (attempt.status, attempt.tries, attempt.reason) == ("not_accepted", 1, "503")
    assert messages.due_at[("t1", "a1")][0] == NOW + timedelta(seconds=0.5)
    assert await dispatcher.run_due() == 0
    clock.advance(timedelta(seconds=0.5))
    assert await dispatcher.run_due() == 1
    assert messages.due_at[("t1", "a1")][0] == clock.now() + timedelta(seconds=2.0)
    clock.advance(timedelta(seconds=2.0))
    await dispatcher.run_due()
    assert len(whatsapp.sent) == 1
    assert [e.type for e in messages.events] == ["message.sent"]


async def drain_due(dispatcher: Dispatcher, clock: ControllableClock, rounds: int = 100) -> None:
    """Runs the scheduler as time passes, a second at a time."""
    for _ in range(rounds):
        clock.advance(timedelta(seconds=1))
        await dispatcher.run_due()


async def test_transient_failure_past_the_backoff_falls_back_to_the_next_point() -> None:
    clock, whatsapp = ControllableClock(NOW), FakeChannel("whatsapp")
    whatsapp.transient = [TransientSendFailure("503")] * 3
    sms = FakeChannel("sms")
    dispatcher, messages, _ = make([PHONE, PHONE_SMS], {WHATSAPP: whatsapp, SMS: sms}, clock=clock)
    await dispatcher.handle(ACTION)
    await drain_due(dispatcher, clock, rounds=5)
    assert whatsapp.sent == []
    assert len(sms.sent) == 1
    [attempt] = [a for a in messages.attempts[("t1", "a1")].values() if a.channel == WHATSAPP]
    assert (attempt.status, attempt.tries) == ("not_accepted", 3)
    assert "503" in attempt.reason


async def test_a_rate_limited_send_is_tried_again_at_the_same_point_never_the_next() -> None:
    clock, whatsapp, sms = ControllableClock(NOW), FakeChannel("whatsapp"), FakeChannel("sms")
    whatsapp.transient = [RateLimitedSend("130429"), RateLimitedSend("131056")] * 3
    dispatcher, messages, _ = make([PHONE, PHONE_SMS], {WHATSAPP: whatsapp, SMS: sms}, clock=clock)
    await dispatcher.handle(ACTION)
    assert messages.due_at[("t1", "a1")][0] == NOW + timedelta(seconds=1)
    await drain_due(dispatcher, clock)
    assert [m.to for m in whatsapp.sent] == [PHONE.address]
    assert sms.sent == [], "a rate limit is never a reason to fall back"
    [attempt] = messages.attempts[("t1", "a1")].values()
    assert (attempt.tries, attempt.rate_limited) == (0, 6), "rate limits spend none of the transient backoff"
    assert messages.state[("t1", "a1")] == "sent"
    assert [e.type for e in messages.events] == ["message.sent"]


async def test_a_provider_that_keeps_rate_limiting_gives_the_action_up_without_falling_back() -> None:
    clock, whatsapp, sms = ControllableClock(NOW), FakeChannel("whatsapp"), FakeChannel("sms")
    whatsapp.transient = [RateLimitedSend("130429")] * RATE_LIMITED_TRIES
    dispatcher, messages, _ = make([PHONE, PHONE_SMS], {WHATSAPP: whatsapp, SMS: sms}, clock=clock)
    await dispatcher.handle(ACTION)
    await drain_due(dispatcher, clock, rounds=RATE_LIMITED_TRIES * 60)
    assert whatsapp.sent == []
    assert sms.sent == []
    assert messages.state[("t1", "a1")] == "failed"
    assert "still rate limited after 30 tries" in str(messages.fields[("t1", "a1")]["reason"])


async def test_a_retry_stored_as_due_survives_a_crash_and_sends_once() -> None:
    clock, whatsapp = ControllableClock(NOW), FakeChannel("whatsapp")
    whatsapp.transient = [RateLimitedSend("130429")]
    dispatcher, messages, _ = make([PHONE], {WHATSAPP: whatsapp}, clock=clock)
    await dispatcher.handle(ACTION)
    # The process dies; a new one gets the event again (its offset was committed or not) and has the scheduler.
    restarted, _, _ = make([PHONE], {WHATSAPP: whatsapp}, clock=clock, messages=messages)  # the same store
    clock.advance(timedelta(seconds=1))
    await restarted.handle(ACTION)
    await drain_due(restarted, clock, rounds=5)
    await restarted.handle(ACTION)
    assert len(whatsapp.sent) == 1
    assert [e.type for e in messages.events] == ["message.sent"]


async def test_lost_answer_is_reconciled_and_never_sent_twice() -> None:
    whatsapp = FakeChannel("whatsapp")
    whatsapp.lose_answer = True
    dispatcher, messages, _ = make([PHONE, OTHER_PHONE], {WHATSAPP: whatsapp})
    with pytest.raises(UncertainSend):
        await dispatcher.handle(ACTION)
    assert messages.state[("t1", "a1")] == "pending"
    [attempt] = messages.attempts[("t1", "a1")].values()
    assert attempt.status == "started"
    # Redelivered: the provider has it, so it is recorded as sent without a second send.
    await dispatcher.handle(ACTION)
    await dispatcher.handle(ACTION)
    assert len(whatsapp.sent) == 1
    assert messages.state[("t1", "a1")] == "sent"
    assert messages.fields[("t1", "a1")]["provider_message_id"] == "whatsapp-msg-1"
    assert [e.type for e in messages.events] == ["message.sent"]


async def test_crash_before_the_provider_took_it_sends_once_after_reconciling() -> None:
    whatsapp = FakeChannel("whatsapp")
    dispatcher, messages, _ = make([PHONE], {WHATSAPP: whatsapp})
    # A previous process recorded the attempt, then died before calling the provider.
    record = await messages.open(ACTION)
    started = Attempt("x", "cp-phone", WHATSAPP, "whatsapp", PHONE.address, "t", "started")
    assert await messages.start_attempt(ACTION, started, record.version)
    await dispatcher.handle(ACTION)
    assert len(whatsapp.sent) == 1
    assert messages.attempts[("t1", "a1")]["x"].status == "not_accepted"
    assert messages.state[("t1", "a1")] == "sent"


async def test_a_provider_id_owned_by_another_message_is_not_this_one() -> None:
    whatsapp = FakeChannel("whatsapp")
    dispatcher, messages, _ = make([PHONE], {WHATSAPP: whatsapp})
    await dispatcher.handle(ACTION)
    second = ActionToSend(**{**ACTION.__dict__, "action_id": "a2"})
    record = await messages.open(second)
    started = Attempt("y", "cp-phone", WHATSAPP, "whatsapp", PHONE.address, "t", "started")
    assert await messages.start_attempt(second, started, record.version)
    await dispatcher.handle(second)
    assert len(whatsapp.sent) == 2
    assert messages.fields[("t1", "a2")]["provider_message_id"] == "whatsapp-msg-2"


async def test_an_attempt_the_provider_cannot_account_for_is_held_not_resent() -> None:
    whatsapp = FakeChannel("whatsapp", can_reconcile=False)
    whatsapp.lose_answer = True
    dispatcher, messages, _ = make([PHONE], {WHATSAPP: whatsapp})
    with pytest.raises(UncertainSend):
        await dispatcher.handle(ACTION)
    await dispatcher.handle(ACTION)
    await dispatcher.handle(ACTION)
    assert len(whatsapp.sent) == 1
    assert messages.state[("t1", "a1")] == "uncertain"
    assert "cannot tell" in str(messages.fields[("t1", "a1")]["reason"])
    assert messages.events == []


async def test_a_concurrent_worker_that_moved_on_stops_this_one() -> None:
    whatsapp = FakeChannel("whatsapp")
    dispatcher, messages, _ = make([PHONE], {WHATSAPP: whatsapp})
    await messages.open(ACTION)
    messages.version[("t1", "a1")] = 7  # moved on between our read and our start

    original_open = messages.open

    async def stale_open(action: ActionToSend) -> MessageRecord:
        record = await original_open(action)
        return MessageRecord(record.state, 0, record.attempts)

    messages.open = stale_open  # type: ignore[method-assign]
    with pytest.raises(ConcurrentAttempt):
        await dispatcher.handle(ACTION)
    assert whatsapp.sent == []


async def test_idempotency_key_is_stable_per_action_and_point() -> None:
    clock, whatsapp = ControllableClock(NOW), FakeChannel("whatsapp")
    whatsapp.transient = [TransientSendFailure("503")]
    dispatcher, _, _ = make([PHONE], {WHATSAPP: whatsapp}, clock=clock)
    await dispatcher.handle(ACTION)
    await drain_due(dispatcher, clock, rounds=1)
    [sent] = whatsapp.sent
    assert sent.idempotency_key
    assert sent.idempotency_key == stable_id("a1", "cp-phone", str(WHATSAPP))


class FakeOptOuts:
    """Opt-outs per channel and address, agency-wide; also the record of the last message sent to each."""

    def __init__(self, opted: set[tuple[int, str]]) -> None:
        self.opted = opted
        self.last: dict[tuple[int, str], tuple[str, str, datetime]] = {}
        self.events: list[Event] = []

    async def opted_out(self, channel: int, address: str) -> bool:
        return (channel, address) in self.opted

    async def opted_out_at_provider(
        self, tenant: str, debtor_id: str, recipient: Recipient, events: list[Event]
    ) -> bool:
        if (recipient.channel, recipient.address) in self.opted:
            return False
        self.opted.add((recipient.channel, recipient.address))
        self.events.extend(events)
        return True

    async def sent(self, tenant: str, message_id: str, channel: int, address: str, at: datetime) -> None:
        self.last[(channel, address)] = (tenant, message_id, at)


async def test_an_address_opted_out_by_reply_is_skipped_for_the_next_one_and_the_send_is_remembered() -> None:
    whatsapp, sms = FakeChannel("whatsapp"), FakeChannel("sms")
    messages, plan = FakeMessages(), FakePlan([PHONE, PHONE_SMS])
    opt_outs = FakeOptOuts({(WHATSAPP, PHONE.address)})
    dispatcher = Dispatcher(
        messages,
        plan,
        {WHATSAPP: whatsapp, SMS: sms},  # type: ignore[dict-item]
        ControllableClock(NOW),
        composer(),
        opt_outs=opt_outs,
        recipients=opt_outs,
    )
    await dispatcher.handle(ACTION)
    assert whatsapp.sent == []
    assert [m.to for m in sms.sent] == [PHONE_SMS.address]
    assert opt_outs.last == {(SMS, PHONE_SMS.address): ("t1", "a1", NOW)}


async def test_a_recipient_opted_out_at_the_provider_is_an_opt_out_for_good_and_the_next_point_is_tried() -> None:
    us_sms = Recipient("cp-us", SMS, "+14155550123")
    sms = FakeChannel("sms", refuse={us_sms.address: RecipientOptedOut("sms answered 400: 21610")})
    whatsapp, messages, plan = FakeChannel("whatsapp"), FakeMessages(), FakePlan([us_sms, PHONE])
    opt_outs = FakeOptOuts(set())
    channels = {SMS: sms, WHATSAPP: whatsapp}
    dispatcher = Dispatcher(messages, plan, channels, ControllableClock(NOW), composer(), opt_outs=opt_outs)  # type: ignore[arg-type]
    assert await dispatcher.handle(replace(ACTION, channels=(SMS, WHATSAPP)))
    assert [m.to for m in whatsapp.sent] == [PHONE.address]
    [event] = opt_outs.events
    payload = unpack_payload(event.envelope)
    assert event.type == "contact.opted_out"
    assert isinstance(payload, contacts_pb2.ContactOptedOut)
    assert (payload.debtor_id, payload.channel, payload.contact_point_id, payload.source) == (
        "p1",
        SMS,
        "cp-us",
        "provider",
    )
    # The next action never asks the provider again for that address: it is blocked as any opt-out.
    sms.refuse = {}
    only_sms = Dispatcher(messages, FakePlan([us_sms]), channels, ControllableClock(NOW), composer(), opt_outs=opt_outs)  # type: ignore[arg-type]
    await only_sms.handle(replace(ACTION, action_id="a2", channels=(SMS,)))
    assert sms.sent == []
    assert messages.state[("t1", "a2")] == "blocked"
    assert len(opt_outs.events) == 1


async def test_an_opt_out_made_answering_another_client_blocks_the_send_with_its_reason() -> None:
    # The opt-out was recorded for the address and channel, not for this client's contact point.
    sms = FakeChannel("sms")
    messages, plan = FakeMessages(), FakePlan([PHONE_SMS])
    opt_outs = FakeOptOuts({(SMS, PHONE_SMS.address)})
    clock = ControllableClock(NOW)
    dispatcher = Dispatcher(messages, plan, {SMS: sms}, clock, composer(), opt_outs=opt_outs, recipients=opt_outs)  # type: ignore[dict-item]
    await dispatcher.handle(replace(ACTION, tenant="t2", channels=(SMS,)))
    assert sms.sent == []
    assert messages.state[("t2", "a1")] == "blocked"
    reason = str(messages.fields[("t2", "a1")]["reason"])
    assert (
        reason
        == "blocked by the contact policy: sms: opted_out: the person at this address opted out of CHANNEL_SMS by reply"
    )
    assert opt_outs.last == {}


QUIET = PolicyVerdict(
    False, "quiet_hours", "22:00 in America/Sao_Paulo is outside 08:00-20:00", datetime(2024, 3, 5, 11, 0, tzinfo=UTC)
)


async def test_policy_is_asked_before_each_send_with_the_recipient() -> None:
    whatsapp, policy = FakeChannel("whatsapp"), FakePolicy()
    dispatcher, messages, _ = make([PHONE], {WHATSAPP: whatsapp}, policy)
    await dispatcher.handle(ACTION)
    assert policy.asked == [ContactCheck("t1", "a1", "d1", "p1", WHATSAPP, "cp-phone")]
    assert len(whatsapp.sent) == 1
    assert messages.state[("t1", "a1")] == "sent"


async def test_a_denied_send_is_blocked_with_its_reason_and_not_sent() -> None:
    whatsapp, sms = FakeChannel("whatsapp"), FakeChannel("sms")
    policy = FakePolicy({WHATSAPP: QUIET, SMS: QUIET})
    dispatcher, messages, _ = make([PHONE, PHONE_SMS], {WHATSAPP: whatsapp, SMS: sms}, policy)
    await dispatcher.handle(ACTION)
    assert whatsapp.sent == []
    assert sms.sent == []
    assert messages.attempts[("t1", "a1")] == {}
    assert messages.state[("t1", "a1")] == "blocked"
    reason = str(messages.fields[("t1", "a1")]["reason"])
    assert reason.startswith("blocked by the contact policy: whatsapp: quiet_hours: 22:00")
    assert "next allowed at 2024-03-05T11:00:00+00:00" in reason
    # message.failed frees strategy's reservation; its reason says it was blocked and why.
    [event] = messages.events
    assert event.type == "message.failed"
    assert unpack_payload(event.envelope).reason == reason  # type: ignore[attr-defined]
    await dispatcher.handle(ACTION)
    assert len(messages.events) == 1
    assert whatsapp.sent == []


async def test_a_channel_denied_falls_back_to_an_allowed_one() -> None:
    whatsapp, sms = FakeChannel("whatsapp"), FakeChannel("sms")
    cap = PolicyVerdict(False, "channel_cap", "1 whatsapp message in 7 days already")
    dispatcher, messages, _ = make([PHONE, PHONE_SMS], {WHATSAPP: whatsapp, SMS: sms}, FakePolicy({WHATSAPP: cap}))
    await dispatcher.handle(ACTION)
    assert whatsapp.sent == []
    assert len(sms.sent) == 1
    assert messages.state[("t1", "a1")] == "sent"


async def test_a_denial_after_a_real_failure_is_a_failure_naming_both() -> None:
    whatsapp = FakeChannel("whatsapp", refuse={PHONE.address: PermanentSendFailure("not on whatsapp")})
    sms = FakeChannel("sms")
    dispatcher, messages, _ = make([PHONE, PHONE_SMS], {WHATSAPP: whatsapp, SMS: sms}, FakePolicy({SMS: QUIET}))
    await dispatcher.handle(ACTION)
    assert messages.state[("t1", "a1")] == "failed"
    reason = str(messages.fields[("t1", "a1")]["reason"])
    assert "not on whatsapp" in reason
    assert "quiet_hours" in reason


UNDECIDED = PolicyVerdict(
    False,
    "standing_unknown",
    "agreements says: no answer within 2 s; not sent blind",
    NOW + timedelta(minutes=1),
    retry=True,
)


async def test_an_undecided_check_is_not_sent_now_but_stored_as_due_and_sent_once_when_allowed() -> None:
    whatsapp, sms, clock = FakeChannel("whatsapp"), FakeChannel("sms"), ControllableClock(NOW)
    policy = FakePolicy({WHATSAPP: UNDECIDED})
    dispatcher, messages, _ = make([PHONE, PHONE_SMS], {WHATSAPP: whatsapp, SMS: sms}, policy, clock)
    await dispatcher.handle(ACTION)
    # Neither this point nor the next channel: the question was not answered, so nothing leaves blind.
    assert whatsapp.sent == []
    assert sms.sent == []
    assert messages.state[("t1", "a1")] == "pending"
    assert messages.events == []
    assert messages.due_at[("t1", "a1")][0] == NOW + timedelta(minutes=1)
    await drain_due(dispatcher, clock, rounds=30)
    assert whatsapp.sent == []  # not yet due
    policy.deny.clear()  # agreements answers again
    await drain_due(dispatcher, clock, rounds=40)
    assert len(whatsapp.sent) == 1
    assert messages.state[("t1", "a1")] == "sent"


class StandingUnknown:
    """Strategy that never hears from agreements: each answer undecided, naming a moment a minute on."""

    def __init__(self, clock: ControllableClock) -> None:
        self.clock = clock
        self.asked = 0

    async def check(self, check: ContactCheck) -> PolicyVerdict:
        self.asked += 1
        return replace(UNDECIDED, next_allowed_at=self.clock.now() + timedelta(minutes=1))


def undecided_within(
    policy: object, clock: ControllableClock, limit: timedelta
) -> tuple[Dispatcher, FakeMessages, FakeChannel, FakeAudit]:
    """A dispatcher asking this policy, auditing, giving an undecided action up past the limit (pauses up to 30 min)."""
    messages, whatsapp, audit = FakeMessages(), FakeChannel("whatsapp"), FakeAudit()
    dispatcher = Dispatcher(
        messages,
        FakePlan([PHONE]),
        {WHATSAPP: whatsapp},  # type: ignore[dict-item]
        clock,
        composer(),
        policy=policy,  # type: ignore[arg-type]
        audit=audit,
        undecided=UndecidedBounds(max_wait=timedelta(minutes=30), limit=limit),
    )
    return dispatcher, messages, whatsapp, audit


async def test_an_action_left_undecided_is_asked_after_growing_pauses_and_given_up_after_the_limit() -> None:
    clock = ControllableClock(NOW)
    policy = StandingUnknown(clock)
    dispatcher, messages, whatsapp, audit = undecided_within(policy, clock, timedelta(hours=24))
    await dispatcher.handle(ACTION)
    pauses = []
    while messages.state[("t1", "a1")] == "pending":
        due_at = messages.due_at[("t1", "a1")][0]
        pauses.append((due_at - clock.now()).total_seconds())
        clock.set(due_at)
        assert await dispatcher.run_due() == 1
    # Strategy's minute first, doubling to the cap; the last ask exactly at the limit, then given up.
    assert pauses[:7] == [60, 120, 240, 480, 960, 1800, 1800]
    assert max(pauses) == 1800
    assert clock.now() == NOW + timedelta(hours=24)
    assert policy.asked == len(pauses) + 1 < 60  # not one a minute: 1,440 asks in a day
    assert whatsapp.sent == []
    assert messages.state[("t1", "a1")] == "failed"
    reason = str(messages.fields[("t1", "a1")]["reason"])
    assert reason.startswith(f"standing_unknown: given up, the contact policy undecided {policy.asked} times since")
    assert "agreements says: no answer within 2 s" in reason
    [failed] = messages.events  # strategy frees the contact and plans again
    assert failed.type == "message.failed"
    payload = unpack_payload(failed.envelope)
    assert isinstance(payload, messages_pb2.MessageFailed)
    assert (payload.action_id, payload.reason) == ("a1", reason)
    [entry] = await audit.entries_of()
    assert (entry.kind, entry.message_id, entry.reason) == ("given_up", "a1", reason)
    assert (entry.channel, entry.contact_point_id, entry.provider) == (WHATSAPP, PHONE.contact_point_id, "whatsapp")
    assert entry.at == NOW + timedelta(hours=24)


async def test_strategy_unreachable_is_asked_again_from_ten_seconds_and_sent_once_it_answers() -> None:
    clock, whatsapp = ControllableClock(NOW), FakeChannel("whatsapp")
    unreachable = PolicyVerdict(False, "strategy_unavailable", "strategy did not answer: UNAVAILABLE", retry=True)
    policy = FakePolicy({WHATSAPP: unreachable})
    dispatcher, messages, _ = make([PHONE], {WHATSAPP: whatsapp}, policy, clock)
    assert not await dispatcher.handle(ACTION)  # returns: the event is handled, never dead-lettered
    assert messages.due_at[("t1", "a1")][0] == NOW + timedelta(seconds=10)
    clock.set(NOW + timedelta(seconds=10))
    await dispatcher.run_due()
    assert messages.due_at[("t1", "a1")][0] == NOW + timedelta(seconds=30)  # 20 s more
    assert messages.undecided[("t1", "a1")] == Undecided(NOW, 2)
    policy.deny.clear()  # strategy is back
    clock.set(NOW + timedelta(seconds=30))
    await dispatcher.run_due()
    assert len(whatsapp.sent) == 1
    assert messages.state[("t1", "a1")] == "sent"


class TenantSeen(FakePolicy):
    """Strategy's CheckContact as the gRPC channel sees it: the tenant bound when each question leaves."""

    def __init__(self) -> None:
        super().__init__()
        self.tenants: list[str | None] = []

    async def check(self, check: ContactCheck) -> PolicyVerdict:
        self.tenants.append(tenant_var.get())
        return await super().check(check)


async def test_a_deferred_action_is_sent_bound_to_its_tenant_so_its_calls_carry_it() -> None:
    clock, whatsapp, policy = ControllableClock(NOW), FakeChannel("whatsapp"), TenantSeen()
    policy.deny[WHATSAPP] = UNDECIDED
    dispatcher, messages, _ = make([PHONE], {WHATSAPP: whatsapp}, policy, clock)
    await dispatcher.handle(ACTION)
    policy.deny.clear()
    clock.set(messages.due_at[("t1", "a1")][0])
    assert await dispatcher.run_due() == 1
    assert len(whatsapp.sent) == 1
    # The scheduler has no event to bind it: without the tenant strategy would refuse the question.
    assert policy.tenants == [None, "t1"]
    assert tenant_var.get() is None


async def test_a_debt_strategy_has_not_heard_of_yet_is_deferred_then_given_up_with_an_audit_entry() -> None:
    clock, unknown = ControllableClock(NOW), verdict_of_error(grpc.StatusCode.NOT_FOUND, "no case for debt d1")
    assert unknown is not None
    dispatcher, messages, whatsapp, audit = undecided_within(FakePolicy({WHATSAPP: unknown}), clock, timedelta(hours=1))
    assert not await dispatcher.handle(ACTION)  # handled, so the event is committed rather than retried
    assert messages.due_at[("t1", "a1")][0] == NOW + timedelta(seconds=10)
    while messages.state[("t1", "a1")] == "pending":
        clock.set(messages.due_at[("t1", "a1")][0])
        await dispatcher.run_due()
    assert clock.now() == NOW + timedelta(hours=1)
    assert whatsapp.sent == []
    reason = str(messages.fields[("t1", "a1")]["reason"])
    assert reason.startswith("unknown_yet: given up, the contact policy undecided")
    [failed] = messages.events
    assert failed.type == "message.failed"
    [entry] = await audit.entries_of()
    assert (entry.kind, entry.reason) == ("given_up", reason)


async def test_an_undecided_channel_without_a_point_does_not_make_the_action_blocked() -> None:
    # SMS had no point in the plan and its question went unanswered: the failure is WhatsApp's, not a block.
    whatsapp = FakeChannel("whatsapp", refuse={PHONE.address: PermanentSendFailure("not on whatsapp")})
    policy = FakePolicy({SMS: UNDECIDED})
    dispatcher, messages, _ = make([PHONE], {WHATSAPP: whatsapp, SMS: FakeChannel("sms")}, policy)
    await dispatcher.handle(ACTION)
    assert messages.state[("t1", "a1")] == "failed"
    assert "standing_unknown" not in str(messages.fields[("t1", "a1")]["reason"])


def paced(clock: ControllableClock, channel: FakeChannel, messages: FakeMessages, plan: FakePlan) -> Dispatcher:
    async def sleep(seconds: float) -> None:
        clock.advance(timedelta(seconds=seconds))

    return Dispatcher(
        messages,
        plan,
        {WHATSAPP: channel},  # type: ignore[dict-item]
        clock,
        composer(),
        sleep=sleep,
        throttle=Throttle({"whatsapp": Pace(rate=80, burst=80, per_recipient_seconds=6)}),
    )


class PerDebtorPlan(FakePlan):
    """Each debtor's own number."""

    async def plan(self, debtor_id: str, channels: tuple[int, ...]) -> list[Recipient]:
        return [Recipient(f"cp-{debtor_id}", WHATSAPP, f"+55119000000{debtor_id[-2:]}")]


async def test_a_recipient_within_the_spacing_is_deferred_not_waited_for() -> None:
    clock, whatsapp, messages = ControllableClock(NOW), FakeChannel("whatsapp"), FakeMessages()
    dispatcher = paced(clock, whatsapp, messages, PerDebtorPlan([]))
    await dispatcher.handle(replace(ACTION, debtor_id="p01"))
    await dispatcher.handle(replace(ACTION, action_id="a2", debtor_id="p01"))  # the same person again
    await dispatcher.handle(replace(ACTION, action_id="a3", debtor_id="p02"))  # someone else: not held up
    assert [m.to for m in whatsapp.sent] == ["+5511900000001", "+5511900000002"]
    assert messages.state[("t1", "a2")] == "pending"
    assert messages.due_at[("t1", "a2")][0] == NOW + timedelta(seconds=6)
    assert await dispatcher.run_due() == 0  # not due yet
    clock.advance(timedelta(seconds=6))
    assert await dispatcher.run_due() == 1
    assert [m.to for m in whatsapp.sent][-1] == "+5511900000001"
    assert messages.state[("t1", "a2")] == "sent"
    await dispatcher.run_due()
    await dispatcher.handle(replace(ACTION, action_id="a2", debtor_id="p01"))  # a duplicate event later
    assert len(whatsapp.sent) == 3


async def test_a_deferred_action_whose_event_comes_again_is_sent_once() -> None:
    clock, whatsapp, messages = ControllableClock(NOW), FakeChannel("whatsapp"), FakeMessages()
    dispatcher = paced(clock, whatsapp, messages, PerDebtorPlan([]))
    await dispatcher.handle(replace(ACTION, debtor_id="p01"))
    await dispatcher.handle(replace(ACTION, action_id="a2", debtor_id="p01"))
    clock.advance(timedelta(seconds=7))
    await dispatcher.handle(replace(ACTION, action_id="a2", debtor_id="p01"))  # redelivered: sends it now
    await dispatcher.run_due()  # the scheduler finds it sent
    assert len(whatsapp.sent) == 2


async def test_the_sent_message_is_in_the_audit_trail() -> None:
    whatsapp, messages, audit = FakeChannel("whatsapp"), FakeMessages(), FakeAudit()
    dispatcher = Dispatcher(
        messages,
        FakePlan([PHONE]),
        {WHATSAPP: whatsapp},
        ControllableClock(NOW),
        composer(),
        audit=audit,  # type: ignore[dict-item]
    )
    await dispatcher.handle(ACTION)
    [entry] = audit.entries.values()
    assert (entry.kind, entry.message_id, entry.debt_id, entry.to) == ("sent", "a1", "d1", PHONE.address)
    assert (entry.provider, entry.provider_message_id) == ("whatsapp", "whatsapp-msg-1")
    assert entry.text == whatsapp.sent[0].text
    assert entry.contact_point_id == "cp-phone"
    assert entry.template == "reminder"


def _saved(tenant: str, body: str, **overrides: object) -> StoredTemplate:
    fields: dict[str, object] = {
        "tenant": tenant,
        "name": "reminder",
        "channel": "whatsapp",
        "locale": "pt-BR",
        "tone": "friendly",
        "jurisdiction": "BR",
        "body": body,
        "version": 2,
    }
    fields.update(overrides)
    return StoredTemplate(**fields)  # type: ignore[arg-type]


BODY = "{{ creditor }} ({{ creditor_address }}, {{ creditor_document }}): {{ amount }}, {{ portal_link }}"


async def test_the_tenants_stored_template_is_used_with_the_actions_tone_and_locale() -> None:
    whatsapp = FakeChannel("whatsapp")
    stored = (
        _saved("t1", "amigável " + BODY),
        _saved("t1", "formal " + BODY, tone="formal"),
        _saved("t1", "formal en " + BODY, tone="formal", locale="en"),
    )
    dispatcher = Dispatcher(
        FakeMessages(),
        FakePlan([PHONE]),
        {WHATSAPP: whatsapp},
        ControllableClock(NOW),
        composer(*stored),  # type: ignore[dict-item]
    )
    await dispatcher.handle(replace(ACTION, tone="formal", locale="pt-BR"))
    assert whatsapp.sent[-1].text.startswith("formal Loja X (Rua das Flores")
    assert whatsapp.sent[-1].locale == "pt-BR"
    await dispatcher.handle(replace(ACTION, action_id="a2", tone="gentle"))  # strategy's gentle tone reads as friendly
    assert whatsapp.sent[-1].text.startswith("amigável ")
    await dispatcher.handle(replace(ACTION, action_id="a3", tone="formal", locale="en"))
    assert whatsapp.sent[-1].text.startswith("formal en Loja X")
    assert whatsapp.sent[-1].locale == "en"


async def test_strategys_neutral_tone_picks_a_reminder_template_else_the_newest() -> None:
    whatsapp = FakeChannel("whatsapp")
    stored = (_saved("t1", "lembrete " + BODY, tone="reminder"), _saved("t1", "formal " + BODY, tone="formal"))
    dispatcher = Dispatcher(
        FakeMessages(),
        FakePlan([PHONE]),
        {WHATSAPP: whatsapp},
        ControllableClock(NOW),
        composer(*stored),  # type: ignore[dict-item]
    )
    await dispatcher.handle(replace(ACTION, tone="neutral"))
    assert whatsapp.sent[-1].text.startswith("lembrete ")
    await dispatcher.handle(replace(ACTION, action_id="a2", tone="gentle"))  # no friendly template: any tone
    assert whatsapp.sent[-1].text.startswith(("lembrete ", "formal "))


async def test_the_agency_template_then_the_built_in_default_are_the_fallbacks() -> None:
    whatsapp, sms = FakeChannel("whatsapp"), FakeChannel("sms")
    dispatcher = Dispatcher(
        FakeMessages(),
        FakePlan([PHONE]),
        {WHATSAPP: whatsapp, SMS: sms},  # type: ignore[dict-item]
        ControllableClock(NOW),
        composer(_saved("_agency", "agência " + BODY)),
    )
    await dispatcher.handle(ACTION)
    assert whatsapp.sent[-1].text.startswith("agência Loja X")
    await dispatcher.handle(replace(ACTION, action_id="a2", locale="es"))  # the agency has no es: built-in
    assert whatsapp.sent[-1].text.startswith("Hola. Loja X le informa")
    assert whatsapp.sent[-1].locale == "es"


async def test_a_creditor_without_address_or_document_is_not_sent_a_brazilian_template() -> None:
    whatsapp = FakeChannel("whatsapp")
    messages = FakeMessages()
    dispatcher = Dispatcher(
        messages,
        FakePlan([PHONE]),
        {WHATSAPP: whatsapp},  # type: ignore[dict-item]
        ControllableClock(NOW),
        composer(creditor=None),
    )
    await dispatcher.handle(ACTION)
    assert whatsapp.sent == []
    assert messages.state[("t1", "a1")] == "failed"
    reason = str(messages.fields[("t1", "a1")]["reason"])
    assert "creditor_address" in reason
    assert "creditor_document" in reason


async def test_personal_links_carry_the_debtors_portal_token() -> None:
    tokens = PortalTokens("lookup-key", ControllableClock(datetime(2026, 3, 3, 13, tzinfo=UTC)))
    signed = Composer(FakeTemplates(), FakeCreditors({"t1": LOJA}), "https://portal.example/p", tokens)
    composed = await signed.compose(ACTION.request(), SMS)
    link, breakdown = composed.parameters[3], composed.parameters[2]
    assert link.startswith("https://portal.example/p/d1?t=")
    assert breakdown.startswith("https://portal.example/p/d1/breakdown?t=")
    assert tokens.read(link.partition("?t=")[2]) == ("t1", "p1"), "the token names this tenant's debtor"
    assert link in composed.text


class Cells:
    """Shared cells as the store gives them out (the first free from the one asked for); every mark free."""

    def __init__(self, taken_ahead: int = 0) -> None:
        self.taken: list[int] = []
        self.ahead = taken_ahead  # cells other instances hold from now on

    async def take(self, provider: str, first: int) -> int:
        cell = max(first + self.ahead, self.taken[-1] + 1 if self.taken else 0)
        self.ahead = 0
        self.taken.append(cell)
        return cell

    async def marks(self, keys: list[str]) -> int:
        return len(keys)


class Stamped(FakeChannel):
    """Notes the clock when each request starts."""

    def __init__(self, clock: ControllableClock) -> None:
        super().__init__("whatsapp")
        self.clock = clock
        self.at: list[float] = []

    async def send(self, message: OutboundMessage) -> str:
        self.at.append(self.clock.now().timestamp())
        return await super().send(message)


async def test_a_send_that_missed_its_cell_takes_another_and_each_retry_takes_its_own() -> None:
    clock, cells = ControllableClock(NOW), Cells(taken_ahead=10)
    whatsapp = Stamped(clock)
    whatsapp.transient = [TransientSendFailure("busy")]
    overrun = [0.5]  # the first wait ends half a second late, as on a loaded machine

    async def sleep(seconds: float) -> None:
        clock.advance(timedelta(seconds=seconds + (overrun.pop() if overrun else 0.0)))

    throttle = Throttle({"whatsapp": Pace(rate=80, burst=1, per_recipient_seconds=6)})
    dispatcher = Dispatcher(
        FakeMessages(),
        FakePlan([PHONE]),
        {WHATSAPP: whatsapp},
        clock,
        composer(),  # type: ignore[dict-item]
        retry_waits=(0.001,),
        sleep=sleep,
        throttle=throttle,
        slots=cells,
    )
    await dispatcher.handle(ACTION)
    clock.advance(timedelta(seconds=7))  # past the backoff and the recipient's spacing, counted from the try
    await dispatcher.run_due()
    assert len(whatsapp.sent) == 1
    assert len(cells.taken) == 3, "the missed cell, then one for the try that failed and one for the retry"
    length, allowance = throttle.cell("whatsapp")
    start = cells.taken[-1] * length
    assert start <= whatsapp.at[-1] < start + allowance, "the request that went starts inside its own cell"


OPTED_OUT = PolicyVerdict(False, "opted_out", "the debtor opted out of CHANNEL_WHATSAPP (keyword)")


async def test_a_channel_off_the_plan_is_blocked_with_the_policys_reason_when_nothing_was_sent() -> None:
    # Contact-locator left WhatsApp out of the plan (the opt-out reached it first); the action still names it.
    sms = FakeChannel("sms")
    whatsapp = FakeChannel("whatsapp")
    policy = FakePolicy({WHATSAPP: OPTED_OUT, SMS: QUIET})
    dispatcher, messages, _ = make([PHONE_SMS], {WHATSAPP: whatsapp, SMS: sms}, policy)
    await dispatcher.handle(ACTION)
    assert messages.state[("t1", "a1")] == "blocked"
    reason = str(messages.fields[("t1", "a1")]["reason"])
    assert reason.startswith("blocked by the contact policy: sms: quiet_hours: 22:00"), reason
    assert reason.endswith("; whatsapp: opted_out: the debtor opted out of CHANNEL_WHATSAPP (keyword)"), reason
    assert policy.asked[-1] == ContactCheck("t1", "a1", "d1", "p1", WHATSAPP, "")


async def test_no_point_on_a_channel_the_policy_allows_is_no_usable_contact_point() -> None:
    policy = FakePolicy()
    dispatcher, messages, _ = make([], {WHATSAPP: FakeChannel("whatsapp"), SMS: FakeChannel("sms")}, policy)
    await dispatcher.handle(ACTION)
    assert messages.state[("t1", "a1")] == "failed"
    assert messages.fields[("t1", "a1")]["reason"] == "no usable contact point"
    assert [c.channel for c in policy.asked] == [WHATSAPP, SMS]


async def test_a_sent_message_asks_nothing_about_the_channels_it_did_not_use() -> None:
    whatsapp, policy = FakeChannel("whatsapp"), FakePolicy()
    dispatcher, _, _ = make([PHONE], {WHATSAPP: whatsapp, SMS: FakeChannel("sms")}, policy)
    await dispatcher.handle(ACTION)
    assert [c.channel for c in policy.asked] == [WHATSAPP]


# An opt-out's confirmation as inbound hands it over: to the address that opted out, naming the answered client.
CONFIRMATION = replace(ACTION, action_id="c1", channels=(WHATSAPP,), template="", confirms=PHONE)


async def test_an_opt_out_confirmation_goes_once_to_its_recipient_as_free_text_retried_when_rate_limited() -> None:
    clock, whatsapp = ControllableClock(NOW), FakeChannel("whatsapp")
    whatsapp.transient = [RateLimitedSend("131056 pair rate limit hit")]
    opt_outs = FakeOptOuts({(WHATSAPP, PHONE.address)})  # the very opt-out it confirms
    messages, plan, policy = FakeMessages(), FakePlan([OTHER_PHONE]), FakePolicy({WHATSAPP: QUIET})
    dispatcher = Dispatcher(
        messages,
        plan,
        {WHATSAPP: whatsapp},  # type: ignore[dict-item]
        clock,
        composer(),
        sleep=fake_sleep,
        opt_outs=opt_outs,
        policy=policy,
        recipients=opt_outs,
    )
    assert not await dispatcher.handle(CONFIRMATION)
    assert SLEPT == [], "the handler never waits out a rate limit"
    assert messages.due_at[("t1", "c1")][0] == NOW + timedelta(seconds=1)
    clock.advance(timedelta(seconds=1))
    assert await dispatcher.run_due() == 1
    [sent] = whatsapp.sent
    assert (sent.to, sent.template) == (PHONE.address, "")  # free text, inside the window the reply opened
    assert "Loja X não enviará mais mensagens" in sent.text
    assert (plan.asked, policy.asked) == ([], [])  # neither the plan nor the policy stands between
    assert messages.state[("t1", "c1")] == "sent"
    # Not message.sent (strategy asked for nothing and its caps do not count it): its own event, for the timeline.
    [event] = messages.events
    confirmed = unpack_payload(event.envelope)
    assert (event.type, event.topic, event.key, event.envelope.subject) == ("message.own_sent", "messages", "p1", "d1")
    assert isinstance(confirmed, messages_pb2.OwnMessageSent)
    assert (confirmed.kind, confirmed.follows_message_id) == (messages_pb2.OWN_MESSAGE_KIND_OPT_OUT_CONFIRMATION, "")
    assert (confirmed.message_id, confirmed.channel, confirmed.contact_point_id) == (
        "c1",
        WHATSAPP,
        PHONE.contact_point_id,
    )
    assert (confirmed.provider, confirmed.provider_message_id, confirmed.text) == (
        "whatsapp",
        "whatsapp-msg-1",
        sent.text,
    )
    assert opt_outs.last == {(WHATSAPP, PHONE.address): ("t1", "c1", clock.now())}
    assert not await dispatcher.handle(CONFIRMATION)
    await drain_due(dispatcher, clock, rounds=3)
    assert len(whatsapp.sent) == 1


US_PHONE = Recipient("cp-us", SMS, "+12025550123")
US_FIRST = _saved(
    "t1",
    "{{ creditor }}: {{ amount }} is open, see {{ portal_link }}",
    channel="sms",
    locale="en",
    tone="reminder",
    jurisdiction="US",
    first_communication=True,
    validation_notice_follows_in_days=3,
)
US_ACTION = replace(ACTION, channels=(SMS,), locale="en", balance=Money(150000, "USD"))
NOTICE_ID = notice_id("t1", "a1")
NY_MORNING = datetime(2024, 3, 4, 13, 0, tzinfo=UTC)  # 08:00 in New York


class Outcomes:
    def __init__(self) -> None:
        self.counted: list[str] = []

    def count(self, outcome: str) -> None:
        self.counted.append(outcome)


def noticing(
    policy: FakePolicy | None = None, clock: ControllableClock | None = None
) -> tuple[Dispatcher, FakeMessages, FakeChannel, FakeAudit, Outcomes, ControllableClock]:
    messages, sms, audit, outcomes = FakeMessages(), FakeChannel("sms"), FakeAudit(), Outcomes()
    clock = clock or ControllableClock(NY_MORNING)
    dispatcher = Dispatcher(
        messages,
        FakePlan([US_PHONE]),
        {SMS: sms},  # type: ignore[dict-item]
        clock,
        Composer(FakeTemplates(US_FIRST), FakeCreditors({"t1": LOJA}), "https://portal.example/p/", clock=clock),
        retry_waits=(0.5, 2.0),
        sleep=fake_sleep,
        policy=policy,
        audit=audit,
        notices=Notices(messages, clock, audit, outcomes),
    )
    return dispatcher, messages, sms, audit, outcomes, clock


async def test_a_us_first_communication_declaring_a_follow_up_is_followed_by_one_validation_notice() -> None:
    policy = FakePolicy()
    dispatcher, messages, sms, audit, outcomes, clock = noticing(policy)
    assert await dispatcher.handle(US_ACTION)
    # Owed at once, due now, to the same point: the scheduler sends it, then nothing more whatever comes again.
    await dispatcher.run_due()
    await dispatcher.handle(US_ACTION)
    await drain_due(dispatcher, clock, 5)
    first, notice = sms.sent
    assert first.to == notice.to == US_PHONE.address
    assert "validation notice" not in first.text
    assert notice.text.startswith("This is a communication from a debt collector about a debt of US$ 1,500.00 owed to")
    assert "Loja X" in notice.text
    assert "by April 10, 2024" in notice.text
    assert notice.template == "validation_notice"
    assert notice.parameters == ("US$ 1,500.00", "Loja X")
    assert messages.state[("t1", NOTICE_ID)] == "sent"
    # Only the step strategy asked for is its message.sent; the notice is message.own_sent (strategy counts nothing
    # of it, the timeline keeps it with its text), and was asked of the policy as a required notice.
    assert [e.type for e in messages.events] == ["message.sent", "message.own_sent"]
    own = unpack_payload(messages.events[1].envelope)
    assert isinstance(own, messages_pb2.OwnMessageSent)
    assert (own.message_id, own.kind, own.follows_message_id) == (
        NOTICE_ID,
        messages_pb2.OWN_MESSAGE_KIND_VALIDATION_NOTICE,
        "a1",
    )
    assert (own.channel, own.contact_point_id, own.provider, own.text) == (
        SMS,
        US_PHONE.contact_point_id,
        "sms",
        notice.text,
    )
    assert [(c.action_id, c.purpose) for c in policy.asked] == [("a1", ""), (NOTICE_ID, "validation_notice")]
    assert [e.message_id for e in audit.entries.values() if e.kind == "sent"] == ["a1", NOTICE_ID]
    assert outcomes.counted == ["sent"]


async def test_a_notice_owed_when_the_first_send_was_reconciled_after_a_crash_is_owed_once() -> None:
    dispatcher, messages, sms, _, _, clock = noticing()
    sms.lose_answer = True
    with pytest.raises(UncertainSend):
        await dispatcher.handle(US_ACTION)
    assert ("t1", NOTICE_ID) not in messages.state  # nothing owed before the first is known sent
    clock.advance(timedelta(minutes=10))
    await dispatcher.handle(US_ACTION)  # redelivered: reconciled as sent, and the notice owed then
    owed = messages.due_at[("t1", NOTICE_ID)][1].validates
    assert owed is not None
    assert owed.window_ends_at == NY_MORNING + timedelta(days=3)  # from the send, not from its reconciliation
    await dispatcher.handle(US_ACTION)
    await drain_due(dispatcher, clock, 5)
    assert [m.template for m in sms.sent] == ["reminder", "validation_notice"]


async def test_a_notice_refused_for_contact_hours_waits_for_them_and_sent_a_minute_before_its_window_is_in_time() -> (
    None
):
    evening = datetime(2024, 3, 4, 23, 0, tzinfo=UTC)  # 18:00 in New York
    policy = FakePolicy()
    dispatcher, messages, sms, audit, outcomes, clock = noticing(policy, ControllableClock(evening))
    await dispatcher.handle(US_ACTION)
    ends = evening + timedelta(days=3)
    opens = ends - timedelta(minutes=1)  # the debtor's hours open again a minute before the window ends
    policy.deny[SMS] = PolicyVerdict(False, "contact_hours", "21:00 in New York", opens)
    await dispatcher.run_due()
    assert messages.due_at[("t1", NOTICE_ID)][0] == opens
    clock.set(opens)
    policy.deny.clear()
    await dispatcher.run_due()
    assert [m.template for m in sms.sent] == ["reminder", "validation_notice"]
    assert outcomes.counted == ["sent"]
    assert not [e for e in audit.entries.values() if e.kind == "validation_notice_missed"]


async def test_a_notice_whose_window_ends_in_quiet_hours_is_recorded_missed_once_then_sent_late() -> None:
    evening = datetime(2024, 3, 4, 23, 0, tzinfo=UTC)
    policy = FakePolicy()
    dispatcher, messages, sms, audit, outcomes, clock = noticing(policy, ControllableClock(evening))
    await dispatcher.handle(US_ACTION)
    ends = evening + timedelta(days=3)
    opens = ends + timedelta(hours=14)
    policy.deny[SMS] = PolicyVerdict(False, "contact_hours", "18:00 in New York", opens)
    await dispatcher.run_due()
    assert messages.due_at[("t1", NOTICE_ID)][0] == ends  # woken at the window's end to record the breach
    clock.set(ends)
    await dispatcher.run_due()
    await dispatcher.handle(replace(US_ACTION))  # the first's event again changes nothing
    clock.set(ends + timedelta(minutes=1))
    await dispatcher.run_due()
    assert messages.due_at[("t1", NOTICE_ID)][0] == opens
    [missed] = [e for e in audit.entries.values() if e.kind == "validation_notice_missed"]
    assert (missed.debt_id, missed.message_id, missed.to) == ("d1", NOTICE_ID, US_PHONE.address)
    assert "not sent within 3 days" in missed.reason
    clock.set(opens)
    policy.deny.clear()
    await dispatcher.run_due()
    assert [m.template for m in sms.sent] == ["reminder", "validation_notice"]
    assert outcomes.counted == ["missed", "sent_late"]


async def test_a_hold_blocks_the_notice_with_its_reason_and_a_settled_debt_needs_none() -> None:
    policy = FakePolicy()
    dispatcher, messages, sms, audit, outcomes, _ = noticing(policy)
    await dispatcher.handle(US_ACTION)
    policy.deny[SMS] = PolicyVerdict(False, "hold_cease_contact", "the debtor asked that contact cease")
    await dispatcher.run_due()
    assert messages.state[("t1", NOTICE_ID)] == "blocked"
    assert "hold_cease_contact" in str(messages.fields[("t1", NOTICE_ID)]["reason"])
    [blocked] = [e for e in audit.entries.values() if e.kind == "validation_notice_blocked"]
    assert "contact cease" in blocked.reason
    assert [m.template for m in sms.sent] == ["reminder"]

    settled = replace(US_ACTION, action_id="a2")
    policy.deny.clear()
    await dispatcher.handle(settled)
    policy.deny[SMS] = PolicyVerdict(False, "standing_settled", "agreements says: the debt is settled")
    await dispatcher.run_due()
    assert messages.state[("t1", notice_id("t1", "a2"))] == "blocked"
    assert outcomes.counted == ["blocked", "not_required"]
    assert [e.type for e in messages.events] == ["message.sent", "message.sent"]  # the two first messages only


async def test_a_notice_the_provider_keeps_refusing_is_a_missed_window_at_once() -> None:
    dispatcher, messages, sms, audit, outcomes, _ = noticing()
    await dispatcher.handle(US_ACTION)
    sms.refuse[US_PHONE.address] = PermanentSendFailure("21610: unsubscribed recipient")
    await dispatcher.run_due()
    assert messages.state[("t1", NOTICE_ID)] == "failed"
    [missed] = [e for e in audit.entries.values() if e.kind == "validation_notice_missed"]
    assert "21610" in missed.reason
    assert outcomes.counted == ["missed"]
