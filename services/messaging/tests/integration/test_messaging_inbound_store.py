"""Replies and opt-outs on FerretDB across clients: the agency's numbers carry every client's messages.

Two clients write to one person on SMS through the real message repository; the reply lands on one client's
webhook tenant and is matched to the agency's last message there, whichever client's; the opt-out it records holds
for the address and channel for every client, and what is stored names the address only by its keyed hash.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.fernet import Fernet
from pymongo.asynchronous.database import AsyncDatabase

from cordial.events.v1 import messages_pb2
from cordial.types.v1 import types_pb2
from cordial_core.clock import ControllableClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.money import Money
from cordial_core.store import TenantCollection
from cordial_messaging.adapters.catalogue import CreditorRepository, TemplateRepository
from cordial_messaging.adapters.inbound import InboundRepository
from cordial_messaging.adapters.messages import MessageRepository
from cordial_messaging.domain.composer import Composer
from cordial_messaging.domain.dispatch import ActionToSend, Attempt, Dispatcher, OutboundMessage, Recipient, Reconciled
from cordial_messaging.domain.inbound import Inbound, Reply

NOW = datetime(2024, 3, 5, 13, 0, tzinfo=UTC)
SMS, WHATSAPP = types_pb2.CHANNEL_SMS, types_pb2.CHANNEL_WHATSAPP
PHONE = "+5511987650042"


class Sms:
    """Records the opt-out confirmation instead of sending it."""

    name = "sms-gateway"

    def __init__(self) -> None:
        self.sent: list[OutboundMessage] = []

    async def send(self, message: OutboundMessage) -> str:
        self.sent.append(message)
        return f"SM-confirm-{len(self.sent)}"

    async def reconcile(self, attempt: Attempt) -> Reconciled:
        return Reconciled(False)


class NoPlan:
    """The confirmation needs no contact plan: it goes to the address that opted out."""

    async def plan(self, debtor_id: str, channels: tuple[int, ...]) -> list[Recipient]:
        raise AssertionError("an opt-out confirmation asks for no contact plan")


async def _sent(messages: MessageRepository, store: InboundRepository, tenant: str, debt: str, sid: str) -> None:
    """A message of a client recorded sent, as the dispatcher records it."""
    action = ActionToSend(f"a-{tenant}", tenant, debt, "p1", (SMS,), "reminder", Money(100, "BRL"), f"Credor {tenant}")
    await messages.open(action)
    attempt = Attempt("at1", f"cp-{tenant}", SMS, "sms-gateway", PHONE, "Olá", "started")
    fields: dict[str, object] = {"channel": SMS, "contact_point_id": f"cp-{tenant}", "provider": "sms-gateway"}
    fields |= {"provider_message_id": sid, "to": PHONE, "text": "Olá", "sent_at": NOW}
    await messages.finish(action, "sent", fields, [])
    await store.sent(tenant, action.action_id, attempt.channel, attempt.to, NOW)


async def test_a_reply_on_one_clients_webhook_answers_the_other_clients_message_and_opts_out_for_all(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    clock = ControllableClock(NOW)
    cipher = PersonalDataCipher(Fernet.generate_key().decode(), "lookup-key-for-tests")
    messages = MessageRepository(TenantCollection(mongo_db["messages"]), cipher, clock)
    opt_outs = mongo_db["opt_outs"]
    store = InboundRepository(
        messages.collection,
        TenantCollection(mongo_db["replies"]),
        TenantCollection(opt_outs),
        cipher,
        clock,
        TenantCollection(mongo_db["recipients"]),
    )
    await _sent(messages, store, "alfa", "d-alfa", "SM-alfa")
    clock.advance(timedelta(hours=2))
    await _sent(messages, store, "beta", "d-beta", "SM-beta")
    assert not await store.opted_out(SMS, PHONE)

    sms = Sms()
    composer = Composer(
        TemplateRepository(TenantCollection(mongo_db["templates"]), clock),
        CreditorRepository(TenantCollection(mongo_db["creditors"]), cipher, clock),
        "https://pay.example",
    )
    dispatcher = Dispatcher(messages, NoPlan(), {SMS: sms}, clock, composer, opt_outs=store, recipients=store)
    inbound = Inbound(store, dispatcher, clock)
    outcome = await inbound.reply("alfa", Reply(SMS, "sms-gateway", "SM-in-1", PHONE, "SAIR"))
    assert (outcome.matched, outcome.intent, outcome.confirmation_sent) == (
        True,
        messages_pb2.REPLY_INTENT_OPT_OUT,
        True,
    )
    assert "Credor beta" in sms.sent[0].text  # the answered message was beta's
    [confirmation] = await messages.collection.find("beta", {"state": "sent", "action.confirms": {"$exists": True}})
    assert (confirmation["debt_id"], confirmation["provider_message_id"]) == ("d-beta", "SM-confirm-1")
    assert PHONE.lstrip("+") not in str(confirmation)  # its recipient is stored encrypted, as every message's
    [reply] = [doc async for doc in mongo_db["replies"].find({})]
    assert (reply["tenant"], reply["message_id"]) == ("beta", "a-beta")
    assert await store.opted_out(SMS, PHONE)
    assert not await store.opted_out(WHATSAPP, PHONE)
    assert not await store.opted_out(SMS, "+5511987650043")

    # Said again on the other client's webhook: recorded, never confirmed twice.
    again = await inbound.reply("beta", Reply(SMS, "sms-gateway", "SM-in-2", PHONE, "PARE"))
    assert again.matched
    assert not again.confirmation_sent
    assert len(sms.sent) == 1
    stored = [doc async for doc in mongo_db["opt_outs"].find({})] + [
        doc async for doc in mongo_db["recipients"].find({})
    ]
    assert len(stored) == 2
    assert all(PHONE not in str(doc) and PHONE.lstrip("+") not in str(doc) for doc in stored)
