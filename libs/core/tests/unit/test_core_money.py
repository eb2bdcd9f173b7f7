"""Money: integer minor units, one currency at a time, never a float."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cordial.types.v1 import types_pb2
from cordial_core.money import Money


def test_add_and_subtract() -> None:
    assert Money(150, "BRL") + Money(50, "BRL") == Money(200, "BRL")
    assert Money(150, "BRL") - Money(200, "BRL") == Money(-50, "BRL")


def test_mixing_currencies_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot mix BRL and USD"):
        Money(1, "BRL") + Money(1, "USD")
    with pytest.raises(ValueError, match="cannot mix"):
        Money(1, "BRL") - Money(1, "USD")


@pytest.mark.parametrize("amount", [1.0, 1.5, "100", True, None])
def test_non_int_amounts_are_refused(amount: object) -> None:
    with pytest.raises(TypeError):
        Money(amount, "BRL")  # type: ignore[arg-type]


@pytest.mark.parametrize("currency", ["brl", "BR", "BRLL", "B1L", "", "R$ "])
def test_bad_currency_is_refused(currency: str) -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        Money(1, currency)


def test_immutable() -> None:
    m = Money(1, "BRL")
    with pytest.raises(AttributeError):
        m.amount_minor = 2  # type: ignore[misc]


@given(st.integers(min_value=-(2**63), max_value=2**63 - 1), st.sampled_from(["BRL", "USD", "EUR"]))
def test_proto_and_doc_round_trips(amount: int, currency: str) -> None:
    money = Money(amount, currency)
    proto = money.to_proto()
    assert isinstance(proto, types_pb2.Money)
    assert Money.from_proto(types_pb2.Money.FromString(proto.SerializeToString())) == money
    assert money.to_doc() == {"amount_minor": amount, "currency": currency}
    assert Money.from_doc(money.to_doc()) == money
