"""An opt-out's one confirmation against the sandbox's limits, over real sockets, FerretDB and the wall clock.

A debtor's "SAIR" usually follows our message within seconds, inside the Cloud API's pair window (one message to
a user every 6 s, sooner refused with 131056): the confirmation is deferred through ``messages_deferred`` like any
send, or refused and tried again at the same point, and sent once, after the window, whatever replies repeat and
whichever instance takes it. An SMS gateway's rate limit (Twilio's 429) is tried again the same way.

A US number's STOP is confirmed by Twilio itself (the sandbox models it), so messaging sends none; and a send
Twilio refuses with 21610 (a STOP messaging never heard) is an opt-out of that channel, not a retry.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from pymongo.asynchronous.database import AsyncDatabase

from cordial.events.v1 import messages_pb2
from cordial.types.v1 import types_pb2
from cordial_core.clock import SystemClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.ids import new_id
from cordial_core.money import Money
from cordial_core.store import TenantCollection
from cordial_messaging.adapters.audit import AuditRepository
from cordial_messaging.adapters.catalogue import CreditorRepository, TemplateRepository
from cordial_messaging.adapters.inbound import InboundRepository
from cordial_messaging.adapters.messages import MessageRepository
from cordial_messaging.adapters.providers import SmsGateway, WhatsAppCloud
from cordial_messaging.adapters.rate_slots import MongoRateSlots
from cordial_messaging.domain.composer import Composer, Creditor
from cordial_messaging.domain.dispatch import ActionToSend, Dispatcher, Recipient
from cordial_messaging.domain.inbound import Inbound, Reply
from cordial_messaging.domain.throttle import Pace, Throttle
from cordial_stack.fixtures import sandbox_fixtures
from cordial_stack.form_hook import form_hook

TOKEN = "integration-sandbox-token-opt-out"
sandbox_url, http = sandbox_fixtures(TOKEN)
WHATSAPP, SMS = types_pb2.CHANNEL_WHATSAPP, types_pb2.CHANNEL_SMS
TENANT = "t-confirm"
CIPHER = PersonalDataCipher(Fernet.generate_key().decode(), "lookup-key-for-tests")
CONFIRMED = "não enviará mais mensagens"
ADDRESS, DOCUMENT = "Rua das Flores 10, São Paulo SP", "11.222.333/0001-81"
# The sandbox's pair window (the Cloud API's): one message to a user every 6 s.
PAIR_SECONDS = 6.0


class Plan:
    """The debtor's one number on the channel asked."""

    def __init__(self, number: str) -> None:
        self.number = number

    async def plan(self, debtor_id: str, channels: tuple[int, ...]) -> list[Recipient]:
        return [Recipient(f"cp-{debtor_id}", channel, self.number) for channel in channels]


class Instance:
    """Messaging's dispatcher, scheduler and inbound as one instance wires them, on the shared database."""

    def __init__(
        self, db: AsyncDatabase[dict[str, Any]], http: httpx.AsyncClient, url: str, number: str, spacing: float
    ) -> None:
        clock = SystemClock()
        self.messages = MessageRepository(TenantCollection(db["messages"]), CIPHER, clock, new_id())
        self.creditors = CreditorRepository(TenantCollection(db["creditors"]), CIPHER, clock)
        self.audit = audit = AuditRepository(TenantCollection(db["audit"]), CIPHER)
        self.store = InboundRepository(
            self.messages.collection,
            TenantCollection(db["replies"]),
            TenantCollection(db["opt_outs"]),
            CIPHER,
            clock,
            TenantCollection(db["recipients"]),
        )
        whatsapp = WhatsAppCloud(http, url, "v21.0", "100000000000001", TOKEN)
        sms = SmsGateway(http, url, "ACtest", TOKEN, "+5511999990000")
        paces = {whatsapp.name: Pace(70.0, 1, spacing), sms.name: Pace(30.0, 1, spacing)}
        self.dispatcher = Dispatcher(
            self.messages,
            Plan(number),
            {WHATSAPP: whatsapp, SMS: sms},
            clock,
            Composer(
                TemplateRepository(TenantCollection(db["templates"]), clock), self.creditors, "https://pay.example"
            ),
            opt_outs=self.store,
            throttle=Throttle(paces),
            audit=audit,
            slots=MongoRateSlots(db["rate_slots"], clock, CIPHER.lookup_hash),
            recipients=self.store,
        )
        self.inbound = Inbound(self.store, self.dispatcher, clock, audit)

    async def reply(self, channel: int, provider: str, inbound_id: str, sender: str, text: str) -> None:
        """A debtor's reply as the gateway hands it over."""
        outcome = await self.inbound.reply(TENANT, Reply(channel, provider, inbound_id, sender, text))
        assert (outcome.matched, outcome.intent) == (True, messages_pb2.REPLY_INTENT_OPT_OUT)


async def _inbox(http: httpx.AsyncClient, url: str, channel: str, number: str) -> list[dict[str, Any]]:
    found = await http.get(f"{url}/sandbox/inbox", params={"channel": channel, "to": number})
    messages: list[dict[str, Any]] = found.json()["messages"]
    return messages


