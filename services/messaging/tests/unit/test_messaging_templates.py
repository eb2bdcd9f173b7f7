"""Money as each locale's reader expects it."""

from __future__ import annotations

import pytest

from cordial_core.money import Money
from cordial_messaging.domain.templates import format_money


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


def test_format_money_in_english() -> None:
    assert format_money(Money(123456789, "USD"), "en") == "US$ 1,234,567.89"
