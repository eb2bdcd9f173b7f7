"""Batch placement through the client API: one result per item, accepted items kept beside rejected ones,
duplicates inside the batch and amounts over the ceiling refused per item, and a repeat changing nothing."""

from __future__ import annotations

import httpx

from cordial_stack.e2e_support import debt_body
from cordial_stack.platform import Platform


def test_batch_reports_per_item_and_repeats_change_nothing(platform: Platform, api: httpx.Client) -> None:
    items = [
        debt_body("batch-001"),
        debt_body("batch-002", principal={"amount_minor": -5, "currency": "BRL"}),
        debt_body("batch-003"),
        debt_body("batch-001"),
        debt_body("batch-004", principal={"amount_minor": 100_000_000_001, "currency": "BRL"}),
        debt_body("batch-005", origin_date="2999-01-01"),
        {**debt_body("batch-006"), "debtor": {"kind": "person", "document": "111.111.111-11", "name": "X"}},
    ]
    reply = api.post("/v1/debts/batch", json={"items": items})
    assert reply.status_code == 200, reply.text
    result = reply.json()
    by_index = {item["index"]: item for item in result["items"]}
    assert [by_index[i]["status"] for i in range(7)] == [
        "created",
        "rejected",
        "created",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
    ]
    assert (result["created"], result["existing"], result["rejected"]) == (2, 0, 5)
    assert by_index[1]["errors"][0]["field"] == "items[1].principal.amount_minor"
    assert by_index[3]["errors"][0]["field"] == "items[3].client_reference"
    assert "items[0]" in by_index[3]["errors"][0]["reason"]
    assert by_index[4]["errors"][0]["field"] == "items[4].principal.amount_minor"
    assert by_index[5]["errors"][0]["field"] == "items[5].origin_date"
    assert by_index[6]["errors"][0]["field"] == "items[6].debtor.document"
    assert by_index[1]["reference"] == "batch-002"
    placed = api.get(f"/v1/debts/{by_index[0]['debt_id']}")
    assert placed.status_code == 200
    assert placed.json()["client_reference"] == "batch-001"

    again = api.post("/v1/debts/batch", json={"items": items}).json()
    assert [i["status"] for i in again["items"]][:3] == ["existing", "rejected", "existing"]
    assert [i["debt_id"] for i in again["items"]] == [i["debt_id"] for i in result["items"]]

    too_many = api.post("/v1/debts/batch", json={"items": [{}] * 10_001})
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["field"] == "items"
    empty = api.post("/v1/debts/batch", json={"items": []})
    assert empty.status_code == 422
