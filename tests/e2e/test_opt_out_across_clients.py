"""An opt-out by reply holds for the person across every client of the agency, at decision and at send time.

The agency's SMS and WhatsApp numbers carry every client's messages, so the provider posts each reply to the one
webhook URL configured for the number (here client A's), whichever client's message the debtor answered. The
debtor owes to clients A and B on one phone, answers "SAIR" on a channel, and then: the reply is matched and
confirmed once, strategy's policy denies that channel for B's debt naming the opt-out while the other channel is
only waiting for the daily cap, and messaging blocks B's next message on that channel at send time with the reason.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass

import grpc
import httpx
import pytest
from validate_docbr import CPF

from cordial.agreements.v1.agreements_service_pb2 import GetDebtRequest
from cordial.agreements.v1.agreements_service_pb2_grpc import AgreementsServiceStub
from cordial.events.v1 import actions_pb2
from cordial.strategy.v1.strategy_service_pb2 import CheckContactRequest
from cordial.strategy.v1.strategy_service_pb2_grpc import StrategyServiceStub
from cordial.types.v1 import types_pb2
from cordial_core.bus import EventPublisher
from cordial_core.clock import SystemClock
from cordial_core.events import new_event
from cordial_core.grpc_server import TENANT_KEY
from cordial_core.ids import new_id
from cordial_stack.e2e_support import CREDITOR, debt_body, eventually
from cordial_stack.platform import Platform

SMS, WHATSAPP = types_pb2.CHANNEL_SMS, types_pb2.CHANNEL_WHATSAPP
NAMES = {SMS: "sms", WHATSAPP: "whatsapp"}
PROVIDERS = {SMS: "sms-gateway", WHATSAPP: "whatsapp-cloud"}


@dataclass(frozen=True)
class Client:
    """A creditor client: its id (in its webhook URLs), name and API."""

    id: str
    name: str
    api: httpx.Client


@pytest.fixture
def clients(platform: Platform) -> Iterator[tuple[Client, Client]]:
    """Two fresh creditor clients, A and B."""
    admin = {"Authorization": f"Bearer {platform.secrets['CORDIAL_ADMIN_TOKEN']}"}
    made = []
    for name in (f"Loja A {new_id()[:6]}", f"Loja B {new_id()[:6]}"):
        reply = httpx.post(
            f"{platform.gateway_url}/agency/v1/clients",
            json={"name": name, "creditor": CREDITOR},
            headers=admin,
            timeout=10,
        )
        assert reply.status_code == 201, reply.text
        headers = {"Authorization": f"Bearer {reply.json()['api_key']}"}
        api = httpx.Client(base_url=platform.gateway_url, headers=headers, timeout=10)
        made.append(Client(reply.json()["client_id"], name, api))
    try:
        yield made[0], made[1]
    finally:
        for client in made:
            client.api.close()


def _hooks_to(platform: Platform, client: Client) -> None:
    """Points the sandbox's inbound webhooks (the agency's one URL per number) at a client's URLs."""
    base = f"{platform.gateway_url}/hooks/{client.id}"
    for kind, url in (("whatsapp", f"{base}/whatsapp"), ("sms_inbound", f"{base}/sms/inbound")):
        reply = httpx.post(f"{platform.sandbox_url}/sandbox/webhooks", json={"kind": kind, "url": url}, timeout=10)
        assert reply.status_code == 200, reply.text


def _inbox(platform: Platform, digits: str, channel: int) -> list[dict[str, str]]:
    params = {"to": digits, "channel": NAMES[channel]}
    reply = httpx.get(f"{platform.sandbox_url}/sandbox/inbox", params=params, timeout=10)
    messages: list[dict[str, str]] = reply.json()["messages"]
    return messages


def _entries(client: Client, debt_id: str, event_type: str) -> list[dict[str, str]]:
    reply = client.api.get(f"/v1/debts/{debt_id}/timeline")
    assert reply.status_code == 200, reply.text
    return [e for e in reply.json()["entries"] if e["type"] == event_type]


def _place(client: Client, digits: str, document: str) -> str:
    body = debt_body(f"across-{new_id()[:10]}", contact_points={"phones": [f"+{digits}"]})
    body["debtor"]["document"] = document
    placed = client.api.post("/v1/debts", json=body)
    assert placed.status_code == 201, placed.text
    debt_id: str = placed.json()["id"]
    return debt_id


