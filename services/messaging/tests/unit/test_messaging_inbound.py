"""Receipts and replies become events; an opt-out is honoured at once and confirmed once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from cordial.events.v1 import contacts_pb2, messages_pb2
from cordial.types.v1 import types_pb2
from cordial_core.clock import ControllableClock
from cordial_core.events import Event, unpack_payload
from cordial_messaging.domain.audit import AuditEntry
from cordial_messaging.domain.dispatch import ActionToSend, Recipient, UncertainSend
from cordial_messaging.domain.inbound import DISPATCHED, Inbound, Reply, SentMessage

WHATSAPP = types_pb2.CHANNEL_WHATSAPP
SENT = SentMessage("m1", "t1", "d1", "p1", WHATSAPP, "cp1", "whatsapp-cloud", "wamid.1", "+5511987654321", "Loja X")


class FakeStore:
    """Mirrors the repository: deliveries once per state, replies once per id, one claim per opt-out.

    ``sent`` are the messages of every client, the last one the agency's last; ``indexed`` says whether the
    agency-wide record of the last message per address exists (it does not for messages sent before it).
    """

    def __init__(self, sent: tuple[SentMessage, ...] = (SENT,), indexed: bool = True) -> None:
        self.events: list[Event] = []
        self.deliveries: set[tuple[str, int]] = set()
        self.replies: set[str] = set()
        # The message each opt-out's first claim answered; None for one claimed before confirmations were dispatched.
        self.opt_outs: dict[str, SentMessage | None] = {}
        self.sent = sent
        self.indexed = indexed

    async def by_provider_id(self, tenant: str, provider: str, provider_message_id: str) -> SentMessage | None:
        found = [
            m
            for m in self.sent
            if (m.tenant, m.provider, m.provider_message_id) == (tenant, provider, provider_message_id)
        ]
        return found[-1] if found else None

    async def last_sent_to(self, tenant: str, address: str, channel: int) -> SentMessage | None:
        found = [m for m in self.sent if (m.tenant, m.to, m.channel) == (tenant, address, channel)]
        return found[-1] if found else None

    async def last_sent_by_agency(self, address: str, channel: int) -> SentMessage | None:
        found = [m for m in self.sent if (m.to, m.channel) == (address, channel)]
        return found[-1] if found and self.indexed else None

    def opt_out_id(self, channel: int, address: str) -> str:
        return f"{channel}:{address}"

    async def record_delivery(self, message: SentMessage, state: int, events: list[Event]) -> bool:
        if (message.id, state) in self.deliveries:
            return False
        self.deliveries.add((message.id, state))
        self.events.extend(events)
        return True

    async def record_reply(self, reply_id: str, message: SentMessage, intent: int, events: list[Event]) -> bool:
        if reply_id in self.replies:
            return False
        self.replies.add(reply_id)
        self.events.extend(events)
        return True

    async def claim_confirmation(
        self, opt_out_id: str, message: SentMessage, channel: int, confirmed_by: str = DISPATCHED
    ) -> bool:
        if opt_out_id in self.opt_outs:
            return False
        self.opt_outs[opt_out_id] = message if confirmed_by == DISPATCHED else None
        return True

    async def claimed(self, opt_out_id: str) -> SentMessage | None:
        return self.opt_outs.get(opt_out_id)


class FakeDispatcher:
    """Sends each action once by its id, as the dispatcher does; or defers it, or loses the provider's answer."""

    def __init__(self, defer: bool = False, lose_answer: bool = False) -> None:
        self.handled: list[ActionToSend] = []
        self.sent: dict[str, ActionToSend] = {}
        self.defer = defer
        self.lose_answer = lose_answer

    async def handle(self, action: ActionToSend) -> bool:
        self.handled.append(action)
        if self.lose_answer:
            raise UncertainSend("answer lost")
        if self.defer or action.action_id in self.sent:
            return False
        self.sent[action.action_id] = action
        return True


def _inbound(store: FakeStore, dispatcher: FakeDispatcher) -> Inbound:
    return Inbound(store, dispatcher, ControllableClock(datetime(2024, 3, 5, 13, tzinfo=UTC)))


def _reply(text: str, inbound_id: str = "wamid.in1", in_reply_to: str = "") -> Reply:
    return Reply(WHATSAPP, "whatsapp-cloud", inbound_id, SENT.to, text, in_reply_to)


