"""Rules of a batch of debts that no single item can check alone: duplicate references and the amount ceiling."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_ITEMS = 10_000


@dataclass
class ItemResult:
    """What became of one item: placed (created or already there) or rejected with the fields at fault."""

    index: int
    reference: str
    status: str = "rejected"
    debt_id: str = ""
    errors: list[dict[str, str]] = field(default_factory=list)

    def reject(self, item_field: str, reason: str) -> None:
        """Adds an error naming ``items[i].<field>``."""
        self.status = "rejected"
        suffix = f".{item_field}" if item_field else ""
        self.errors.append({"field": f"items[{self.index}]{suffix}", "reason": reason})


def duplicates(references: list[str]) -> dict[int, int]:
    """Index -> index of the first item with the same non-empty reference, for every later repeat."""
    first: dict[str, int] = {}
    repeats = {}
    for index, reference in enumerate(references):
        if not reference:
            continue
        if reference in first:
            repeats[index] = first[reference]
        else:
            first[reference] = index
    return repeats


def over_ceiling(amount_minor: int, ceiling_minor: int) -> str | None:
    """Why an amount is refused by the configured ceiling, or None."""
    if amount_minor > ceiling_minor:
        return f"is over the ceiling of {ceiling_minor} minor units this installation accepts per debt"
    return None