async def _scheduled(instance: Instance, http: httpx.AsyncClient, url: str, channel: str, number: str, count: int):  # type: ignore[no-untyped-def]
    """Runs the instance's scheduler until the number's inbox holds ``count`` messages (or 40 s pass)."""
    deadline = time.monotonic() + 40
    while (inbox := await _inbox(http, url, channel, number)) and len(inbox) < count and time.monotonic() < deadline:
        await instance.dispatcher.run_due()
        await asyncio.sleep(0.2)
    return inbox


async def _idle(instances: list[Instance], seconds: float) -> None:
    """Every instance's scheduler runs a while, as the service's would: anything still due would be sent."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for instance in instances:
            await instance.dispatcher.run_due()
        await asyncio.sleep(0.2)


@pytest.mark.parametrize(
    "spacing",
    [
        pytest.param(7.0, id="deferred-by-the-recipient-spacing"),
        pytest.param(1.0, id="refused-by-the-pair-rate-and-retried"),
    ],
)
async def test_a_sair_within_a_second_of_our_whatsapp_message_is_confirmed_once_after_the_pair_window(
    mongo_db: AsyncDatabase[dict[str, Any]], http: httpx.AsyncClient, sandbox_url: str, spacing: float
) -> None:
    number = f"+55119{int(time.time() * 1000) % 100_000_000:08d}"
    first = Instance(mongo_db, http, sandbox_url, number, spacing)
    await first.creditors.put(TENANT, Creditor("Loja Confirma", ADDRESS, DOCUMENT))
    action = ActionToSend("a-1", TENANT, "d-1", "p1", (WHATSAPP,), "reminder", Money(15000, "BRL"), "Loja Confirma")
    await first.dispatcher.handle(action)
    [reminder] = await _inbox(http, sandbox_url, "whatsapp", number)

    # Within a second of our message: the opt-out, the same webhook again, and another opt-out word.
    await first.reply(WHATSAPP, "whatsapp-cloud", "wamid.in1", number, "SAIR")
    await first.reply(WHATSAPP, "whatsapp-cloud", "wamid.in1", number, "SAIR")
    await first.reply(WHATSAPP, "whatsapp-cloud", "wamid.in2", number, "parar!")
    assert time.time() - float(reminder["arrived_at"]) < PAIR_SECONDS
    assert await first.store.opted_out(WHATSAPP, number)  # at once, before any confirmation

    inbox = await _scheduled(first, http, sandbox_url, "whatsapp", number, 2)
    assert len(inbox) == 2, inbox
    confirmation = inbox[1]
    assert CONFIRMED in confirmation["body"]
    assert "Loja Confirma" in confirmation["body"]
    assert float(confirmation["arrived_at"]) - float(reminder["arrived_at"]) >= PAIR_SECONDS
    # In the audit trail beside the reminder, with its text, contact point and the provider's id.
    entries = await first.audit.entries(TENANT, "d-1", "p1")
    assert [(e.kind, e.contact_point_id, e.to) for e in entries] == [("sent", "cp-p1", number)] * 2
    assert (entries[1].provider_message_id, entries[1].template) == (confirmation["id"], "")
    assert CONFIRMED in entries[1].text

    # Another instance (a restart) hears the opt-out again; neither ever sends a second confirmation.
    second = Instance(mongo_db, http, sandbox_url, number, spacing)
    await second.reply(WHATSAPP, "whatsapp-cloud", "wamid.in3", number, "STOP")
    await _idle([first, second], spacing + 2)
    assert len(await _inbox(http, sandbox_url, "whatsapp", number)) == 2
    limits = (await http.get(f"{sandbox_url}/sandbox/whatsapp/limits")).json()
    if spacing >= PAIR_SECONDS:
        assert limits["refused"] == {"130429": 0, "131056": 0}  # deferred, never sent into the window
    else:
        assert limits["refused"]["131056"] >= 1  # sent into the window, refused, and tried again


async def test_an_sms_confirmation_refused_for_the_gateways_rate_limit_is_tried_again_once(
    mongo_db: AsyncDatabase[dict[str, Any]], http: httpx.AsyncClient, sandbox_url: str
) -> None:
    number = f"+55119{int(time.time() * 1000) % 100_000_000:08d}"
    instance = Instance(mongo_db, http, sandbox_url, number, 1.0)
    await instance.creditors.put(TENANT, Creditor("Loja SMS", ADDRESS, DOCUMENT))
    action = ActionToSend("a-sms", TENANT, "d-sms", "p1", (SMS,), "reminder", Money(15000, "BRL"), "Loja SMS")
    await instance.dispatcher.handle(action)
    [reminder] = await _inbox(http, sandbox_url, "sms", number)
    sid = reminder["id"]
    armed = await http.post(f"{sandbox_url}/sandbox/faults", json={"channel": "sms", "status": 429, "count": 1})
    assert armed.status_code == 200

    await instance.reply(SMS, "sms-gateway", "SM-in-1", number, "SAIR")
    inbox = await _scheduled(instance, http, sandbox_url, "sms", number, 2)
    assert [m["id"] for m in inbox][:1] == [sid]
    assert len(inbox) == 2, inbox
    assert CONFIRMED in inbox[1]["body"]
    faults = (await http.get(f"{sandbox_url}/sandbox/faults")).json()["faults"]
    assert not faults.get("sms"), faults  # the 429 was answered, and the confirmation went on the next try
    await instance.reply(SMS, "sms-gateway", "SM-in-2", number, "PARE")
    await _idle([instance], 3.0)
    assert len(await _inbox(http, sandbox_url, "sms", number)) == 2


US_SENDER = "+5511999990000"  # the instances' SMS sender, the number a debtor's STOP is texted to


@pytest.fixture
async def sms_hook(http: httpx.AsyncClient, sandbox_url: str) -> AsyncIterator[list[dict[str, str]]]:
    """A receiver over a real socket set as the sandbox's incoming-SMS webhook; yields the forms it received."""
    with form_hook() as hook:
        target = {"kind": "sms_inbound", "url": hook.url}
        assert (await http.post(f"{sandbox_url}/sandbox/webhooks", json=target)).is_success
        yield hook.received


