"""The rules a debt placed through the client API must meet, each naming what is wrong."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
import pycountry
from email_validator import EmailNotValidError, validate_email
from validate_docbr import CNPJ, CPF

DEFAULT_REGION = "BR"
_NON_DIGITS = re.compile(r"\D")


def check_document(kind: str, document: str) -> str:
    """Digits of a valid CPF (person) or CNPJ (company); ValueError says why not."""
    digits = _NON_DIGITS.sub("", document)
    if kind == "person":
        if len(digits) != 11 or not CPF().validate(digits):
            raise ValueError("is not a valid CPF (11 digits with correct check digits)")
    elif len(digits) != 14 or not CNPJ().validate(digits):
        raise ValueError("is not a valid CNPJ (14 digits with correct check digits)")
    return digits


def check_currency(code: str) -> str:
    """An ISO 4217 alphabetic code."""
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code.upper()) is None or code != code.upper():
        raise ValueError("is not an ISO 4217 currency code (e.g. BRL)")
    return code


def check_amount(amount_minor: int) -> int:
    """A positive amount in minor units."""
    if amount_minor <= 0:
        raise ValueError("must be greater than zero (minor units, e.g. cents)")
    return amount_minor


def check_phone(raw: str) -> str:
    """A valid phone number (Brazilian unless it starts with +)."""
    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise ValueError("is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("is not a valid phone number")
    return raw


def check_email(raw: str) -> str:
    """A syntactically valid e-mail address."""
    try:
        validate_email(raw, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"is not a valid e-mail address: {exc}") from None
    return raw


def check_time_zone(name: str) -> str:
    """An IANA time zone name."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("is not an IANA time zone (e.g. America/Sao_Paulo)") from None
    return name