def _reply(platform: Platform, digits: str, channel: int, text: str) -> None:
    """The debtor's reply as the provider posts it (to the one URL configured for the agency's number)."""
    sandbox = platform.sandbox_url
    if channel == WHATSAPP:
        said = httpx.post(f"{sandbox}/sandbox/whatsapp/replies", json={"sender": digits, "text": text}, timeout=15)
    else:
        said = httpx.post(f"{sandbox}/sandbox/sms/replies", json={"sender": f"+{digits}", "body": text}, timeout=15)
    assert said.json()["status"] == 200, said.text


def _confirmed(platform: Platform, digits: str, channel: int) -> list[dict[str, str]]:
    """The phone's inbox once the opt-out's confirmation is in it.

    The reply came seconds after the reminder: the confirmation waits out the recipient's spacing (and the Cloud
    API's pair window) through messaging's scheduler, never sent into it.
    """
    eventually(lambda: _inbox(platform, digits, channel)[1:], "the opt-out's confirmation", timeout=30)
    return _inbox(platform, digits, channel)


def _debtor_id(platform: Platform, client: Client, debt_id: str) -> str:
    with grpc.insecure_channel(platform.services["agreements"].grpc_address) as channel:
        stub = AgreementsServiceStub(channel)
        debt = stub.GetDebt(GetDebtRequest(debt_id=debt_id), metadata=[(TENANT_KEY, client.id)], timeout=10).debt
    return str(debt.debtor_id)


def _policy(platform: Platform, client: Client, debt_id: str, channel: int) -> tuple[str, str]:
    """Strategy's contact policy for a contact about this debt on this channel now: (rule, explanation)."""
    request = CheckContactRequest(debt_id=debt_id, channel=channel, action_id=f"probe-{new_id()}")
    with grpc.insecure_channel(platform.services["strategy"].grpc_address) as channel_:
        try:
            reply = StrategyServiceStub(channel_).CheckContact(request, metadata=[(TENANT_KEY, client.id)], timeout=10)
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.NOT_FOUND:  # not yet heard of the debt
                raise
            return "no case yet", str(exc.details())
    return reply.decision.rule, reply.decision.explanation


def _request_action(platform: Platform, client: Client, debt_id: str, channels: list[int]) -> None:
    """Publishes an action.requested for the debt as strategy would, on these channels."""
    with grpc.insecure_channel(platform.services["agreements"].grpc_address) as channel:
        stub = AgreementsServiceStub(channel)
        debt = stub.GetDebt(GetDebtRequest(debt_id=debt_id), metadata=[(TENANT_KEY, client.id)], timeout=10).debt
    payload = actions_pb2.ActionRequested(
        action_id=f"next-{new_id()}",
        debt_id=debt_id,
        debtor_id=debt.debtor_id,
        step="next-step",
        channels=channels,
        template="reminder",
        balance=debt.balance,
        creditor_name=client.name,
        policy_rule="test",
    )
    event = new_event(
        "action.requested",
        payload,
        source="strategy",
        tenant=client.id,
        subject=debt_id,
        key=debt.debtor_id,
        clock=SystemClock(),
    )

    async def publish() -> None:
        publisher = EventPublisher(platform.infra.kafka_bootstrap_servers)
        await publisher.start()
        try:
            await publisher.publish(event)
        finally:
            await publisher.stop()

    asyncio.run(publish())


def _debtor_on(platform: Platform, channel: int) -> str:
    """A fresh phone; for SMS one not on WhatsApp, so the reminders travel by SMS."""
    digits = f"55119{random.randint(10_000_000, 99_999_999)}"
    if channel == SMS:
        marked = httpx.post(f"{platform.sandbox_url}/sandbox/whatsapp/non-users", json={"numbers": [digits]})
        assert marked.status_code == 200, marked.text
    return digits


