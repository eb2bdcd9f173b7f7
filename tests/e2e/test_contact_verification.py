"""Contact points through the agency API: a debtor's number recorded with its source, every new phone
verified at the sandbox's Lookup v2 on arrival (so a later batch finds them all in the cache), batch
progress read back, right-party-contact rates answered.
"""

from __future__ import annotations

import httpx

from cordial_stack.e2e_support import debt_body, eventually
from cordial_stack.platform import Platform


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
    missing = httpx.get(f"{agency}/verification-batches/nope", headers=admin, timeout=10)
    assert missing.status_code == 404, missing.text

    rates = httpx.get(f"{agency}/right-party-contact-rates", headers=admin, timeout=10)
    assert rates.status_code == 200, rates.text
    assert all(0.0 <= r["rate"] <= 1.0 for r in rates.json()["rates"])