async def test_a_receipt_becomes_one_event_per_state() -> None:
    store = FakeStore()
    inbound = _inbound(store, FakeDispatcher())
    delivered = messages_pb2.DELIVERY_STATE_DELIVERED
    assert await inbound.receipt("t1", "whatsapp-cloud", "wamid.1", delivered, "") == (True, True)
    assert await inbound.receipt("t1", "whatsapp-cloud", "wamid.1", delivered, "") == (True, False)
    assert await inbound.receipt("t2", "whatsapp-cloud", "wamid.1", delivered, "") == (False, False)
    [event] = store.events
    payload = unpack_payload(event.envelope)
    assert isinstance(payload, messages_pb2.MessageDeliveryUpdated)
    assert (payload.message_id, payload.contact_point_id, payload.state) == ("m1", "cp1", delivered)
    assert (event.envelope.subject, event.key) == ("d1", "p1")
    assert (payload.confirmation, payload.own_kind) == (False, messages_pb2.OWN_MESSAGE_KIND_UNSPECIFIED)


@pytest.mark.parametrize(
    "kind", [messages_pb2.OWN_MESSAGE_KIND_OPT_OUT_CONFIRMATION, messages_pb2.OWN_MESSAGE_KIND_VALIDATION_NOTICE]
)
async def test_the_receipt_of_a_message_messaging_sent_on_its_own_names_its_kind_for_the_timeline_and_strategy(
    kind: int,
) -> None:
    own = replace(SENT, id="c1", provider_message_id="wamid.c1", own_kind=kind)
    store = FakeStore((SENT, own))
    read = messages_pb2.DELIVERY_STATE_READ
    assert await _inbound(store, FakeDispatcher()).receipt("t1", "whatsapp-cloud", "wamid.c1", read, "") == (True, True)
    [event] = store.events
    payload = unpack_payload(event.envelope)
    assert isinstance(payload, messages_pb2.MessageDeliveryUpdated)
    # confirmation too, so strategy and the gateway of the previous release never take it for a step's receipt
    assert (payload.message_id, payload.state, payload.own_kind, payload.confirmation) == ("c1", read, kind, True)


async def test_sair_opts_out_and_is_confirmed_once() -> None:
    store, dispatcher = FakeStore(), FakeDispatcher()
    inbound = _inbound(store, dispatcher)
    first = await inbound.reply("t1", _reply("SAIR"))
    assert (first.matched, first.intent, first.confirmation_sent) == (True, messages_pb2.REPLY_INTENT_OPT_OUT, True)
    assert [e.type for e in store.events] == ["reply.received", "contact.opted_out"]
    # The same webhook again, then another opt-out word: the same confirmation, never a second one.
    assert not (await inbound.reply("t1", _reply("SAIR"))).confirmation_sent
    assert not (await inbound.reply("t1", _reply("parar!", "wamid.in2"))).confirmation_sent
    assert len({action.action_id for action in dispatcher.handled}) == 1
    [confirmation] = dispatcher.sent.values()
    assert confirmation.confirms == Recipient("cp1", WHATSAPP, SENT.to)
    assert (confirmation.tenant, confirmation.debt_id, confirmation.debtor_id) == ("t1", "d1", "p1")
    assert (confirmation.template, confirmation.creditor_name) == ("", "Loja X")
    assert store.opt_outs[f"{WHATSAPP}:{SENT.to}"] == SENT


# Client t2's message to the same person on the same channel, sent after t1's.
OTHER = SentMessage("m2", "t2", "d2", "p1", WHATSAPP, "cp2", "whatsapp-cloud", "wamid.2", SENT.to, "Banco Y")


async def test_a_reply_posted_to_one_clients_url_answers_the_agencys_last_message_whichever_clients() -> None:
    # The agency's number carries both clients' messages; the provider posts the reply to t1's URL.
    store, dispatcher = FakeStore((SENT, OTHER)), FakeDispatcher()
    outcome = await _inbound(store, dispatcher).reply("t1", _reply("SAIR"))
    assert (outcome.matched, outcome.confirmation_sent) == (True, True)
    received, opted_out = store.events
    assert (received.envelope.tenant, received.envelope.subject) == ("t2", "d2")
    payload = unpack_payload(opted_out.envelope)
    assert isinstance(payload, contacts_pb2.ContactOptedOut)
    assert (opted_out.envelope.tenant, payload.debtor_id, payload.contact_point_id) == ("t2", "p1", "cp2")
    [confirmation] = dispatcher.sent.values()
    assert (confirmation.tenant, confirmation.creditor_name) == ("t2", "Banco Y")


