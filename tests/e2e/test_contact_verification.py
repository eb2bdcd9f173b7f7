"""Contact points through the agency API: a debtor's number recorded with its source, every new phone
verified at the sandbox's Lookup v2 on arrival (so a later batch finds them all in the cache), batch
progress read back, right-party-contact rates answered; the sandbox's WhatsApp contacts check keeps a non-user out
of the WhatsApp plan.
"""

from __future__ import annotations

import random

import grpc
import httpx

from cordial.contact_locator.v1 import contact_locator_service_pb2 as pb
from cordial.contact_locator.v1 import contact_locator_service_pb2_grpc as pb_grpc
from cordial.types.v1 import types_pb2
from cordial_core.grpc_server import TENANT_KEY
from cordial_stack.e2e_support import debt_body, eventually
from cordial_stack.platform import Platform

WHATSAPP = types_pb2.CHANNEL_WHATSAPP


def test_debtor_numbers_are_recorded_and_every_new_phone_is_verified_once(platform: Platform) -> None:
    admin = {"Authorization": f"Bearer {platform.secrets['CORDIAL_ADMIN_TOKEN']}"}
    gateway = platform.gateway_url
    created = httpx.post(f"{gateway}/agency/v1/clients", json={"name": "Loja Contatos"}, headers=admin, timeout=10)
    assert created.status_code == 201, created.text
    client_id, key = created.json()["client_id"], created.json()["api_key"]
    agency = f"{gateway}/agency/v1/clients/{client_id}"
    with httpx.Client(base_url=gateway, headers={"Authorization": f"Bearer {key}"}, timeout=10) as api:
        placed = api.post("/v1/debts", json=debt_body("contacts-001"))
        assert placed.status_code == 201, placed.text
        debt_id = placed.json()["id"]
        eventually(
            lambda: (
                "contact.verified" in {e["type"] for e in api.get(f"/v1/debts/{debt_id}/timeline").json()["entries"]}
            ),
            "the debt's contact points recorded",
        )

    body = {"source": "debtor", "contact_points": [{"kind": "phone", "value": "(21) 98877-6655"}]}
    added = httpx.post(f"{agency}/debtors/debtor-e2e/contact-points", json=body, headers=admin, timeout=10)
    assert added.status_code == 201, added.text
    [point] = added.json()
    assert (point["value"], point["valid"], point["source"]) == ("+5521988776655", True, "debtor")
    assert point["learned_at"]
    bad = httpx.post(f"{agency}/debtors/debtor-e2e/contact-points", json={"source": "debtor"}, headers=admin)
    assert bad.status_code == 422
    assert "contact_points" in bad.text

    started = httpx.post(f"{agency}/verification-batches", json={"reference": "all-1"}, headers=admin, timeout=10)
    assert started.status_code == 202, started.text
    batch_id = started.json()["batch_id"]

    def finished() -> dict | None:
        progress = httpx.get(f"{agency}/verification-batches/{batch_id}", headers=admin, timeout=10).json()
        return progress if progress["state"] == "done" else None

    progress = eventually(finished, "the verification batch finished")
    # Both phones were looked up when they arrived: the batch pays for nothing.
    assert {k: progress[k] for k in ("total", "done", "cached", "paid", "refused_budget", "failed")} == {
        "total": 2,
        "done": 2,
        "cached": 2,
        "paid": 0,
        "refused_budget": 0,
        "failed": 0,
    }
    # ... and both were asked about WhatsApp on arrival too: the batch's checks come from the check cache.
    assert progress["whatsapp"] == {
        "total": 2,
        "cached": 2,
        "paid": 0,
        "refused_budget": 0,
        "failed": 0,
        "skipped": 0,
        "pending": 0,
    }
    missing = httpx.get(f"{agency}/verification-batches/nope", headers=admin, timeout=10)
    assert missing.status_code == 404, missing.text

    rates = httpx.get(f"{agency}/right-party-contact-rates", headers=admin, timeout=10)
    assert rates.status_code == 200, rates.text
    assert all(0.0 <= r["rate"] <= 1.0 for r in rates.json()["rates"])


def test_the_whatsapp_contacts_check_shapes_the_contact_plan(platform: Platform) -> None:
    admin = {"Authorization": f"Bearer {platform.secrets['CORDIAL_ADMIN_TOKEN']}"}
    created = httpx.post(
        f"{platform.gateway_url}/agency/v1/clients", json={"name": "Loja WhatsApp"}, headers=admin, timeout=10
    )
    assert created.status_code == 201, created.text
    client_id = created.json()["client_id"]
    not_user, user = (
        f"+55219{random.randint(10_000_000, 99_999_999)}",
        f"+55219{random.randint(10_000_000, 99_999_999)}",
    )
    marked = httpx.post(f"{platform.sandbox_url}/sandbox/whatsapp/non-users", json={"numbers": [not_user]})
    assert marked.status_code == 200
    body = {"source": "debtor", "contact_points": [{"kind": "phone", "value": n} for n in (not_user, user)]}
    agency = f"{platform.gateway_url}/agency/v1/clients/{client_id}"
    added = httpx.post(f"{agency}/debtors/debtor-wa/contact-points", json=body, headers=admin, timeout=10)
    assert added.status_code == 201, added.text

    with grpc.insecure_channel(platform.services["contact-locator"].grpc_address) as channel:
        plan = pb_grpc.ContactLocatorServiceStub(channel).GetContactPlan(
            pb.GetContactPlanRequest(
                debtor_id="debtor-wa", channels=[types_pb2.CHANNEL_WHATSAPP, types_pb2.CHANNEL_SMS]
            ),
            metadata=[(TENANT_KEY, client_id)],
            timeout=10,
        )
    whatsapp = [c for c in plan.contacts if c.channel == WHATSAPP]
    assert [c.address for c in whatsapp] == [user]
    assert whatsapp[0].reason.endswith("on WhatsApp per the contacts check")
    assert {c.address for c in plan.contacts if c.channel == types_pb2.CHANNEL_SMS} == {not_user, user}
    queries = httpx.get(f"{platform.sandbox_url}/sandbox/whatsapp/contacts", timeout=10).json()["queries"]
    assert (queries[not_user[1:]], queries[user[1:]]) == (1, 1)
