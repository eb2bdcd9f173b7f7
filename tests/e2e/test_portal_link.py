"""The personal portal link: the message a debtor receives carries their portal token, and the gateway
takes it back as that debtor (a number they add is kept with source "debtor"); a forged token is refused.
"""

from __future__ import annotations

import re

import httpx

from cordial_stack.e2e_support import debt_body, eventually, new_client
from cordial_stack.platform import Platform


def test_the_link_in_a_message_lets_the_debtor_add_a_number(platform: Platform) -> None:
    body = debt_body("portal-001")
    phone = body["contact_points"]["phones"][0].lstrip("+")
    with new_client(platform, "Loja Portal") as api:
        placed = api.post("/v1/debts", json=body)
        assert placed.status_code == 201, placed.text
        debt_id = placed.json()["id"]

    def message_to_debtor() -> str | None:
        inbox = httpx.get(f"{platform.sandbox_url}/sandbox/inbox", timeout=10).json()["messages"]
        return next((m["body"] for m in inbox if m["to"] == phone), None)

    text = eventually(message_to_debtor, "the debtor's message")
    found = re.search(rf"/{debt_id}\?t=([A-Za-z0-9_.-]+)", text)
    assert found, text
    token = found.group(1)

    portal = f"{platform.gateway_url}/portal/v1/contact-points"
    new_number = {"debt_id": debt_id, "contact_points": [{"kind": "phone", "value": "(31) 99876-5432"}]}
    added = httpx.post(portal, json=new_number, headers={"x-portal-token": token}, timeout=10)
    assert added.status_code == 201, added.text
    [point] = added.json()
    assert (point["value"], point["source"]) == ("+5531998765432", "debtor")
    payload, _, signature = token.partition(".")
    forged = httpx.post(portal, json=new_number, headers={"x-portal-token": f"{payload}.{'0' * len(signature)}"})
    assert forged.status_code == 401