async def test_a_reply_to_a_client_that_never_wrote_there_is_not_lost() -> None:
    store, dispatcher = FakeStore((OTHER,)), FakeDispatcher()
    outcome = await _inbound(store, dispatcher).reply("t1", _reply("SAIR"))
    assert (outcome.matched, outcome.intent) == (True, messages_pb2.REPLY_INTENT_OPT_OUT)
    assert [e.envelope.tenant for e in store.events] == ["t2", "t2"]


async def test_a_quoted_message_wins_and_without_the_agency_record_the_urls_client_answers() -> None:
    store = FakeStore((SENT, OTHER))
    await _inbound(store, FakeDispatcher()).reply("t1", _reply("Já paguei", in_reply_to="wamid.1"))
    assert store.events[0].envelope.subject == "d1"
    store = FakeStore((SENT, OTHER), indexed=False)
    await _inbound(store, FakeDispatcher()).reply("t1", _reply("Já paguei"))
    assert store.events[0].envelope.subject == "d1"


async def test_one_confirmation_per_address_and_channel_whichever_client_was_answered() -> None:
    store, dispatcher = FakeStore((SENT,)), FakeDispatcher()
    inbound = _inbound(store, dispatcher)
    assert (await inbound.reply("t1", _reply("SAIR"))).confirmation_sent
    store.sent = (SENT, OTHER)  # a message of t2 slipped out before the opt-out was known, and is answered too
    assert not (await inbound.reply("t1", _reply("PARAR", "wamid.in2"))).confirmation_sent
    assert [action.tenant for action in dispatcher.handled] == ["t1", "t1"]  # the first claim's, both times
    assert len(dispatcher.sent) == 1


async def test_a_deferred_confirmation_is_taken_up_again_by_a_reply_said_again() -> None:
    # Deferred for the recipient's spacing or a rate limit; a crash may have lost what the scheduler was doing.
    store, dispatcher = FakeStore(), FakeDispatcher(defer=True)
    inbound = _inbound(store, dispatcher)
    assert not (await inbound.reply("t1", _reply("SAIR"))).confirmation_sent
    dispatcher.defer = False
    assert (await inbound.reply("t1", _reply("SAIR", "wamid.in2"))).confirmation_sent
    first, again = dispatcher.handled
    assert first == again


async def test_a_confirmation_whose_answer_was_lost_is_held_by_the_dispatcher_not_reported_sent() -> None:
    store, dispatcher = FakeStore(), FakeDispatcher(lose_answer=True)
    outcome = await _inbound(store, dispatcher).reply("t1", _reply("STOP"))
    assert (outcome.matched, outcome.confirmation_sent) == (True, False)
    assert [e.type for e in store.events] == ["reply.received", "contact.opted_out"]


async def test_an_opt_out_confirmed_before_confirmations_were_dispatched_is_never_confirmed_again() -> None:
    store, dispatcher = FakeStore(), FakeDispatcher()
    store.opt_outs[f"{WHATSAPP}:{SENT.to}"] = None  # claimed, and its confirmation tried, the old way
    assert not (await _inbound(store, dispatcher).reply("t1", _reply("SAIR"))).confirmation_sent
    assert dispatcher.handled == []


async def test_other_intents_become_reply_events_without_opt_out() -> None:
    store, dispatcher = FakeStore(), FakeDispatcher()
    outcome = await _inbound(store, dispatcher).reply("t1", _reply("Já paguei ontem", in_reply_to="wamid.1"))
    assert outcome.intent == messages_pb2.REPLY_INTENT_ALREADY_PAID
    [event] = store.events
    payload = unpack_payload(event.envelope)
    assert isinstance(payload, messages_pb2.ReplyReceived)
    assert (payload.debt_id, payload.intent) == ("d1", messages_pb2.REPLY_INTENT_ALREADY_PAID)
    assert dispatcher.handled == []


async def test_a_reply_from_an_unknown_sender_matches_nothing() -> None:
    store = FakeStore()
    outcome = await _inbound(store, FakeDispatcher()).reply(
        "t1", Reply(WHATSAPP, "whatsapp-cloud", "wamid.x", "+15550001111", "SAIR")
    )
    assert not outcome.matched
    assert store.events == []


