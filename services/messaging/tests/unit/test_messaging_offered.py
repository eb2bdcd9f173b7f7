"""Contacts a debtor writes in a reply: found in the text, normalised, the sender's own left out."""

from __future__ import annotations

import pytest

from cordial.types.v1 import types_pb2
from cordial_messaging.domain.offered import MAX_OFFERED, offered_contacts

PHONE, EMAIL = types_pb2.CONTACT_KIND_PHONE, types_pb2.CONTACT_KIND_EMAIL


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("meu novo número é (11) 98765-4321", [(PHONE, "+5511987654321")]),
        (
            "liga no 21 99876 5432 ou manda para Maria.S@Example.com.br",
            [(PHONE, "+5521998765432"), (EMAIL, "maria.s@example.com.br")],
        ),
        ("ok, obrigado", []),
        ("paguei dia 10, valor 150,00", []),
        ("este mesmo: +55 11 91234-5678", []),
    ],
)
def test_offered_contacts(text: str, expected: list[tuple[int, str]]) -> None:
    assert offered_contacts(text, "+5511912345678") == expected


def test_at_most_a_handful_are_taken() -> None:
    text = " ".join(f"(11) 9{n}000-000{n}" for n in range(1, 9))
    assert len(offered_contacts(text, "")) == MAX_OFFERED
