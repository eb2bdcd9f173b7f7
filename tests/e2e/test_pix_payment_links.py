"""Payment links end to end: an accepted offer gets a PIX charge and a boleto per installment; the
provider's signed PIX webhook pays an installment, and the same notification again counts once."""

from __future__ import annotations

import httpx

from cordial_stack.e2e_support import ADDRESS, debt_body, eventually
from cordial_stack.platform import Platform

POLICY = {"bands": [{"min_days_past_due": 0}], "max_installments": 3, "offer_validity_days": 3, "grace_days": 5}


def test_pix_webhook_pays_an_installment_once(platform: Platform, api: httpx.Client) -> None:
    client_id = api.get("/v1/me").json()["client_id"]
    admin = {"Authorization": f"Bearer {platform.secrets['CORDIAL_ADMIN_TOKEN']}"}
    agency = f"{platform.gateway_url}/agency/v1/clients/{client_id}"
    assert httpx.put(f"{agency}/negotiation-policy", json=POLICY, headers=admin).status_code == 200
    target = {"kind": "pix", "url": f"{platform.gateway_url}/hooks/{client_id}/pix"}
    assert httpx.post(f"{platform.sandbox_url}/sandbox/webhooks", json=target).status_code == 200

    body = debt_body("pix-001", due_date="2024-02-01")
    body["debtor"]["address"] = ADDRESS  # a bank registers a boleto only for a payer with an address
    debt = api.post("/v1/debts", json=body).json()
    offers = api.get(f"/v1/debts/{debt['id']}/offers").json()["offers"]
    plan = next(o for o in offers if o["kind"].startswith("installments"))
    accepted = api.post(f"/v1/debts/{debt['id']}/agreements", json={"offer_id": plan["id"]})
    assert accepted.status_code == 201, accepted.text
    agreement = api.get(f"/v1/agreements/{accepted.json()['id']}").json()
    links = agreement["payment_links"]
    assert [link["installment"] for link in links] == [i["number"] for i in plan["installments"]]
    first = links[0]
    assert first["amount"] == plan["installments"][0]["amount"]
    assert "br.gov.bcb.pix" in first["pix_copia_e_cola"]
    assert len(first["boleto_digitable_line"]) == 47
    assert len(first["boleto_barcode"]) == 44
    charge = httpx.get(
        f"{platform.sandbox_url}/pix/v2/cob/{first['txid']}",
        headers={"Authorization": f"Bearer {platform.secrets['PROVIDER_TOKEN']}"},
    ).json()
    assert charge["status"] == "ATIVA"
    assert charge["pixCopiaECola"] == first["pix_copia_e_cola"]

    paid = httpx.post(f"{platform.sandbox_url}/sandbox/pix/payments", json={"txid": first["txid"]})
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == 200
    after = api.get(f"/v1/agreements/{agreement['id']}").json()
    assert after["installments"][0]["paid"] == first["amount"]
    assert after["state"] == "active"

    again = httpx.post(f"{platform.sandbox_url}/sandbox/pix/payments/{paid.json()['endToEndId']}/redeliver")
    assert again.json()["status"] == 200
    repeated = api.get(f"/v1/agreements/{agreement['id']}").json()
    assert repeated["paid"] == after["paid"]
    assert repeated["installments"][1]["paid"]["amount_minor"] == 0

    unsigned = httpx.post(target["url"], json={"pix": []})
    assert unsigned.status_code == 401

    def received() -> int:
        entries = api.get(f"/v1/debts/{debt['id']}/timeline").json()["entries"]
        return sum(e["type"] == "payment.received" for e in entries)

    eventually(lambda: received() == 1, "the PIX payment in the timeline")
    assert received() == 1
