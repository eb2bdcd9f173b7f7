"""A client's policy drives the balance a debtor reads; recall stops collection; the timeline shows each step."""

from __future__ import annotations

import httpx

from cordial_stack.e2e_support import debt_body, eventually
from cordial_stack.platform import Platform


def _types(api: httpx.Client, debt_id: str) -> list[str]:
    reply = api.get(f"/v1/debts/{debt_id}/timeline")
    assert reply.status_code == 200, reply.text
    return [entry["type"] for entry in reply.json()["entries"]]


def _admin(platform: Platform) -> dict[str, str]:
    return {"Authorization": f"Bearer {platform.secrets['CORDIAL_ADMIN_TOKEN']}"}


def test_balance_breakdown_follows_the_clients_policy(platform: Platform, api: httpx.Client) -> None:
    placed = api.post(
        "/v1/debts",
        json=debt_body(
            "bal-001",
            due_date="2024-02-01",
            portfolio="cards",
            product="credit card",
            origin_date="2023-06-15",
        ),
    )
    assert placed.status_code == 201, placed.text
    debt = placed.json()
    assert (debt["portfolio"], debt["product"], debt["origin_date"]) == ("cards", "credit card", "2023-06-15")
    client_id = _client_id(api)
    policy = {
        "late_fee_bps": 1000,
        "monthly_interest_bps": 100,
        "index_name": "IPCA",
        "monthly_factors": {"2024-02": "1.0083"},
    }
    put = httpx.put(
        f"{platform.gateway_url}/agency/v1/clients/{client_id}/balance-policy", json=policy, headers=_admin(platform)
    )
    assert put.status_code == 200, put.text
    assert put.json() == policy

    # By hand: one full month of 0.83% on 150.00 = 1.245 -> 1.24 (half to even); the 10% fee is capped at 2% for a
    # consumer = 3.00; interest 28 days at 1%/30 on 150.00 = 1.40 plus 2 days on 151.245 = 0.1008 -> 1.50.
    balance = api.get(f"/v1/debts/{debt['id']}/balance", params={"as_of": "2024-03-02"})
    assert balance.status_code == 200, balance.text
    body = balance.json()
    assert [(line["label"], line["amount_minor"]) for line in body["lines"]] == [
        ("principal", 15_000),
        ("monetary correction", 124),
        ("late fee", 300),
        ("late interest", 150),
        ("paid", 0),
    ]
    assert body["total"] == {"amount_minor": 15_574, "currency": "BRL"}
    assert body["late_fee_bps"] == 200
    assert "Late fee 2%" in body["explanation"]

    bad = api.get(f"/v1/debts/{debt['id']}/balance", params={"as_of": "yesterday"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "as_of"

    contradictory = httpx.put(
        f"{platform.gateway_url}/agency/v1/clients/{client_id}/balance-policy",
        json={**policy, "monthly_factors": {"2024-02": "lots"}},
        headers=_admin(platform),
    )
    assert contradictory.status_code == 422, contradictory.text
    assert contradictory.json()["errors"][0]["field"] == "correction.monthly_factors.2024-02"


def test_recall_stops_collection_and_refuses_payments(platform: Platform, api: httpx.Client) -> None:
    debt = api.post("/v1/debts", json=debt_body("recall-001")).json()
    eventually(lambda: "debt.collection_started" in _types(api, debt["id"]), "collection started")
    recalled = api.post(f"/v1/debts/{debt['id']}/recall", json={"reason": "paid at the branch"})
    assert recalled.status_code == 200, recalled.text
    assert recalled.json()["status"] == "recalled"
    again = api.post(f"/v1/debts/{debt['id']}/recall", json={"reason": "again"})
    assert again.status_code == 200
    eventually(lambda: "treatment.stopped" in _types(api, debt["id"]), "contact stopped after the recall")
    assert _types(api, debt["id"]).count("debt.recalled") == 1
    paid = api.post(
        f"/v1/debts/{debt['id']}/payments",
        json={"amount": {"amount_minor": 100, "currency": "BRL"}, "payment_reference": "late-1"},
    )
    assert paid.status_code == 409, paid.text


def test_future_origin_date_and_company_birth_date_are_refused(api: httpx.Client) -> None:
    future = api.post("/v1/debts", json=debt_body("bad-origin", origin_date="2999-01-01"))
    assert future.status_code == 422, future.text
    assert future.json()["errors"][0]["field"] == "origin_date"
    company = debt_body(
        "bad-birth",
        debtor={"kind": "company", "document": "11.222.333/0001-81", "name": "ACME", "birth_date": "1990-01-01"},
    )
    reply = api.post("/v1/debts", json=company)
    assert reply.status_code == 422, reply.text
    assert reply.json()["errors"][0]["field"] == "debtor.birth_date"


def _client_id(api: httpx.Client) -> str:
    reply = api.get("/v1/me")
    assert reply.status_code == 200, reply.text
    return str(reply.json()["client_id"])
