"""The strategy narrows a debt's menu: the offer set of the treatment step the debt is on decides which
installment plans the client API shows, within the client's negotiation policy."""

from __future__ import annotations

import httpx

from cordial_stack.e2e_support import debt_body, eventually
from cordial_stack.platform import Platform

POLICY = {"bands": [{"min_days_past_due": 0}], "max_installments": 6, "offer_validity_days": 3, "grace_days": 5}
STRATEGY = {
    "name": "short plans",
    "segments": [{"segment": "all"}],
    "paths": [
        {
            "segment": "all",
            "steps": [
                {"name": "first", "channels": ["whatsapp", "sms"], "template": "reminder", "day_offset": 0,
                 "offer_set": "2,4,12"},
            ],
        }
    ],
}  # fmt: skip


def test_the_treatment_steps_offer_set_narrows_the_menu(platform: Platform, api: httpx.Client) -> None:
    client_id = api.get("/v1/me").json()["client_id"]
    admin = {"Authorization": f"Bearer {platform.secrets['CORDIAL_ADMIN_TOKEN']}"}
    agency = f"{platform.gateway_url}/agency/v1"
    assert httpx.put(f"{agency}/clients/{client_id}/negotiation-policy", json=POLICY, headers=admin).status_code == 200
    bad = {
        **STRATEGY,
        "paths": [{"segment": "all", "steps": [{**STRATEGY["paths"][0]["steps"][0], "offer_set": "gold"}]}],
    }  # type: ignore[index]
    refused = httpx.post(f"{agency}/strategies/{client_id}", json=bad, headers=admin)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == "paths.all[0].offer_set"
    saved = httpx.post(f"{agency}/strategies/{client_id}", json=STRATEGY, headers=admin)
    assert saved.status_code == 201, saved.text
    shares = {"shares": [{"version": saved.json()["version"], "percent": 100}]}
    assert httpx.post(f"{agency}/strategies/{client_id}/activate", json=shares, headers=admin).status_code == 200

    debt = api.post("/v1/debts", json=debt_body("offer-set-1", due_date="2024-02-01")).json()

    def kinds() -> list[str]:
        return [o["kind"] for o in api.get(f"/v1/debts/{debt['id']}/offers").json()["offers"]]

    # 12 is over the policy's maximum of 6: the policy still bounds what the strategy asks for.
    eventually(lambda: kinds() == ["full", "installments-2", "installments-4"], "the step's offer set in the menu")

    # The step's message goes out too; waiting for it leaves nothing in flight for the tests that follow.
    def contacted() -> bool:
        types = {e["type"] for e in api.get(f"/v1/debts/{debt['id']}/timeline").json()["entries"]}
        return bool(types & {"message.sent", "message.failed"})

    eventually(contacted, "the step's message sent")
