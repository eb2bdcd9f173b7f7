"""The PIX webhook: signature checked, payments read with exact cents, bad items named."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from cordial_gateway.domain.pix_hooks import BadNotification, PixPayment, outcome, payments, signature_ok


def test_signature_is_hmac_sha256_of_the_body() -> None:
    body = b'{"pix": []}'
    good = "sha256=" + hmac.new(b"secret", body, hashlib.sha256).hexdigest()
    assert signature_ok("secret", body, good)
    assert not signature_ok("secret", body + b" ", good)
    assert not signature_ok("", body, "sha256=" + hmac.new(b"", body, hashlib.sha256).hexdigest())
    assert not signature_ok("secret", body, None)


def test_payments_in_minor_units_and_chargeless_ignored() -> None:
    payload = {
        "pix": [
            {"endToEndId": "E1", "txid": "t" * 32, "valor": "1234.05", "horario": "2026-03-03T10:00:00Z"},
            {"endToEndId": "E2", "valor": "1.00"},
        ]
    }
    assert payments(payload) == [PixPayment("E1", "t" * 32, 123_405)]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "pix"),
        ({"pix": ["x"]}, "pix[0]"),
        ({"pix": [{"txid": "t", "valor": "1.00"}]}, "pix[0].endToEndId"),
        ({"pix": [{"endToEndId": "E", "txid": "t", "valor": "1.5"}]}, "pix[0].valor"),
        ({"pix": [{"endToEndId": "E", "txid": "t", "valor": 1.5}]}, "pix[0].valor"),
    ],
)
def test_bad_notifications_name_the_field(payload: object, field: str) -> None:
    with pytest.raises(BadNotification) as raised:
        payments(payload)
    assert raised.value.field == field


def test_each_payment_answers_recorded_unapplied_with_why_or_duplicate() -> None:
    assert outcome("E1", True) == {"endToEndId": "E1", "status": "recorded"}
    assert outcome("E1", True, "debt_closed") == {
        "endToEndId": "E1",
        "status": "unapplied",
        "reason": "debt_closed",
    }
    assert outcome("E1", False, "debt_closed") == {"endToEndId": "E1", "status": "duplicate"}
