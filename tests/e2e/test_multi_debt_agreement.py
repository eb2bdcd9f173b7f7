"""Through the client API and the provider sandbox: one agreement over two debts of one debtor, paid by
PIX through the provider's signed webhook until both debts settle; a cancelled agreement; and a PIX payment
for a charge nobody knows kept unapplied with the reason, never lost."""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx

from cordial_stack.e2e_support import debt_body, eventually
from cordial_stack.platform import Platform

BB = {"numeroConvenio": "1234567"}
POLICY = {"bands": [{"min_days_past_due": 0}], "max_installments": 3, "offer_validity_days": 3, "grace_days": 5}


def _setup(platform: Platform, api: httpx.Client) -> str:
    client_id: str = api.get("/v1/me").json()["client_id"]
    admin = {"Authorization": f"Bearer {platform.secrets['CORDIAL_ADMIN_TOKEN']}"}
    agency = f"{platform.gateway_url}/agency/v1/clients/{client_id}"
    assert httpx.put(f"{agency}/negotiation-policy", json=POLICY, headers=admin).status_code == 200
    target = {"kind": "pix", "url": f"{platform.gateway_url}/hooks/{client_id}/pix"}
    assert httpx.post(f"{platform.sandbox_url}/sandbox/webhooks", json=target).status_code == 200
    return client_id


def _two_debts(api: httpx.Client, prefix: str) -> list[str]:
    first = debt_body(f"{prefix}-1", due_date="2024-02-01")
    second = debt_body(f"{prefix}-2", due_date="2024-03-01", debtor=first["debtor"])
    second["principal"] = {"amount_minor": 7_001, "currency": "BRL"}
    return [api.post("/v1/debts", json=body).json()["id"] for body in (first, second)]


def test_one_agreement_over_two_debts_paid_by_pix_settles_both(platform: Platform, api: httpx.Client) -> None:
    _setup(platform, api)
    debt_ids = _two_debts(api, "multi")
    menu = api.post("/v1/offers", json={"debt_ids": debt_ids, "installment_counts": [2]})
    assert menu.status_code == 200, menu.text
    plan = next(o for o in menu.json()["offers"] if o["kind"] == "installments-2")
    assert plan["debt_ids"] == debt_ids
    accepted = api.post("/v1/agreements", json={"offer_id": plan["id"]})
    assert accepted.status_code == 201, accepted.text
    agreement = api.get(f"/v1/agreements/{accepted.json()['id']}").json()
    assert [s["debt_id"] for s in agreement["shares"]] == debt_ids
    assert sum(s["amount"]["amount_minor"] for s in agreement["shares"]) == plan["total"]["amount_minor"]
    for debt_id in debt_ids:
        assert api.get(f"/v1/debts/{debt_id}").json()["status"] == "in_agreement"
    assert api.get(f"/v1/debts/{debt_ids[1]}/offers").status_code == 409  # one live agreement per debt

    auth = {"Authorization": f"Bearer {platform.secrets['PROVIDER_TOKEN']}"}
    for link in agreement["payment_links"]:
        number = "000" + link["boleto_barcode"][25:42]  # BB: the nosso número inside the barcode's free field
        at_bank = httpx.get(f"{platform.sandbox_url}/cobrancas/v2/boletos/{number}", headers=auth, params=BB)
        assert at_bank.json()["linhaDigitavel"] == link["boleto_digitable_line"]  # registered at the bank
        paid = httpx.post(f"{platform.sandbox_url}/sandbox/pix/payments", json={"txid": link["txid"]})
        assert paid.json()["status"] == 200, paid.text
    done = api.get(f"/v1/agreements/{agreement['id']}").json()
    assert done["state"] == "settled"
    assert [s["paid"] for s in done["shares"]] == [s["amount"] for s in done["shares"]]
    debts = [api.get(f"/v1/debts/{d}").json() for d in debt_ids]
    assert [d["status"] for d in debts] == ["settled", "settled"]
    assert sum(d["paid"]["amount_minor"] for d in debts) == plan["total"]["amount_minor"]

    def settled_on_second() -> bool:
        entries = api.get(f"/v1/debts/{debt_ids[1]}/timeline").json()["entries"]
        return "agreement.settled" in {e["type"] for e in entries}

    eventually(settled_on_second, "the agreement's settlement on the second debt's timeline")


