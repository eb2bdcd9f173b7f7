"""DebtIn: validation errors point at the exact field."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from cordial_gateway.api.models import DebtIn, PaymentIn

BODY: dict[str, Any] = {
    "client_reference": "inv-2024/001",
    "debtor": {"kind": "person", "document": "529.982.247-25", "name": "Maria da Silva"},
    "principal": {"amount_minor": 15000, "currency": "BRL"},
    "due_date": "2024-01-10",
    "contact_points": {"phones": ["(11) 98765-4321"], "emails": ["maria@example.com"]},
}


def body(**changes: Any) -> dict[str, Any]:
    """BODY with dotted-path changes; a value of ... deletes the key."""
    result = copy.deepcopy(BODY)
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = result
        for part in parents:
            target = target[part]
        if value is ...:
            del target[last]
        else:
            target[last] = value
    return result


def locs(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    with pytest.raises(ValidationError) as caught:
        DebtIn.model_validate(data)
    return [tuple(e["loc"]) for e in caught.value.errors()]


def test_valid_body() -> None:
    debt = DebtIn.model_validate(BODY)
    assert debt.debtor.document == "52998224725"
    assert debt.debtor.time_zone == "America/Sao_Paulo"
    assert debt.principal.amount_minor == 15000
    assert debt.due_date == date(2024, 1, 10)
    assert debt.contact_points.phones == ["(11) 98765-4321"]


def test_company_with_cnpj() -> None:
    debt = DebtIn.model_validate(
        body(debtor={"kind": "company", "document": "11.222.333/0001-81", "name": "ACME", "time_zone": "UTC"})
    )
    assert debt.debtor.document == "11222333000181"


def test_contact_points_are_optional() -> None:
    debt = DebtIn.model_validate(body(contact_points=...))
    assert debt.contact_points.phones == []
    assert debt.contact_points.emails == []


@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        ({"principal__amount_minor": 0}, ("principal", "amount_minor")),
        ({"principal__amount_minor": -1}, ("principal", "amount_minor")),
        ({"principal__amount_minor": 150.0}, ("principal", "amount_minor")),
        ({"principal__amount_minor": "15000"}, ("principal", "amount_minor")),
        ({"principal__amount_minor": True}, ("principal", "amount_minor")),
        ({"principal__amount_minor": ...}, ("principal", "amount_minor")),
        ({"principal__currency": "brl"}, ("principal", "currency")),
        ({"principal__currency": "XYZ"}, ("principal", "currency")),
        ({"client_reference": ""}, ("client_reference",)),
        ({"client_reference": "has space"}, ("client_reference",)),
        ({"client_reference": "x" * 101}, ("client_reference",)),
        ({"debtor__kind": "alien"}, ("debtor", "kind")),
        ({"debtor__name": ""}, ("debtor", "name")),
        ({"debtor__time_zone": "Mars/Base"}, ("debtor", "time_zone")),
        ({"debtor__document": "1" * 33}, ("debtor", "document")),
        ({"due_date": "10/01/2024"}, ("due_date",)),
        ({"contact_points__phones": ["(11) 98765-4321", "123"]}, ("contact_points", "phones", 1)),
        ({"contact_points__emails": ["nope"]}, ("contact_points", "emails", 0)),
        ({"contact_points__phones": ["11987654321"] * 21}, ("contact_points", "phones")),
        ({"surprise": 1}, ("surprise",)),
        ({"principal__cents": 1}, ("principal", "cents")),
    ],
)
def test_errors_name_the_field(changes: dict[str, Any], loc: tuple[Any, ...]) -> None:
    assert locs(body(**changes)) == [loc]


def test_error_message_says_why() -> None:
    with pytest.raises(ValidationError) as caught:
        DebtIn.model_validate(body(principal__currency="brl"))
    assert "ISO 4217" in caught.value.errors()[0]["msg"]


@pytest.mark.parametrize(
    "changes",
    [
        {"debtor__document": "529.982.247-26"},
        {"debtor__kind": "company"},
    ],
)
def test_bad_document_is_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        DebtIn.model_validate(body(**changes))
    [error] = caught.value.errors()
    assert "check digits" in error["msg"]


def test_bad_document_error_names_the_document_field() -> None:
    assert locs(body(debtor__document="529.982.247-26")) == [("debtor", "document")]


def test_payment_in() -> None:
    payment = PaymentIn.model_validate({"amount": {"amount_minor": 100, "currency": "BRL"}, "payment_reference": "p"})
    assert payment.amount.amount_minor == 100
    with pytest.raises(ValidationError) as caught:
        PaymentIn.model_validate({"amount": {"amount_minor": 0, "currency": "BRL"}, "payment_reference": ""})
    found = sorted(tuple(e["loc"]) for e in caught.value.errors())
    assert found == [("amount", "amount_minor"), ("payment_reference",)]
