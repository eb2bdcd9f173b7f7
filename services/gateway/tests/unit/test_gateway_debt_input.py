"""The rules a placed debt must meet, each saying what is wrong."""

from __future__ import annotations

import pytest

from cordial_gateway.domain.debt_input import (
    check_amount,
    check_currency,
    check_document,
    check_email,
    check_phone,
    check_time_zone,
)

VALID_CPF = "52998224725"
VALID_CNPJ = "11222333000181"


@pytest.mark.parametrize("raw", [VALID_CPF, "529.982.247-25", " 529 982 247 25 "])
def test_valid_cpf_returns_digits(raw: str) -> None:
    assert check_document("person", raw) == VALID_CPF


@pytest.mark.parametrize("raw", [VALID_CNPJ, "11.222.333/0001-81"])
def test_valid_cnpj_returns_digits(raw: str) -> None:
    assert check_document("company", raw) == VALID_CNPJ


@pytest.mark.parametrize("raw", ["52998224726", "52998224715", "11111111111", "5299822472", "529982247250", "", "abc"])
def test_invalid_cpf_is_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="CPF"):
        check_document("person", raw)


@pytest.mark.parametrize("raw", ["11222333000182", "11222333000191", "00000000000000", "1122233300018", ""])
def test_invalid_cnpj_is_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="CNPJ"):
        check_document("company", raw)


def test_document_must_match_kind() -> None:
    with pytest.raises(ValueError, match="CNPJ"):
        check_document("company", VALID_CPF)
    with pytest.raises(ValueError, match="CPF"):
        check_document("person", VALID_CNPJ)


@pytest.mark.parametrize("code", ["BRL", "USD", "EUR"])
def test_known_currency(code: str) -> None:
    assert check_currency(code) == code


@pytest.mark.parametrize("code", ["brl", "Brl", "XYZ", "BR", "BRLL", "", "R$"])
def test_bad_currency(code: str) -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        check_currency(code)


def test_amount() -> None:
    assert check_amount(1) == 1
    assert check_amount(10**12) == 10**12
    for bad in (0, -1):
        with pytest.raises(ValueError, match="greater than zero"):
            check_amount(bad)


@pytest.mark.parametrize("raw", ["(11) 98765-4321", "+55 11 98765-4321", "11987654321", "+1 202-555-0143"])
def test_valid_phone_is_kept_as_given(raw: str) -> None:
    assert check_phone(raw) == raw


@pytest.mark.parametrize(("raw", "reason"), [("123", "not a valid"), ("abc", "not a phone"), ("", "not a phone")])
def test_bad_phone(raw: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        check_phone(raw)


def test_email() -> None:
    assert check_email("ana@example.com") == "ana@example.com"
    for bad in ("nope", "a@", "@x.com", ""):
        with pytest.raises(ValueError, match="e-mail"):
            check_email(bad)


@pytest.mark.parametrize("name", ["America/Sao_Paulo", "America/New_York", "UTC"])
def test_time_zone(name: str) -> None:
    assert check_time_zone(name) == name


@pytest.mark.parametrize("name", ["", "Mars/Base", "../etc/passwd", "America/Sao Paulo"])
def test_bad_time_zone(name: str) -> None:
    with pytest.raises(ValueError, match="IANA"):
        check_time_zone(name)