def test_cancel_an_agreement_and_offer_again(platform: Platform, api: httpx.Client) -> None:
    _setup(platform, api)
    debt_ids = _two_debts(api, "cancel")
    offer = api.post("/v1/offers", json={"debt_ids": debt_ids}).json()["offers"][0]
    agreement = api.post(f"/v1/debts/{debt_ids[1]}/agreements", json={"offer_id": offer["id"]}).json()
    assert api.post(f"/v1/agreements/{agreement['id']}/cancel", json={}).status_code == 422
    cancelled = api.post(f"/v1/agreements/{agreement['id']}/cancel", json={"reason": "paid the creditor directly"})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["state"] == "cancelled"
    assert cancelled.json()["cancel_reason"] == "paid the creditor directly"
    assert [api.get(f"/v1/debts/{d}").json()["status"] for d in debt_ids] == ["in_collection"] * 2
    assert api.get(f"/v1/debts/{debt_ids[0]}/offers").status_code == 200

    def cancelled_in_timeline() -> bool:
        entries = api.get(f"/v1/debts/{debt_ids[1]}/timeline").json()["entries"]
        return "agreement.cancelled" in {e["type"] for e in entries}

    eventually(cancelled_in_timeline, "the cancellation in the timeline")

    # The debtor is contacted about the open debts; waiting for it leaves nothing in flight for later tests.
    def contacted() -> bool:
        types = {e["type"] for d in debt_ids for e in api.get(f"/v1/debts/{d}/timeline").json()["entries"]}
        return bool(types & {"message.sent", "message.failed"})

    eventually(contacted, "the debtor's message sent")


def test_pix_payment_for_an_unknown_charge_is_kept_unapplied(platform: Platform, api: httpx.Client) -> None:
    client_id = _setup(platform, api)
    body = json.dumps(
        {"pix": [{"endToEndId": "E0000000020240301ffff", "txid": "nochargewiththisid0000000001", "valor": "12.34"}]}
    ).encode()
    signature = "sha256=" + hmac.new(platform.secrets["PROVIDER_TOKEN"].encode(), body, hashlib.sha256).hexdigest()
    headers = {"content-type": "application/json", "x-webhook-signature": signature}
    url = f"{platform.gateway_url}/hooks/{client_id}/pix"
    for _ in range(2):
        answer = httpx.post(url, content=body, headers=headers)
        assert answer.status_code == 200, answer.text
    assert answer.json()["pix"][0]["status"] == "duplicate"
    kept = api.get("/v1/payments/unapplied").json()["payments"]
    assert len(kept) == 1
    assert kept[0]["reason"] == "unknown_charge"
    assert kept[0]["amount"] == {"amount_minor": 1234, "currency": "BRL"}
    admin = {"Authorization": f"Bearer {platform.secrets['CORDIAL_ADMIN_TOKEN']}"}
    agency = httpx.get(f"{platform.gateway_url}/agency/v1/clients/{client_id}/payments/unapplied", headers=admin)
    assert [p["id"] for p in agency.json()["payments"]] == [kept[0]["id"]]
    metrics = httpx.get(f"http://127.0.0.1:{platform.services['agreements'].metrics_port}/metrics").text
    assert 'cordial_agreements_unapplied_payments_total{reason="unknown_charge",source="pix"}' in metrics


def test_propose_then_the_debtor_accepts(platform: Platform, api: httpx.Client) -> None:
    _setup(platform, api)
    debt = api.post("/v1/debts", json=debt_body("proposal-1", due_date="2024-02-01")).json()
    offer = api.get(f"/v1/debts/{debt['id']}/offers").json()["offers"][1]
    proposed = api.post("/v1/agreements/proposals", json={"offer_id": offer["id"]})
    assert proposed.status_code == 201, proposed.text
    assert proposed.json()["state"] == "proposed"
    assert proposed.json()["valid_until"] == offer["valid_until"]
    accepted = api.post(f"/v1/agreements/{proposed.json()['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["state"] == "accepted"
    assert len(accepted.json()["payment_links"]) == len(offer["installments"])
    assert api.get(f"/v1/debts/{debt['id']}").json()["status"] == "in_agreement"

    def contacted() -> bool:
        types = {e["type"] for e in api.get(f"/v1/debts/{debt['id']}/timeline").json()["entries"]}
        return "agreement.proposed" in types and bool(types & {"message.sent", "message.failed"})

    eventually(contacted, "the proposal in the timeline and the debtor's message sent")
