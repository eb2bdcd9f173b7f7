"""Saving a strategy through the agency API: its offer sets checked against the client's negotiation policy,
which strategy reads from agreements over gRPC; a set outside it is refused naming the field."""

from __future__ import annotations

import httpx

from cordial_stack.platform import Platform

POLICY = {
    "bands": [{"min_days_past_due": 0, "fees_discount_bps": 5_000}],
    "min_down_payment_bps": 2_000,
    "max_installments": 6,
    "offer_validity_days": 3,
    "grace_days": 5,
}


def _strategy(*counts: int, down_payment_bps: int = 2_000) -> dict[str, object]:
    return {
        "segments": [{"segment": "everyone"}],
        "paths": [
            {
                "segment": "everyone",
                "steps": [
                    {"name": "hello", "channels": ["sms"], "template": "reminder", "day_offset": 0, "offer_set": "std"},
                    {"name": "nudge", "channels": ["sms"], "template": "reminder", "day_offset": 3, "offer_set": "std"},
                ],
            }
        ],
        "offer_sets": [{"name": "std", "installment_counts": list(counts), "down_payment_bps": down_payment_bps}],
        "escalation": ["prior_notice"],
        "escalation_conditions": {"min_balance_minor": 10_000, "min_days_past_due": 60, "client_opted_in": True},
    }


def test_offer_sets_outside_the_clients_policy_are_refused_by_field(platform: Platform, api: httpx.Client) -> None:
    client_id = api.get("/v1/me").json()["client_id"]
    admin = {"Authorization": f"Bearer {platform.secrets['CORDIAL_ADMIN_TOKEN']}"}
    agency = f"{platform.gateway_url}/agency/v1"
    saved = httpx.put(f"{agency}/clients/{client_id}/negotiation-policy", json=POLICY, headers=admin)
    assert saved.status_code == 200, saved.text

    too_long = httpx.post(f"{agency}/strategies/{client_id}", json=_strategy(3, 12), headers=admin, timeout=10)
    assert too_long.status_code == 422, too_long.text
    assert too_long.json()["errors"][0]["field"] == "offer_sets[0].installment_counts[1]"
    assert "maximum of 6" in too_long.json()["errors"][0]["reason"]
    low_down = httpx.post(
        f"{agency}/strategies/{client_id}", json=_strategy(3, down_payment_bps=1_000), headers=admin, timeout=10
    )
    assert low_down.status_code == 422, low_down.text
    assert low_down.json()["errors"][0]["field"] == "offer_sets[0].down_payment_bps"

    ok = httpx.post(f"{agency}/strategies/{client_id}", json=_strategy(3, 6), headers=admin, timeout=10)
    assert ok.status_code == 201, ok.text
    document = ok.json()["document"]
    assert document["offer_sets"][0]["installment_counts"] == [3, 6]
    assert document["escalation_conditions"]["client_opted_in"] is True
