"""The thin path through all six services, driven only through the public API."""

from __future__ import annotations

import time

import httpx

from cordial_stack.e2e_support import debt_body, eventually
from cordial_stack.platform import Platform

FLOW = ["debt.placed", "contact.verified", "action.requested", "message.sent"]
# A person of this test alone: the contact policy caps contacts per person across all debts (one a day),
# and other e2e tests place debts for debt_body's default debtor.
DEBTOR = {"kind": "person", "document": "318.475.269-00", "name": "Joana Lima"}


def _types(api: httpx.Client, debt_id: str) -> list[str]:
    reply = api.get(f"/v1/debts/{debt_id}/timeline")
    assert reply.status_code == 200, reply.text
    return [entry["type"] for entry in reply.json()["entries"]]


def test_debt_is_placed_contacted_once_and_settled(platform: Platform, api: httpx.Client) -> None:
    httpx.delete(f"{platform.sandbox_url}/sandbox/inbox")
    phone_digits = "5511912345678"

    contacts = {"phones": ["+55 11 91234-5678"], "emails": ["maria@example.com"]}
    placed = api.post("/v1/debts", json=debt_body("contract-001", debtor=DEBTOR, contact_points=contacts))
    assert placed.status_code == 201, placed.text
    debt = placed.json()
    assert debt["status"] == "placed"
    assert debt["balance"] == {"amount_minor": 15000, "currency": "BRL"}

    again = api.post("/v1/debts", json=debt_body("contract-001", debtor=DEBTOR, contact_points=contacts))
    assert again.status_code == 200
    assert again.json()["id"] == debt["id"]

    eventually(lambda: set(FLOW) <= set(_types(api, debt["id"])), "placed -> verified -> requested -> sent")
    entries = api.get(f"/v1/debts/{debt['id']}/timeline").json()["entries"]
    firsts = {t: next(i for i, e in enumerate(entries) if e["type"] == t) for t in FLOW}
    assert firsts["debt.placed"] < firsts["contact.verified"] < firsts["action.requested"] < firsts["message.sent"]
    assert all(entry["time"] for entry in entries)
    sources = {e["type"]: e["source"] for e in entries}
    assert sources["debt.placed"] == "agreements"
    assert sources["contact.verified"] == "contact-locator"
    assert sources["action.requested"] == "strategy"
    assert sources["message.sent"] == "messaging"

    inbox = httpx.get(f"{platform.sandbox_url}/sandbox/inbox").json()["messages"]
    assert len(inbox) == 1, inbox
    assert inbox[0]["to"] == phone_digits
    assert "Banco Exemplo" in inbox[0]["body"]
    assert "R$ 150,00" in inbox[0]["body"]

    paid = api.post(
        f"/v1/debts/{debt['id']}/payments",
        json={"amount": {"amount_minor": 15000, "currency": "BRL"}, "payment_reference": "pix-001"},
    )
    assert paid.status_code == 201, paid.text
    assert paid.json()["debt"]["status"] == "settled"
    assert paid.json()["debt"]["balance"]["amount_minor"] == 0

    repeat = api.post(
        f"/v1/debts/{debt['id']}/payments",
        json={"amount": {"amount_minor": 15000, "currency": "BRL"}, "payment_reference": "pix-001"},
    )
    assert repeat.status_code == 200
    assert repeat.json()["created"] is False
    assert repeat.json()["debt"]["paid"]["amount_minor"] == 15000

    eventually(lambda: "treatment.stopped" in _types(api, debt["id"]), "contact stopped after settlement")
    types = _types(api, debt["id"])
    assert types.count("payment.received") == 1
    assert types.count("debt.settled") == 1
    assert types.count("action.requested") == 1

    # Nothing more is requested or sent for the settled debt.
    time.sleep(2)
    assert _types(api, debt["id"]).count("action.requested") == 1
    assert len(httpx.get(f"{platform.sandbox_url}/sandbox/inbox").json()["messages"]) == 1
