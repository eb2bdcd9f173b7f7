"""Bad input on the client API: problem+json naming the field, never a 5xx, nothing stored."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from cordial_stack.e2e_support import debt_body, new_client
from cordial_stack.platform import Platform


def _problem(reply: httpx.Response, status: int) -> dict[str, Any]:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith("application/problem+json")
    body = reply.json()
    assert body["status"] == status
    assert body["title"]
    assert body["type"]
    return body


def _fields(body: dict[str, Any]) -> set[str]:
    return {e["field"] for e in body.get("errors", [])}


def _without(body: dict[str, Any], dotted: str) -> dict[str, Any]:
    head, _, tail = dotted.partition(".")
    if tail:
        body[head] = _without(dict(body[head]), tail)
    else:
        body.pop(head)
    return body


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: _without(b, "client_reference"), "client_reference"),
        (lambda b: _without(b, "debtor.document"), "debtor.document"),
        (lambda b: _without(b, "principal"), "principal"),
        (lambda b: {**b, "principal": {"amount_minor": 0, "currency": "BRL"}}, "principal.amount_minor"),
        (lambda b: {**b, "principal": {"amount_minor": -500, "currency": "BRL"}}, "principal.amount_minor"),
        (lambda b: {**b, "principal": {"amount_minor": 10.5, "currency": "BRL"}}, "principal.amount_minor"),
        (lambda b: {**b, "principal": {"amount_minor": 100, "currency": "XYZ"}}, "principal.currency"),
        (lambda b: {**b, "debtor": {**b["debtor"], "document": "529.982.247-24"}}, "debtor.document"),
        (
            lambda b: {**b, "debtor": {"kind": "company", "document": "11.222.333/0001-82", "name": "ACME"}},
            "debtor.document",
        ),
        (lambda b: {**b, "contact_points": {"phones": ["12345"]}}, "contact_points.phones.0"),
        (lambda b: {**b, "contact_points": {"emails": ["maria@"]}}, "contact_points.emails.0"),
        (lambda b: {**b, "debtor": {**b["debtor"], "name": "x" * 500}}, "debtor.name"),
    ],
    ids=[
        "missing-reference",
        "missing-document",
        "missing-principal",
        "zero-amount",
        "negative-amount",
        "float-amount",
        "unknown-currency",
        "cpf-check-digit",
        "cnpj-check-digit",
        "bad-phone",
        "bad-email",
        "long-name",
    ],
)
def test_bad_debt_is_rejected_naming_the_field(api: httpx.Client, change: Any, field: str) -> None:
    reference = f"bad-{field}-{id(change)}"
    body = _problem(api.post("/v1/debts", json=change(debt_body(reference))), 422)
    assert field in _fields(body), body
    # Nothing from a rejected request is stored: the reference is still free.
    assert api.post("/v1/debts", json=debt_body(reference)).status_code == 201


def test_oversized_body_is_refused(api: httpx.Client) -> None:
    huge = debt_body("huge", padding="x" * 2_000_000)
    body = _problem(api.post("/v1/debts", json=huge), 413)
    assert "body" in _fields(body)
    assert api.post("/v1/debts", json=debt_body("huge")).status_code == 201


def test_unknown_field_is_named(api: httpx.Client) -> None:
    body = _problem(api.post("/v1/debts", json=debt_body("typo", principle=1)), 422)
    assert "principle" in _fields(body)


def test_malformed_json_is_a_problem(api: httpx.Client) -> None:
    reply = api.post("/v1/debts", content=b"{not json", headers={"content-type": "application/json"})
    _problem(reply, 422)


@pytest.mark.parametrize("authorization", [None, "Bearer ck_unknown", "Basic abc", "Bearer"])
def test_missing_or_unknown_key_is_401(platform: Platform, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    reply = httpx.post(f"{platform.gateway_url}/v1/debts", json=debt_body("anon"), headers=headers)
    _problem(reply, 401)


def test_a_client_never_reads_another_clients_debt(platform: Platform, api: httpx.Client) -> None:
    mine = api.post("/v1/debts", json=debt_body("private-1")).json()
    with new_client(platform, "Outra Loja") as other:
        for path in (f"/v1/debts/{mine['id']}", f"/v1/debts/{mine['id']}/timeline"):
            _problem(other.get(path), 404)
        paid = other.post(
            f"/v1/debts/{mine['id']}/payments",
            json={"amount": {"amount_minor": 100, "currency": "BRL"}, "payment_reference": "steal"},
        )
        _problem(paid, 404)
    assert api.get(f"/v1/debts/{mine['id']}").json()["paid"]["amount_minor"] == 0


def test_payment_errors(api: httpx.Client) -> None:
    debt = api.post("/v1/debts", json=debt_body("pay-errors")).json()
    wrong_currency = api.post(
        f"/v1/debts/{debt['id']}/payments",
        json={"amount": {"amount_minor": 100, "currency": "USD"}, "payment_reference": "p1"},
    )
    assert "amount.currency" in _fields(_problem(wrong_currency, 422))
    settle = {"amount": {"amount_minor": 15000, "currency": "BRL"}, "payment_reference": "p2"}
    assert api.post(f"/v1/debts/{debt['id']}/payments", json=settle).status_code == 201
    late = {"amount": {"amount_minor": 100, "currency": "BRL"}, "payment_reference": "p3"}
    _problem(api.post(f"/v1/debts/{debt['id']}/payments", json=late), 409)
    _problem(api.get("/v1/debts/does-not-exist"), 404)