async def _texts(http: httpx.AsyncClient, url: str, sender: str, body: str) -> None:
    """The debtor texts our number: Twilio's sandbox applies its keyword handling, then posts the webhook."""
    posted = await http.post(f"{url}/sandbox/sms/replies", json={"sender": sender, "body": body, "to": US_SENDER})
    assert posted.json()["status"] == 200


def _us_number(offset: int) -> str:
    return f"+1415{(int(time.time() * 1000) + offset) % 10_000_000:07d}"


async def test_a_us_stop_is_confirmed_by_twilio_alone_and_messaging_sends_nothing_more(
    mongo_db: AsyncDatabase[dict[str, Any]], http: httpx.AsyncClient, sandbox_url: str, sms_hook: list[dict[str, str]]
) -> None:
    number = _us_number(0)
    instance = Instance(mongo_db, http, sandbox_url, number, 1.0)
    await instance.creditors.put(TENANT, Creditor("Store US", ADDRESS, DOCUMENT))
    action = ActionToSend("a-us", TENANT, "d-us", "p-us", (SMS,), "reminder", Money(15000, "BRL"), "Store US")
    assert await instance.dispatcher.handle(action)

    await _texts(http, sandbox_url, number, "STOP")
    [form] = sms_hook
    await instance.reply(SMS, "sms-gateway", form["MessageSid"], form["From"], form["Body"])
    assert await instance.store.opted_out(SMS, number)
    await _idle([instance], 3.0)  # anything messaging had queued would be sent now
    inbox = await _inbox(http, sandbox_url, "sms", number)
    assert [m["payload"].get("direction", "outbound-api") for m in inbox] == ["outbound-api", "outbound-reply"]
    assert "unsubscribed" in inbox[1]["body"]  # Twilio's one confirmation
    assert not any(CONFIRMED in m["body"] for m in inbox), "messaging confirmed it a second time"


async def test_a_send_twilio_refuses_with_21610_opts_the_channel_out_instead_of_retrying(
    mongo_db: AsyncDatabase[dict[str, Any]], http: httpx.AsyncClient, sandbox_url: str, sms_hook: list[dict[str, str]]
) -> None:
    # The debtor texted STOP to our number and messaging never heard it (a webhook lost, or before the platform).
    number = _us_number(1)
    await _texts(http, sandbox_url, number, "STOP")
    instance = Instance(mongo_db, http, sandbox_url, number, 1.0)
    await instance.creditors.put(TENANT, Creditor("Store US", ADDRESS, DOCUMENT))
    first = ActionToSend("a-21610", TENANT, "d-21610", "p-21610", (SMS,), "reminder", Money(15000, "BRL"), "Store US")
    assert not await instance.dispatcher.handle(first)

    [message] = await mongo_db["messages"].find({"_id": "a-21610"}).to_list()
    assert message["state"] == "failed"
    assert "21610" in message["reason"]
    assert await mongo_db["messages_deferred"].count_documents({"_id": "a-21610"}) == 0  # no retry
    opt_out = await mongo_db["opt_outs"].find_one({"_id": instance.store.opt_out_id(SMS, number)})
    assert opt_out is not None
    assert (opt_out["confirmation"], opt_out["contact_point_id"]) == ("provider", "cp-p-21610")
    [queued] = opt_out["_outbox"].values()
    assert queued["type"] == "contact.opted_out"  # published to contact-locator and strategy by the relay

    second = replace(first, action_id="a-21610-2")
    await instance.dispatcher.handle(second)
    assert (await mongo_db["messages"].find_one({"_id": "a-21610-2"}))["state"] == "blocked"  # not asked again
    assert [m["payload"].get("direction") for m in await _inbox(http, sandbox_url, "sms", number)] == ["outbound-reply"]
