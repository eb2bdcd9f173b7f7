"""Normalising contact values: one canonical form, or the reason it is invalid."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cordial.types.v1 import types_pb2
from cordial_contact_locator.domain.contact_point import (
    CHANNELS_BY_KIND,
    ContactPoint,
    normalise,
    normalise_email,
    normalise_phone,
)


@pytest.mark.parametrize(
    "raw",
    [
        "11987654321",
        "(11) 98765-4321",
        "11 98765 4321",
        "+55 11 98765-4321",
        "+5511987654321",
        "011 98765-4321",
        "+55 (11) 9 8765-4321",
    ],
)
def test_brazilian_mobile_in_any_format_is_the_same_e164(raw: str) -> None:
    result = normalise_phone(raw)
    assert result.valid is True
    assert result.value == "+5511987654321"
    assert result.reason == ""
    assert result.line_type == "mobile"


def test_landline_is_recognised() -> None:
    result = normalise_phone("(11) 3456-7890")
    assert result.valid is True
    assert result.value == "+551134567890"
    assert result.line_type == "landline"


def test_foreign_number_with_plus_keeps_its_country() -> None:
    result = normalise_phone("+1 202-555-0143")
    assert result.value.startswith("+1")


@pytest.mark.parametrize("raw", ["123", "1198765432", "0000000000", "abc", "", "+55 11 1234"])
def test_invalid_phone_keeps_raw_value_and_says_why(raw: str) -> None:
    result = normalise_phone(raw)
    assert result.valid is False
    assert result.value == raw
    assert result.reason
    assert result.line_type == ""


def test_email_is_normalised() -> None:
    result = normalise_email("Ana.Silva@Example.COM")
    assert result.valid is True
    assert result.value == "Ana.Silva@example.com"
    assert result.reason == ""


@pytest.mark.parametrize("raw", ["nope", "a@", "@example.com", "a b@example.com", ""])
def test_invalid_email_says_why(raw: str) -> None:
    result = normalise_email(raw)
    assert result.valid is False
    assert result.value == raw
    assert result.reason


def test_normalise_dispatches_by_kind() -> None:
    assert normalise(types_pb2.CONTACT_KIND_PHONE, "(11) 98765-4321").value == "+5511987654321"
    assert normalise(types_pb2.CONTACT_KIND_EMAIL, "a@Example.com").value == "a@example.com"
    address = normalise(types_pb2.CONTACT_KIND_ADDRESS, "  Rua A, 1  ")
    assert (address.value, address.valid) == ("Rua A, 1", True)
    empty = normalise(types_pb2.CONTACT_KIND_ADDRESS, "   ")
    assert empty.valid is False
    assert empty.reason == "empty address"
    unknown = normalise(types_pb2.CONTACT_KIND_UNSPECIFIED, "x")
    assert unknown.valid is False
    assert unknown.reason == "unknown contact kind"


def point(kind: int, valid: bool = True) -> ContactPoint:
    return ContactPoint("c1", "t1", "p1", kind, "v", valid, "", "client", datetime(2024, 3, 4, tzinfo=UTC))


def test_channels_by_kind() -> None:
    assert point(types_pb2.CONTACT_KIND_PHONE).channels == (types_pb2.CHANNEL_WHATSAPP, types_pb2.CHANNEL_SMS)
    assert point(types_pb2.CONTACT_KIND_EMAIL).channels == (types_pb2.CHANNEL_EMAIL,)
    assert point(types_pb2.CONTACT_KIND_ADDRESS).channels == (types_pb2.CHANNEL_LETTER,)
    assert point(types_pb2.CONTACT_KIND_UNSPECIFIED).channels == ()
    assert set(CHANNELS_BY_KIND) == {
        types_pb2.CONTACT_KIND_PHONE,
        types_pb2.CONTACT_KIND_EMAIL,
        types_pb2.CONTACT_KIND_ADDRESS,
    }


def test_invalid_point_has_no_channels() -> None:
    for kind in CHANNELS_BY_KIND:
        assert point(kind, valid=False).channels == ()
