"""Templates: money as a Brazilian reader expects it; a missing variable is an error."""

from __future__ import annotations

import pytest
from jinja2.exceptions import SecurityError, UndefinedError

from cordial_core.money import Money
from cordial_messaging.domain.templates import DEFAULT_TEMPLATES, Template, format_money, render


@pytest.mark.parametrize(
    ("minor", "text"),
    [
        (0, "R$ 0,00"),
        (5, "R$ 0,05"),
        (99, "R$ 0,99"),
        (100, "R$ 1,00"),
        (150000, "R$ 1.500,00"),
        (123456789, "R$ 1.234.567,89"),
        (-5, "-R$ 0,05"),
    ],
)
def test_format_money_brl(minor: int, text: str) -> None:
    assert format_money(Money(minor, "BRL")) == text


def test_format_money_other_currencies() -> None:
    assert format_money(Money(1050, "USD")) == "US$ 10,50"
    assert format_money(Money(1050, "EUR")) == "€ 10,50"
    assert format_money(Money(1050, "GBP")) == "GBP 10,50"


def test_render_default_reminder() -> None:
    template = DEFAULT_TEMPLATES[("reminder", "pt-BR")]
    text = render(template, {"creditor": "Loja X", "amount": "R$ 150,00", "link": "https://pay.example/d1"})
    assert "Loja X" in text
    assert "R$ 150,00" in text
    assert "https://pay.example/d1" in text
    assert "{{" not in text


def test_render_missing_variable_raises() -> None:
    template = DEFAULT_TEMPLATES[("reminder", "pt-BR")]
    with pytest.raises(UndefinedError, match="link"):
        render(template, {"creditor": "Loja X", "amount": "R$ 150,00"})


def test_render_does_not_escape_or_interpret_values() -> None:
    template = Template("t", "pt-BR", "reminder", "{{ creditor }}")
    assert render(template, {"creditor": "A & B <x> {{ y }}"}) == "A & B <x> {{ y }}"


def test_render_is_sandboxed() -> None:
    template = Template("t", "pt-BR", "reminder", "{{ creditor.__class__.__mro__ }}")
    with pytest.raises(SecurityError):
        render(template, {"creditor": "x"})
