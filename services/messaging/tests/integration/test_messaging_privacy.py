"""A message never reveals one creditor's debt to another creditor, nor the debt to anyone but the debtor.

One person owes two clients. Messaging asks contact-locator for the plan over real gRPC (the tenant travels in
metadata), renders each message and sends it through the sandbox's SMS gateway over HTTP; contact points live
on FerretDB. Each message names only its own creditor, amount and debt; a point one client supplied is never
used for the other's debt; a number someone else answered ("not me") at one client is never used again for
this debtor at any client.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from pymongo.asynchronous.database import AsyncDatabase

from cordial.contact_locator.v1 import contact_locator_service_pb2_grpc as locator_grpc
from cordial.types.v1 import types_pb2
from cordial_contact_locator.adapters.contact_points import ContactPointRepository
from cordial_contact_locator.adapters.wrong_parties import WrongPartyRepository
from cordial_contact_locator.api.grpc import ContactLocatorServicer
from cordial_contact_locator.domain.directory import Directory
from cordial_core.clock import ControllableClock
from cordial_core.context import bound
from cordial_core.crypto import PersonalDataCipher
from cordial_core.grpc_server import GrpcServer, open_channel
from cordial_core.money import Money
from cordial_core.store import TenantCollection
from cordial_messaging.adapters.catalogue import CreditorRepository, TemplateRepository
from cordial_messaging.adapters.contact_plan import ContactLocatorPlan
from cordial_messaging.adapters.messages import MessageRepository
from cordial_messaging.adapters.providers import SmsGateway
from cordial_messaging.domain.composer import Composer, Creditor
from cordial_messaging.domain.dispatch import ActionToSend, Dispatcher
from cordial_stack.fixtures import sandbox_fixtures

TOKEN = "integration-sandbox-token-privacy"
sandbox_url, _ = sandbox_fixtures(TOKEN)
NOW = datetime(2024, 3, 5, 13, 0, tzinfo=UTC)
SMS, PHONE = types_pb2.CHANNEL_SMS, types_pb2.CONTACT_KIND_PHONE
SHARED, ALFA_ONLY = "+5511987650001", "+5511987650002"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Rig:
    """contact-locator behind real gRPC, messaging's dispatcher sending SMS through the sandbox."""

    def __init__(self, directory: Directory, dispatcher: Dispatcher, http: httpx.AsyncClient, url: str) -> None:
        self.directory, self.dispatcher, self.http, self.url = directory, dispatcher, http, url

    async def send(self, tenant: str, action_id: str, debt_id: str, creditor: str, amount_minor: int) -> None:
        action = ActionToSend(
            action_id, tenant, debt_id, "p1", (SMS,), "reminder", Money(amount_minor, "BRL"), creditor
        )
        with bound(tenant, action_id):  # as the consumer binds the event's tenant
            await self.dispatcher.handle(action)

    async def inbox(self) -> list[dict[str, Any]]:
        reply = await self.http.get(f"{self.url}/sandbox/inbox", params={"channel": "sms"})
        messages: list[dict[str, Any]] = reply.json()["messages"]
        return messages