class FakeAudit:
    def __init__(self) -> None:
        self.entries: dict[str, AuditEntry] = {}

    async def append(self, entry: AuditEntry) -> None:
        self.entries.setdefault(entry.id, entry)

    async def entries_of(self, tenant: str, debt_id: str, debtor_id: str) -> list[AuditEntry]:
        return list(self.entries.values())


async def test_each_delivery_state_is_in_the_audit_trail_once() -> None:
    audit = FakeAudit()
    clock = ControllableClock(datetime(2024, 3, 5, 13, tzinfo=UTC))
    inbound = Inbound(FakeStore(), FakeDispatcher(), clock, audit)  # type: ignore[arg-type]
    delivered, read = messages_pb2.DELIVERY_STATE_DELIVERED, messages_pb2.DELIVERY_STATE_READ
    for state in (delivered, delivered, read):
        await inbound.receipt("t1", "whatsapp-cloud", "wamid.1", state, "")
    await inbound.receipt("t2", "whatsapp-cloud", "wamid.1", read, "")  # another tenant's: no message
    entries = sorted(audit.entries.values(), key=lambda e: e.delivery_state)
    assert [(e.kind, e.delivery_state) for e in entries] == [("delivery", delivered), ("delivery", read)]
    assert {(e.message_id, e.to, e.provider_message_id, e.contact_point_id) for e in entries} == {
        ("m1", SENT.to, "wamid.1", "cp1")
    }


async def test_a_number_the_debtor_writes_travels_with_the_reply_but_not_from_a_wrong_party() -> None:
    store, dispatcher = FakeStore(), FakeDispatcher()
    inbound = _inbound(store, dispatcher)
    await inbound.reply("t1", _reply("Esse não uso mais, meu número agora é (21) 99876-5432", "wamid.in2"))
    await inbound.reply("t1", _reply("Não sou eu, tente 21 91111-2222", "wamid.in3"))
    offered, wrong_party = [unpack_payload(e.envelope) for e in store.events]
    assert isinstance(offered, messages_pb2.ReplyReceived)
    assert isinstance(wrong_party, messages_pb2.ReplyReceived)
    assert [(c.kind, c.value) for c in offered.offered_contacts] == [(types_pb2.CONTACT_KIND_PHONE, "+5521998765432")]
    assert wrong_party.intent == messages_pb2.REPLY_INTENT_NOT_ME
    assert list(wrong_party.offered_contacts) == []


US_SMS = SentMessage(
    "m2", "t1", "d1", "p1", types_pb2.CHANNEL_SMS, "cp2", "sms-gateway", "SM1", "+14155550123", "Loja X"
)


def _sms(text: str, inbound_id: str) -> Reply:
    return Reply(types_pb2.CHANNEL_SMS, "sms-gateway", inbound_id, US_SMS.to, text)


async def test_a_us_stop_twilio_confirmed_is_honoured_but_not_confirmed_again_by_us() -> None:
    store, dispatcher = FakeStore((US_SMS,)), FakeDispatcher()
    inbound = _inbound(store, dispatcher)
    outcome = await inbound.reply("t1", _sms("STOP", "SM-in-1"))
    assert (outcome.intent, outcome.confirmation_sent) == (messages_pb2.REPLY_INTENT_OPT_OUT, False)
    assert [e.type for e in store.events] == ["reply.received", "contact.opted_out"]
    assert list(store.opt_outs) == [f"{types_pb2.CHANNEL_SMS}:{US_SMS.to}"]  # held at once, for the address
    # A sentence after it is not Twilio's keyword, but the opt-out was confirmed once already.
    await inbound.reply("t1", _sms("STOP texting me please", "SM-in-2"))
    assert dispatcher.handled == []


async def test_a_us_sentence_twilio_does_not_act_on_is_ours_to_confirm() -> None:
    store, dispatcher = FakeStore((US_SMS,)), FakeDispatcher()
    outcome = await _inbound(store, dispatcher).reply("t1", _sms("STOP texting me please", "SM-in-1"))
    assert outcome.confirmation_sent
    [action] = dispatcher.handled
    assert action.confirms is not None
    assert action.confirms.address == US_SMS.to
