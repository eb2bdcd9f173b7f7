"""Messages messaging sends on its own are in the debt's timeline as entries of their own (message.own_sent): the text
sent, the contact point, the provider's id and each delivery state as its receipts arrive; strategy counts them
toward no cap.

An opt-out's confirmation: the debtor answers the WhatsApp reminder with "SAIR"; the confirmation follows once the
recipient's spacing passed. Its receipt reaches the confirmation's entry, and the daily cap still counts the reminder
alone. A validation notice: the client's US first-communication template declares that the notice follows in a day;
the notice follows the reminder to the same WhatsApp number (sent by messaging's scheduler, which asks strategy in
the client's name), and its receipts reach its entry.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from typing import Any

import grpc
import httpx
import pytest
from validate_docbr import CPF

from cordial.strategy.v1.strategy_service_pb2 import CheckContactRequest
from cordial.strategy.v1.strategy_service_pb2_grpc import StrategyServiceStub
from cordial.types.v1 import types_pb2
from cordial_core.grpc_server import TENANT_KEY
from cordial_core.ids import new_id
from cordial_stack.e2e_support import CREDITOR, debt_body, eventually
from cordial_stack.platform import Platform

CLIENT = "Loja Confirma"


@pytest.fixture
def tenant(platform: Platform) -> Iterator[tuple[str, httpx.Client, httpx.Client]]:
    """A fresh creditor client whose URLs take the sandbox's webhooks: its id, its API and the agency API."""
    admin = {"Authorization": f"Bearer {platform.secrets['CORDIAL_ADMIN_TOKEN']}"}
    reply = httpx.post(
        f"{platform.gateway_url}/agency/v1/clients", json={"name": CLIENT, "creditor": CREDITOR}, headers=admin
    )
    assert reply.status_code == 201, reply.text
    created = reply.json()
    base = f"{platform.gateway_url}/hooks/{created['client_id']}"
    for kind, url in (("whatsapp", f"{base}/whatsapp"), ("sms_inbound", f"{base}/sms/inbound")):
        hooked = httpx.post(f"{platform.sandbox_url}/sandbox/webhooks", json={"kind": kind, "url": url}, timeout=10)
        assert hooked.status_code == 200, hooked.text
    headers = {"Authorization": f"Bearer {created['api_key']}"}
    with (
        httpx.Client(base_url=platform.gateway_url, headers=headers, timeout=10) as api,
        httpx.Client(base_url=f"{platform.gateway_url}/agency/v1", headers=admin, timeout=10) as agency,
    ):
        yield created["client_id"], api, agency


def _placed(api: httpx.Client, prefix: str) -> tuple[str, str]:
    """A debt of a debtor of their own, with one WhatsApp number: the number's digits and the debt's id."""
    digits = f"55119{random.randint(10_000_000, 99_999_999)}"
    body = debt_body(f"{prefix}-{digits}", contact_points={"phones": [f"+{digits}"]})
    body["debtor"]["document"] = CPF().generate()
    placed = api.post("/v1/debts", json=body)
    assert placed.status_code == 201, placed.text
    return digits, placed.json()["id"]


def _inbox(platform: Platform, digits: str) -> list[dict[str, str]]:
    reply = httpx.get(f"{platform.sandbox_url}/sandbox/inbox", params={"to": digits, "channel": "whatsapp"})
    messages: list[dict[str, str]] = reply.json()["messages"]
    return messages


def _entries(api: httpx.Client, debt_id: str, event_type: str) -> list[dict[str, Any]]:
    reply = api.get(f"/v1/debts/{debt_id}/timeline")
    assert reply.status_code == 200, reply.text
    return [e for e in reply.json()["entries"] if e["type"] == event_type]


def _daily_count(platform: Platform, tenant_id: str, debt_id: str) -> tuple[str, str]:
    """Strategy's policy for an SMS about the debt now: the rule and the contacts it counted today."""
    request = CheckContactRequest(debt_id=debt_id, channel=types_pb2.CHANNEL_SMS, action_id=f"probe-{new_id()}")
    with grpc.insecure_channel(platform.services["strategy"].grpc_address) as channel:
        try:
            reply = StrategyServiceStub(channel).CheckContact(request, metadata=[(TENANT_KEY, tenant_id)], timeout=10)
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.NOT_FOUND:  # not yet heard of the debt
                raise
            return "no case yet", ""
    return reply.decision.rule, reply.decision.values.get("count", "")