@pytest.fixture
async def rig(sandbox_url: str, mongo_db: AsyncDatabase[dict[str, Any]]) -> AsyncIterator[Rig]:
    """The two services' real pieces, wired as the apps wire them."""
    clock = ControllableClock(NOW)
    cipher = PersonalDataCipher(Fernet.generate_key().decode(), "lookup-key-for-tests")
    points = ContactPointRepository(TenantCollection(mongo_db["contact_points"]), cipher, clock)
    wrong = WrongPartyRepository(TenantCollection(mongo_db["wrong_parties"]))
    directory = Directory(points, clock, cipher.lookup_hash, wrong_parties=wrong)
    port = _free_port()
    server = GrpcServer(
        "127.0.0.1",
        port,
        [lambda s: locator_grpc.add_ContactLocatorServiceServicer_to_server(ContactLocatorServicer(directory), s)],
        ["cordial.contact_locator.v1.ContactLocatorService"],
    )
    await server.start()
    await server.ready()
    channel = open_channel(f"127.0.0.1:{port}")
    http = httpx.AsyncClient(timeout=10)
    await http.post(f"{sandbox_url}/sandbox/reset")
    messages = MessageRepository(TenantCollection(mongo_db["messages"]), cipher, clock)
    sms = SmsGateway(http, sandbox_url, "ACtest", TOKEN, "+5511999990000")
    creditors = CreditorRepository(TenantCollection(mongo_db["creditors"]), cipher, clock)
    await creditors.put("alfa", Creditor("Banco Alfa", "Av. Paulista, 1000", "11.222.333/0001-81"))
    await creditors.put("beta", Creditor("Loja Beta", "Rua B, 2", "11.444.777/0001-61"))
    templates = TemplateRepository(TenantCollection(mongo_db["templates"]), clock)
    composer = Composer(templates, creditors, "https://pay.example.com/portal")
    dispatcher = Dispatcher(messages, ContactLocatorPlan(channel), {SMS: sms}, clock, composer, retry_waits=())
    try:
        yield Rig(directory, dispatcher, http, sandbox_url)
    finally:
        await http.aclose()
        await channel.close()
        await server.stop(0)


async def test_each_message_names_only_its_creditor_and_debt_and_reaches_only_the_debtor(rig: Rig) -> None:
    # The same person (debtor p1) owes Banco Alfa and Loja Beta; both gave the shared number, Alfa one more.
    await rig.directory.record_supplied("alfa", "d-alfa", "p1", [(PHONE, SHARED), (PHONE, ALFA_ONLY)], "client")
    await rig.directory.record_supplied("beta", "d-beta", "p1", [(PHONE, SHARED)], "client")

    await rig.send("beta", "a-beta-1", "d-beta", "Loja Beta", 25_000)
    await rig.send("alfa", "a-alfa-1", "d-alfa", "Banco Alfa", 10_000)
    inbox = await rig.inbox()
    assert len(inbox) == 2
    beta, alfa = inbox
    assert beta["to"] == SHARED  # Beta never learns of, nor uses, Alfa's number
    assert "Loja Beta" in beta["body"]
    assert "R$ 250,00" in beta["body"]
    assert "/portal/d-beta" in beta["body"]
    assert "Alfa" not in beta["body"]
    assert "R$ 100,00" not in beta["body"]
    assert "d-alfa" not in beta["body"]
    assert "Banco Alfa" in alfa["body"]
    assert "R$ 100,00" in alfa["body"]
    assert "/portal/d-alfa" in alfa["body"]
    assert "Beta" not in alfa["body"]
    assert "R$ 250,00" not in alfa["body"]
    assert "d-beta" not in alfa["body"]

    # Someone else answers the shared number at Alfa: "not me".
    with bound("alfa", None):
        alfa_plan = await rig.directory.plan("alfa", "p1", [SMS])
    shared_at_alfa = next(c.point.id for c in alfa_plan if c.point.value == SHARED)
    await rig.directory.not_me("alfa", shared_at_alfa)

    # Neither client's debt goes to that number again: Alfa falls back to its other number, Beta has none left.
    await rig.send("alfa", "a-alfa-2", "d-alfa", "Banco Alfa", 10_000)
    await rig.send("beta", "a-beta-2", "d-beta", "Loja Beta", 25_000)
    later = (await rig.inbox())[2:]
    assert [m["to"] for m in later] == [ALFA_ONLY]
    assert "Banco Alfa" in later[0]["body"]
    # A client supplying the number anew does not bring it back.
    await rig.directory.record_supplied("beta", "d-beta", "p1", [(PHONE, SHARED)], "client")
    await rig.send("beta", "a-beta-3", "d-beta", "Loja Beta", 25_000)
    assert len(await rig.inbox()) == 3
