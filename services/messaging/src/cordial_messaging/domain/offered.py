"""Contact points a debtor offers in a reply ("meu novo número é ..."): phones and e-mails found in the text."""

from __future__ import annotations

import re

import phonenumbers

from cordial.types.v1 import types_pb2

# Pragmatic, not RFC 5322: what people type in a chat message; contact-locator validates it again.
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
MAX_OFFERED = 5


def offered_contacts(text: str, sender: str, region: str = "BR") -> list[tuple[int, str]]:
    """The phones (E.164) and e-mails in a reply, the sender's own address left out, at most a handful."""
    found: dict[str, int] = {}
    for match in phonenumbers.PhoneNumberMatcher(text, region):
        number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        if _digits(number) != _digits(sender):
            found.setdefault(number, types_pb2.CONTACT_KIND_PHONE)
    for email in _EMAIL.findall(text):
        if email.lower() != sender.lower():
            found.setdefault(email.lower(), types_pb2.CONTACT_KIND_EMAIL)
    return [(kind, value) for value, kind in list(found.items())[:MAX_OFFERED]]


def _digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())