def test_the_opt_out_confirmation_is_in_the_timeline_with_its_receipts_and_counts_toward_no_cap(
    platform: Platform, tenant: tuple[str, httpx.Client, httpx.Client]
) -> None:
    tenant_id, api, agency = tenant
    digits, debt_id = _placed(api, "confirm")
    eventually(lambda: _entries(api, debt_id, "message.sent"), "the reminder sent on WhatsApp", timeout=60)
    counted = eventually(
        lambda: _daily_count(platform, tenant_id, debt_id) == ("cap_per_day", "1"), "the reminder under the cap", 60
    )
    assert counted

    said = httpx.post(f"{platform.sandbox_url}/sandbox/whatsapp/replies", json={"sender": digits, "text": "SAIR"})
    assert said.json()["status"] == 200, said.text
    reminder, confirmation = eventually(
        lambda: _inbox(platform, digits)[1:] and _inbox(platform, digits), "SAIR's confirmation", 30
    )
    [entry] = eventually(lambda: _entries(api, debt_id, "message.own_sent"), "the confirmation's entry", 30)
    message = entry["message"]
    assert message["kind"] == "opt_out_confirmation"
    assert message["text"] == confirmation["body"]
    assert "não enviará mais mensagens" in message["text"]
    assert CLIENT in message["text"]
    assert (message["channel"], message["provider"]) == ("whatsapp", "whatsapp-cloud")
    assert message["provider_message_id"] == confirmation["id"] != reminder["id"]
    assert message["deliveries"] == {}
    trail = agency.get(f"/clients/{tenant_id}/audit", params={"debt_id": debt_id}).json()["entries"]
    [audited] = [e for e in trail if e["provider_message_id"] == confirmation["id"]]
    assert message["contact_point_id"] == audited["contact_point_id"] != ""
    assert entry["summary"].endswith(f"({confirmation['id']}) at contact point {audited['contact_point_id']}")

    _deliver_and_read(platform, confirmation["id"])
    assert set(eventually(_receipts(api, debt_id), "the confirmation's receipts on its entry", 30)) == {
        "delivered",
        "read",
    }
    time.sleep(2)  # room for strategy to count what it should not
    assert _daily_count(platform, tenant_id, debt_id) == ("cap_per_day", "1")
    assert len(_entries(api, debt_id, "message.sent")) == 1


def _deliver_and_read(platform: Platform, provider_message_id: str) -> None:
    """The provider's receipts for a message: delivered, then read, through the gateway's signed webhook."""
    for status in ("delivered", "read"):
        posted = httpx.post(
            f"{platform.sandbox_url}/sandbox/whatsapp/statuses",
            json={"message_id": provider_message_id, "status": status},
            timeout=15,
        )
        assert posted.json()["status"] == 200, posted.text


def _receipts(api: httpx.Client, debt_id: str) -> Callable[[], dict[str, str]]:
    """A probe: the delivery states on the debt's one own message's entry, once it has both."""

    def states() -> dict[str, str]:
        [entry] = _entries(api, debt_id, "message.own_sent")
        found: dict[str, str] = entry["message"]["deliveries"]
        return found if len(found) == 2 else {}

    return states


# The client's first communication, a US one that does not carry the validation notice: it follows within a day.
US_FIRST = {
    "name": "reminder",
    "channel": "whatsapp",
    "locale": "pt-BR",
    "tone": "friendly",
    "jurisdiction": "US",
    "body": "{{ creditor }}: {{ amount }} is open on your account, see {{ portal_link }}",
    "first_communication": True,
    "validation_notice_follows_in_days": 1,
}


def test_the_validation_notice_is_in_the_timeline_with_its_text_contact_point_provider_id_and_receipts(
    platform: Platform, tenant: tuple[str, httpx.Client, httpx.Client]
) -> None:
    tenant_id, api, agency = tenant
    saved = agency.post(f"/templates/{tenant_id}", json=US_FIRST)
    assert saved.status_code == 201, saved.text
    digits, debt_id = _placed(api, "notice")
    [sent] = eventually(lambda: _entries(api, debt_id, "message.sent"), "the first communication sent", timeout=60)
    # After the Cloud API's pair window to this number, the notice follows to it.
    first, notice = eventually(lambda: _inbox(platform, digits)[1:] and _inbox(platform, digits), "the notice", 60)
    assert first["body"].startswith("template:cordial_reminder")
    [entry] = eventually(lambda: _entries(api, debt_id, "message.own_sent"), "the notice's entry", 30)
    message = entry["message"]
    assert (message["kind"], message["channel"], message["provider"]) == (
        "validation_notice",
        "whatsapp",
        "whatsapp-cloud",
    )
    assert message["text"].startswith("This is a communication from a debt collector about a debt of")
    assert CLIENT in message["text"]
    assert message["provider_message_id"] == notice["id"] != first["id"]
    assert message["deliveries"] == {}
    trail = agency.get(f"/clients/{tenant_id}/audit", params={"debt_id": debt_id}).json()["entries"]
    [audited] = [e for e in trail if e["provider_message_id"] == notice["id"]]
    [followed] = [e for e in trail if e["provider_message_id"] == first["id"]]
    assert message["follows_message_id"] == followed["message_id"]
    assert (audited["kind"], audited["text"]) == ("sent", message["text"])
    assert message["contact_point_id"] == audited["contact_point_id"] != ""
    assert "validation notice sent to the debtor by whatsapp" in entry["summary"]

    _deliver_and_read(platform, notice["id"])
    assert set(eventually(_receipts(api, debt_id), "the notice's receipts on its entry", 30)) == {"delivered", "read"}
    # The receipts' own entries say which message they are about; only the first communication is a message.sent.
    assert _entries(api, debt_id, "message.sent") == [sent]
