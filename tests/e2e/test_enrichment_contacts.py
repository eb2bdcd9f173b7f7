"""Enrichment end to end: a debt placed with no contact point reaches the debtor on the number the provider knows."""

from __future__ import annotations

import random

import httpx
from validate_docbr import CPF

from cordial_stack.e2e_support import debt_body, eventually
from cordial_stack.platform import Platform


def test_a_debt_without_contacts_is_sent_to_the_enrichment_providers_number(
    platform: Platform, api: httpx.Client
) -> None:
    document = CPF().generate()
    digits = f"55119{random.randint(10_000_000, 99_999_999)}"
    person = {"phones": [digits[2:]], "emails": [], "employed": False, "unemployment_benefit": True}
    assert httpx.put(f"{platform.sandbox_url}/sandbox/enrichment/{document}", json=person).status_code == 200
    debtor = {"kind": "person", "document": document, "name": "Rita Alves"}
    placed = api.post("/v1/debts", json=debt_body("enriched-001", debtor=debtor, contact_points={}))
    assert placed.status_code == 201, placed.text

    def inbox() -> list[dict[str, str]]:
        reply = httpx.get(f"{platform.sandbox_url}/sandbox/inbox", params={"to": digits}, timeout=5)
        messages: list[dict[str, str]] = reply.json()["messages"]
        return messages

    [message] = eventually(inbox, "a message on the enrichment provider's number", timeout=60)
    assert "Banco Exemplo" in message["body"]
    queries = httpx.get(f"{platform.sandbox_url}/sandbox/enrichment", timeout=5).json()["queries"]
    assert queries[document] == 2  # strategy's flags and contact-locator's contacts, once each
