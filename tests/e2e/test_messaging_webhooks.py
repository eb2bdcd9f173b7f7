"""Provider webhooks end to end: signed by the sandbox, verified by the gateway, turned into events by messaging."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Iterator

import grpc
import httpx
import pytest
from validate_docbr import CPF

from cordial.agreements.v1.agreements_service_pb2 import GetDebtRequest
from cordial.agreements.v1.agreements_service_pb2_grpc import AgreementsServiceStub
from cordial.events.v1 import actions_pb2
from cordial.types.v1 import types_pb2
from cordial_core.bus import EventPublisher
from cordial_core.clock import SystemClock
from cordial_core.events import new_event
from cordial_core.grpc_server import TENANT_KEY
from cordial_core.ids import stable_id
from cordial_stack.e2e_support import CREDITOR, debt_body, eventually
from cordial_stack.platform import Platform


@pytest.fixture
def tenant(platform: Platform) -> Iterator[tuple[str, httpx.Client]]:
    """A fresh creditor client (its id is in the webhook URLs) and its API client."""
    admin = {"Authorization": f"Bearer {platform.secrets['CORDIAL_ADMIN_TOKEN']}"}
    reply = httpx.post(
        f"{platform.gateway_url}/agency/v1/clients", json={"name": "Loja Exemplo", "creditor": CREDITOR}, headers=admin
    )
    assert reply.status_code == 201, reply.text
    created = reply.json()
    headers = {"Authorization": f"Bearer {created['api_key']}"}
    with httpx.Client(base_url=platform.gateway_url, headers=headers, timeout=10) as api:
        yield created["client_id"], api


def _hooks(platform: Platform, tenant_id: str) -> None:
    """Points the sandbox's webhooks at this tenant's gateway URLs."""
    base = f"{platform.gateway_url}/hooks/{tenant_id}"
    for kind, url in (("whatsapp", f"{base}/whatsapp"), ("sms_inbound", f"{base}/sms/inbound")):
        reply = httpx.post(f"{platform.sandbox_url}/sandbox/webhooks", json={"kind": kind, "url": url})
        assert reply.status_code == 200, reply.text


def _inbox(platform: Platform, digits: str, channel: str) -> list[dict[str, str]]:
    params = {"to": digits, "channel": channel}
    messages: list[dict[str, str]] = httpx.get(f"{platform.sandbox_url}/sandbox/inbox", params=params).json()[
        "messages"
    ]
    return messages


def _entries(api: httpx.Client, debt_id: str, event_type: str) -> list[dict[str, str]]:
    reply = api.get(f"/v1/debts/{debt_id}/timeline")
    assert reply.status_code == 200, reply.text
    return [e for e in reply.json()["entries"] if e["type"] == event_type]


def _place(api: httpx.Client, reference: str, digits: str, document: str) -> str:
    body = debt_body(reference, contact_points={"phones": [f"+{digits}"]})
    body["debtor"]["document"] = document
    placed = api.post("/v1/debts", json=body)
    assert placed.status_code == 201, placed.text
    debt_id: str = placed.json()["id"]
    return debt_id


def _request_action(platform: Platform, tenant_id: str, debt_id: str) -> None:
    """Publishes the action.requested strategy would publish for a debt, preferring WhatsApp."""
    metadata = [(TENANT_KEY, tenant_id)]
    with grpc.insecure_channel(platform.services["agreements"].grpc_address) as channel:
        debt = (
            AgreementsServiceStub(channel).GetDebt(GetDebtRequest(debt_id=debt_id), metadata=metadata, timeout=10).debt
        )
    payload = actions_pb2.ActionRequested(
        action_id=stable_id(tenant_id, debt_id, "test-later-step"),
        debt_id=debt_id,
        debtor_id=debt.debtor_id,
        step="test-later-step",
        channels=[types_pb2.CHANNEL_WHATSAPP, types_pb2.CHANNEL_SMS],
        template="reminder",
        balance=debt.balance,
        creditor_name="Loja Exemplo",
        policy_rule="test",
    )
    event = new_event(
        "action.requested",
        payload,
        source="strategy",
        tenant=tenant_id,
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


def _number() -> str:
    return f"55119{random.randint(10_000_000, 99_999_999)}"


def test_debtor_who_replies_sair_is_opted_out_confirmed_once_and_not_messaged_again_on_whatsapp(
    platform: Platform, tenant: tuple[str, httpx.Client]
) -> None:
    tenant_id, api = tenant
    _hooks(platform, tenant_id)
    digits = _number()
    document = CPF().generate()
    first_debt = _place(api, f"optout-1-{digits}", digits, document)
    eventually(lambda: _entries(api, first_debt, "message.sent"), "the reminder sent on WhatsApp", timeout=60)
    [reminder] = _inbox(platform, digits, "whatsapp")

    # The debtor answers at once, inside the Cloud API's pair window (one message to a user every 6 s, sooner
    # refused with 131056, as the sandbox does): the confirmation waits for the window through the scheduler.
    sandbox = platform.sandbox_url
    said = httpx.post(f"{sandbox}/sandbox/whatsapp/replies", json={"sender": digits, "text": "SAIR"}, timeout=15)
    assert said.json()["status"] == 200, said.text
    eventually(lambda: _inbox(platform, digits, "whatsapp")[1:], "the confirmation", timeout=30)
    inbox = _inbox(platform, digits, "whatsapp")
    assert len(inbox) == 2, inbox  # the reminder and the one confirmation
    assert "não enviará mais mensagens" in inbox[1]["body"]
    assert float(inbox[1]["arrived_at"]) - float(reminder["arrived_at"]) >= 6.0
    # The debtor says it again: recorded, never confirmed twice.
    again = httpx.post(f"{sandbox}/sandbox/whatsapp/replies", json={"sender": digits, "text": "Sair!"}, timeout=15)
    assert again.json()["status"] == 200, again.text
    eventually(lambda: _entries(api, first_debt, "contact.opted_out"), "the opt-out in the timeline", timeout=30)
    assert _entries(api, first_debt, "reply.received")[0]["summary"] == "debtor replied: opt out"

    # Another debt of the same debtor, its action published as strategy would once the cap allowed it.
    # WhatsApp is out of the plan (opted out); messaging asks strategy again before the SMS: the
    # contact cap (one a day per debtor) still holds, so nothing is sent and the timeline says why,
    # for WhatsApp too (the policy's opt-out).
    second_debt = _place(api, f"optout-2-{digits}", digits, document)
    _request_action(platform, tenant_id, second_debt)
    failed = eventually(lambda: _entries(api, second_debt, "message.failed"), "the second debt's message", timeout=60)
    summary = failed[0]["summary"]
    assert summary.startswith("message not sent: blocked by the contact policy: sms-gateway: cap_per_day"), summary
    assert "whatsapp-cloud: opted_out: the debtor opted out of CHANNEL_WHATSAPP" in summary, summary
    time.sleep(2)  # room for a wrong send to show up
    assert len(_inbox(platform, digits, "whatsapp")) == 2
    assert _inbox(platform, digits, "sms") == []
    assert _entries(api, second_debt, "message.sent") == []


def test_delivered_receipt_appears_in_the_timeline_with_its_state(
    platform: Platform, tenant: tuple[str, httpx.Client]
) -> None:
    tenant_id, api = tenant
    _hooks(platform, tenant_id)
    digits = _number()
    debt_id = _place(api, f"receipt-{digits}", digits, CPF().generate())
    eventually(lambda: _entries(api, debt_id, "message.sent"), "the reminder sent on WhatsApp", timeout=60)
    [message] = _inbox(platform, digits, "whatsapp")
    for _ in range(2):  # the provider delivers the same receipt twice
        posted = httpx.post(
            f"{platform.sandbox_url}/sandbox/whatsapp/statuses",
            json={"message_id": message["id"], "status": "delivered"},
            timeout=15,
        )
        assert posted.json()["status"] == 200, posted.text
    [entry] = eventually(lambda: _entries(api, debt_id, "message.delivery_updated"), "the receipt", timeout=30)
    assert entry["summary"].endswith("delivered")
    time.sleep(1)
    assert len(_entries(api, debt_id, "message.delivery_updated")) == 1


TEMPLATE = {
    "name": "reminder",
    "channel": "whatsapp",
    "locale": "pt-BR",
    "tone": "friendly",
    "jurisdiction": "BR",
    "body": "Oi! {{ creditor }} lembra do valor de {{ amount }} (detalhes em {{ breakdown_link }}); pague quando "
    "puder em {{ portal_link }}. {{ creditor }}, {{ creditor_address }}, CNPJ {{ creditor_document }}.",
}


def test_the_clients_template_is_sent_and_the_audit_trail_keeps_text_contact_provider_id_and_states(
    platform: Platform, tenant: tuple[str, httpx.Client]
) -> None:
    tenant_id, api = tenant
    admin = {"Authorization": f"Bearer {platform.secrets['CORDIAL_ADMIN_TOKEN']}"}
    agency = httpx.Client(base_url=f"{platform.gateway_url}/agency/v1", headers=admin, timeout=10)
    refused = agency.post(f"/templates/{tenant_id}", json={**TEMPLATE, "body": "{{ creditor }} {{ amount }}"})
    assert refused.status_code == 422, refused.text
    saved = agency.post(f"/templates/{tenant_id}", json=TEMPLATE)
    assert saved.status_code == 201, saved.text
    assert saved.json()["version"] == 1
    listed = agency.get(f"/templates/{tenant_id}").json()["templates"]
    assert [(t["name"], t["channel"], t["version"]) for t in listed] == [("reminder", "whatsapp", 1)]
    _hooks(platform, tenant_id)
    digits = _number()
    debt_id = _place(api, f"audit-{digits}", digits, CPF().generate())
    eventually(lambda: _entries(api, debt_id, "message.sent"), "the reminder sent on WhatsApp", timeout=60)
    [message] = _inbox(platform, digits, "whatsapp")
    assert message["body"].startswith("template:cordial_reminder[pt_BR] Loja Exemplo | R$ 150,00 | http")
    posted = httpx.post(
        f"{platform.sandbox_url}/sandbox/whatsapp/statuses",
        json={"message_id": message["id"], "status": "delivered"},
        timeout=15,
    )
    assert posted.json()["status"] == 200, posted.text

    def trail() -> list[dict[str, str]]:
        reply = agency.get(f"/clients/{tenant_id}/audit", params={"debt_id": debt_id})
        assert reply.status_code == 200, reply.text
        entries: list[dict[str, str]] = reply.json()["entries"]
        return entries if len(entries) == 2 else []

    sent, delivered = eventually(trail, "the sent and delivered entries in the audit trail", timeout=30)
    assert sent["kind"] == "sent"
    assert sent["text"].startswith("Oi! Loja Exemplo lembra do valor de R$ 150,00")
    assert "CNPJ 11.222.333/0001-81" in sent["text"]
    assert (sent["to"], sent["channel"], sent["provider_message_id"]) == (f"+{digits}", "whatsapp", message["id"])
    assert (sent["template"], sent["template_version"]) == ("reminder", 1)
    assert (delivered["kind"], delivered["delivery_state"]) == ("delivery", "delivered")
    assert delivered["provider_message_id"] == message["id"]


def test_unsigned_or_forged_webhooks_are_refused(platform: Platform, tenant: tuple[str, httpx.Client]) -> None:
    tenant_id, _ = tenant
    url = f"{platform.gateway_url}/hooks/{tenant_id}/whatsapp"
    forged = httpx.post(url, content=b'{"entry": []}', headers={"x-hub-signature-256": "sha256=" + "0" * 64})
    assert forged.status_code == 401
    assert "X-Hub-Signature-256" in forged.json()["detail"]
    sms = httpx.post(f"{platform.gateway_url}/hooks/{tenant_id}/sms/inbound", data={"From": "+5511", "Body": "STOP"})
    assert sms.status_code == 401
    token = platform.secrets["WHATSAPP_VERIFY_TOKEN"]
    params = {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "1158201444"}
    verified = httpx.get(url, params=params)
    assert (verified.status_code, verified.text) == (200, "1158201444")
    assert httpx.get(url, params={**params, "hub.verify_token": "wrong"}).status_code == 403


def test_a_number_the_debtor_writes_in_a_reply_becomes_their_contact_point(
    platform: Platform, tenant: tuple[str, httpx.Client]
) -> None:
    tenant_id, api = tenant
    _hooks(platform, tenant_id)
    digits = _number()
    debt_id = _place(api, f"offered-{digits}", digits, CPF().generate())
    eventually(lambda: _entries(api, debt_id, "message.sent"), "the reminder sent on WhatsApp", timeout=60)
    assert len(_entries(api, debt_id, "contact.verified")) == 1
    text = "Esse número é do trabalho, prefiro o (31) 99876-5432"
    said = httpx.post(f"{platform.sandbox_url}/sandbox/whatsapp/replies", json={"sender": digits, "text": text})
    assert said.json()["status"] == 200, said.text
    eventually(lambda: len(_entries(api, debt_id, "contact.verified")) == 2, "the offered number recorded", timeout=30)
    assert _entries(api, debt_id, "contact.opted_out") == []
