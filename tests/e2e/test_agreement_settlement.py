"""A debtor's path through the client API: offers under the client's policy, accept a plan, pay each
installment, the agreement and the debt settle, each step in the timeline."""

from __future__ import annotations

import httpx

from cordial_stack.e2e_support import debt_body, eventually
from cordial_stack.platform import Platform

POLICY = {
    "bands": [
        {"min_days_past_due": 0},
        {"min_days_past_due": 30, "fees_discount_bps": 10_000, "interest_discount_bps": 5_000},
    ],
    "min_down_payment_bps": 2_000,
    "max_installments": 3,
    "offer_validity_days": 3,
    "grace_days": 5,
}


def _admin(platform: Platform) -> dict[str, str]:
    return {"Authorization": f"Bearer {platform.secrets['CORDIAL_ADMIN_TOKEN']}"}


def test_offer_accept_pay_installments_settles(platform: Platform, api: httpx.Client) -> None:
    client_id = api.get("/v1/me").json()["client_id"]
    agency = f"{platform.gateway_url}/agency/v1/clients/{client_id}"
    contradictory = {**POLICY, "bands": [{"min_days_past_due": 10}]}
    refused = httpx.put(f"{agency}/negotiation-policy", json=contradictory, headers=_admin(platform))
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == "bands[0].min_days_past_due"
    saved = httpx.put(f"{agency}/negotiation-policy", json=POLICY, headers=_admin(platform))
    assert saved.status_code == 200, saved.text
    assert httpx.get(f"{agency}/negotiation-policy", headers=_admin(platform)).json()["max_installments"] == 3
    policy = {"late_fee_bps": 200, "monthly_interest_bps": 100, "index_name": "", "monthly_factors": {}}
    assert httpx.put(f"{agency}/balance-policy", json=policy, headers=_admin(platform)).status_code == 200

    debt = api.post("/v1/debts", json=debt_body("agr-001", due_date="2024-02-01")).json()
    menu = api.get(f"/v1/debts/{debt['id']}/offers")
    assert menu.status_code == 200, menu.text
    offers = menu.json()["offers"]
    assert [o["kind"] for o in offers] == ["full", "installments-3"]
    plan = offers[1]
    lines = {line["label"]: line["amount_minor"] for line in plan["lines"]}
    assert lines["discount on late fee"] == -lines["late fee"]  # waived in full past 30 days
    assert sum(lines.values()) == plan["total"]["amount_minor"]
    assert sum(i["amount"]["amount_minor"] for i in plan["installments"]) == plan["total"]["amount_minor"]

    unknown = api.post(f"/v1/debts/{debt['id']}/agreements", json={"offer_id": "nope"})
    assert unknown.status_code == 404
    accepted = api.post(f"/v1/debts/{debt['id']}/agreements", json={"offer_id": plan["id"]})
    assert accepted.status_code == 201, accepted.text
    agreement = accepted.json()
    assert agreement["state"] == "accepted"
    assert api.post(f"/v1/debts/{debt['id']}/agreements", json={"offer_id": plan["id"]}).status_code == 200
    assert api.get(f"/v1/debts/{debt['id']}").json()["status"] == "in_agreement"
    other = api.post(f"/v1/debts/{debt['id']}/agreements", json={"offer_id": offers[0]["id"]})
    assert other.status_code == 409, other.text

    for installment in plan["installments"]:
        payment = {"amount": installment["amount"], "payment_reference": f"agr-001-{installment['number']}"}
        paid = api.post(f"/v1/debts/{debt['id']}/payments", json=payment)
        assert paid.status_code == 201, paid.text
    final = api.get(f"/v1/agreements/{agreement['id']}").json()
    assert final["state"] == "settled"
    assert final["paid"] == plan["total"]
    assert [i["paid"] for i in final["installments"]] == [i["amount"] for i in plan["installments"]]
    assert api.get(f"/v1/debts/{debt['id']}").json()["status"] == "settled"

    def timeline() -> list[str]:
        return [e["type"] for e in api.get(f"/v1/debts/{debt['id']}/timeline").json()["entries"]]

    wanted = ["agreement.accepted", "agreement.activated", "agreement.settled", "debt.settled"]
    eventually(lambda: set(wanted) <= set(timeline()), "agreement steps in the timeline")
    types = timeline()
    assert types.count("payment.received") == 3
    assert types.count("agreement.settled") == 1