def _first_contact(platform: Platform, sender: Client, capped: Client, digits: str, channel: int) -> tuple[str, str]:
    """The sender's reminder reaches the phone on the channel; the other client's waits for the daily cap."""
    document = CPF().generate()
    sent_debt = _place(sender, digits, document)
    eventually(lambda: _entries(sender, sent_debt, "message.sent"), f"{sender.name}'s reminder", timeout=60)
    assert len(_inbox(platform, digits, channel)) == 1
    capped_debt = _place(capped, digits, document)
    eventually(
        lambda: _policy(platform, capped, capped_debt, channel)[0] == "cap_per_day",
        f"{capped.name}'s debt known to strategy and capped",
        timeout=60,
    )
    assert _debtor_id(platform, sender, sent_debt) == _debtor_id(platform, capped, capped_debt)
    return sent_debt, capped_debt


def _opted_out_everywhere(platform: Platform, b: Client, b_debt: str, digits: str, channel: int) -> None:
    """B's next contact on the channel is denied at decision and at send time; the other channel stays open."""
    other = WHATSAPP if channel == SMS else SMS
    eventually(lambda: _policy(platform, b, b_debt, channel)[0] == "opted_out", "the opt-out in B's policy", timeout=60)
    _, explanation = _policy(platform, b, b_debt, channel)
    assert f"opted out of {types_pb2.Channel.Name(channel)}" in explanation, explanation
    assert _policy(platform, b, b_debt, other)[0] == "cap_per_day"  # reachable there, tomorrow
    before = len(_inbox(platform, digits, channel))
    _request_action(platform, b, b_debt, [channel, other])
    failed = eventually(lambda: _entries(b, b_debt, "message.failed"), "B's next message given up", timeout=60)
    summary = failed[-1]["summary"]
    assert f"{PROVIDERS[channel]}: opted_out" in summary, summary
    if channel == WHATSAPP:  # a number on WhatsApp is in the plan for SMS too: only the cap stops it today
        assert f"{PROVIDERS[other]}: cap_per_day" in summary, summary
    time.sleep(2)  # room for a wrong send to show up
    assert len(_inbox(platform, digits, channel)) == before


@pytest.mark.parametrize("channel", [SMS, WHATSAPP], ids=["sms", "whatsapp"])
def test_opting_out_in_answer_to_a_message_of_client_a_stops_that_channel_for_client_b(
    platform: Platform, clients: tuple[Client, Client], channel: int
) -> None:
    a, b = clients
    _hooks_to(platform, a)
    digits = _debtor_on(platform, channel)
    a_debt, b_debt = _first_contact(platform, a, b, digits, channel)

    _reply(platform, digits, channel, "SAIR")
    eventually(lambda: _entries(a, a_debt, "contact.opted_out"), "the opt-out in A's timeline", timeout=30)
    inbox = _confirmed(platform, digits, channel)
    assert len(inbox) == 2, inbox  # A's reminder and the one confirmation
    assert "não enviará mais mensagens" in inbox[1]["body"]
    _opted_out_everywhere(platform, b, b_debt, digits, channel)


@pytest.mark.parametrize("channel", [SMS, WHATSAPP], ids=["sms", "whatsapp"])
def test_a_reply_posted_to_client_a_url_answers_client_b_message_and_opts_the_person_out(
    platform: Platform, clients: tuple[Client, Client], channel: int
) -> None:
    # As in the simulation: B sent the message the debtor answers, A's URL receives the reply, and A never
    # sent anything on that channel to this phone.
    a, b = clients
    _hooks_to(platform, a)
    digits = _debtor_on(platform, channel)
    b_debt, a_debt = _first_contact(platform, b, a, digits, channel)

    _reply(platform, digits, channel, "SAIR")
    [received] = eventually(lambda: _entries(b, b_debt, "reply.received"), "the reply in B's timeline", timeout=30)
    assert received["summary"] == "debtor replied: opt out"
    eventually(lambda: _entries(b, b_debt, "contact.opted_out"), "the opt-out in B's timeline", timeout=30)
    inbox = _confirmed(platform, digits, channel)
    assert len(inbox) == 2, inbox  # B's reminder and the one confirmation, naming B
    assert "não enviará mais mensagens" in inbox[1]["body"]
    assert b.name in inbox[1]["body"]
    _reply(platform, digits, channel, "Sair!")  # said again: never confirmed twice
    time.sleep(1)
    assert len(_inbox(platform, digits, channel)) == 2
    _opted_out_everywhere(platform, b, b_debt, digits, channel)
    # A, whose URL took the reply and who never wrote on this channel, is held off it too.
    assert _policy(platform, a, a_debt, channel)[0] == "opted_out"
