"""An opt-out's confirmation is in the debt's timeline as its own entry: the text sent, the contact point, the
provider's id and each delivery state as its receipts arrive; and strategy counts it toward no cap.

The debtor answers the WhatsApp reminder with "SAIR"; the confirmation follows once the recipient's spacing passed.
Its receipt reaches the confirmation's entry, and the daily cap still counts the reminder alone.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
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
    digits = f"55119{random.randint(10_000_000, 99_999_999)}"
    body = debt_body(f"confirm-{digits}", contact_points={"phones": [f"+{digits}"]})
    body["debtor"]["document"] = CPF().generate()
    placed = api.post("/v1/debts", json=body)
    assert placed.status_code == 201, placed.text
    debt_id = placed.json()["id"]
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
    [entry] = eventually(lambda: _entries(api, debt_id, "message.confirmation_sent"), "the confirmation's entry", 30)
    message = entry["message"]
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

    for status in ("delivered", "read"):
        posted = httpx.post(
            f"{platform.sandbox_url}/sandbox/whatsapp/statuses",
            json={"message_id": confirmation["id"], "status": status},
            timeout=15,
        )
        assert posted.json()["status"] == 200, posted.text

    def receipts() -> dict[str, str]:
        [again] = _entries(api, debt_id, "message.confirmation_sent")
        states: dict[str, str] = again["message"]["deliveries"]
        return states if len(states) == 2 else {}

    assert set(eventually(receipts, "the confirmation's receipts on its entry", 30)) == {"delivered", "read"}
    time.sleep(2)  # room for strategy to count what it should not
    assert _daily_count(platform, tenant_id, debt_id) == ("cap_per_day", "1")
    assert len(_entries(api, debt_id, "message.sent")) == 1
