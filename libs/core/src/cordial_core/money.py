"""Money as integer minor units of an ISO 4217 currency; never a float."""

from __future__ import annotations

from dataclasses import dataclass

from cordial.types.v1 import types_pb2


@dataclass(frozen=True)
class Money:
    """An amount in minor units (cents) and its currency."""

    amount_minor: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount_minor, int) or isinstance(self.amount_minor, bool):
            raise TypeError("amount_minor must be an int")
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValueError("currency must be an ISO 4217 code")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount_minor + other.amount_minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount_minor - other.amount_minor, self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot mix {self.currency} and {other.currency}")

    def to_proto(self) -> types_pb2.Money:
        """The wire form."""
        return types_pb2.Money(amount_minor=self.amount_minor, currency=self.currency)

    @classmethod
    def from_proto(cls, message: types_pb2.Money) -> Money:
        """Parses the wire form."""
        return cls(int(message.amount_minor), message.currency)

    def to_doc(self) -> dict[str, int | str]:
        """The stored form."""
        return {"amount_minor": self.amount_minor, "currency": self.currency}

    @classmethod
    def from_doc(cls, doc: dict[str, int | str]) -> Money:
        """Parses the stored form."""
        return cls(int(doc["amount_minor"]), str(doc["currency"]))
