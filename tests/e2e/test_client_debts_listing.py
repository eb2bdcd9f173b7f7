"""Listing, correcting and reading debts through the client API: filters and a tenant-scoped cursor,
an amount correction with its reason and new contact points in the timeline, a debt with its breakdown,
agreements and payments."""

from __future__ import annotations

import httpx

from cordial_stack.e2e_support import debt_body, eventually, new_client
from cordial_stack.platform import Platform


def _pages(api: httpx.Client, **params: object) -> list[list[str]]:
    pages, cursor = [], ""
    while True:
        reply = api.get("/v1/debts", params={**params, **({"cursor": cursor} if cursor else {})})
        assert reply.status_code == 200, reply.text
        pages.append([d["id"] for d in reply.json()["debts"]])
        cursor = reply.json()["next_cursor"]
        if not cursor:
            return pages


def test_list_filter_and_paginate_with_a_tenant_scoped_cursor(platform: Platform, api: httpx.Client) -> None:
    placed = [api.post("/v1/debts", json=debt_body(f"list-{i}", portfolio="cards")).json()["id"] for i in range(5)]
    api.post("/v1/debts", json=debt_body("list-other", portfolio="loans"))
    assert api.post(f"/v1/debts/{placed[0]}/recall", json={"reason": "paid at the branch"}).status_code == 200

    pages = _pages(api, portfolio="cards", page_size=2)
    assert [len(p) for p in pages] == [2, 2, 1]
    assert sorted(i for page in pages for i in page) == sorted(placed)
    recalled = api.get("/v1/debts", params={"portfolio": "cards", "status": "recalled"}).json()
    assert [d["id"] for d in recalled["debts"]] == [placed[0]]
    assert recalled["next_cursor"] is None
    assert len(api.get("/v1/debts").json()["debts"]) == 6

    cursor = api.get("/v1/debts", params={"page_size": 1}).json()["next_cursor"]
    with new_client(platform, "Outra Financeira") as other:
        assert other.get("/v1/debts").json()["debts"] == []
        stolen = other.get("/v1/debts", params={"cursor": cursor})
        assert stolen.status_code == 422
        assert stolen.json()["errors"][0]["field"] == "cursor"
    assert api.get("/v1/debts", params={"status": "nope"}).status_code == 422
    assert api.get("/v1/debts", params={"page_size": 0}).status_code == 422


def test_correct_amount_add_contacts_and_read_the_whole_debt(platform: Platform, api: httpx.Client) -> None:
    debt = api.post("/v1/debts", json=debt_body("patch-001")).json()
    url = f"/v1/debts/{debt['id']}"
    no_reason = api.patch(url, json={"principal": {"amount_minor": 12_000, "currency": "BRL"}})
    assert no_reason.status_code == 422, no_reason.text
    assert no_reason.json()["errors"][0]["field"] == "reason"
    other_currency = api.patch(url, json={"principal": {"amount_minor": 12_000, "currency": "USD"}, "reason": "x"})
    assert other_currency.status_code == 422
    assert other_currency.json()["errors"][0]["field"] == "principal.currency"
    assert api.patch(url, json={}).status_code == 422

    corrected = api.patch(url, json={"principal": {"amount_minor": 12_000, "currency": "BRL"}, "reason": "fee refund"})
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["principal"]["amount_minor"] == 12_000
    added = api.patch(url, json={"contact_points": {"emails": ["maria.nova@example.com"]}})
    assert added.status_code == 200, added.text

    payment = {"amount": {"amount_minor": 2_000, "currency": "BRL"}, "payment_reference": "patch-001-p1"}
    assert api.post(f"{url}/payments", json=payment).status_code == 201

    def types() -> list[str]:
        return [e["type"] for e in api.get(url).json()["timeline"]]

    eventually(lambda: {"debt.amount_corrected", "debt.contacts_added"} <= set(types()), "corrections in the timeline")
    # contact-locator records the added e-mail beside the two supplied at placement
    eventually(lambda: sum(t.startswith("contact.") for t in types()) >= 3, "the new contact point recorded")
    whole = api.get(url).json()
    assert whole["principal"]["amount_minor"] == 12_000
    lines = {line["label"]: line["amount_minor"] for line in whole["breakdown"]["lines"]}
    assert lines["principal"] == 12_000
    assert lines["paid"] == -2_000
    assert whole["breakdown"]["total"]["amount_minor"] == sum(lines.values())
    assert [p["reference"] for p in whole["payments"]] == ["patch-001-p1"]
    assert whole["agreements"] == []
    assert types().count("debt.amount_corrected") == 1
