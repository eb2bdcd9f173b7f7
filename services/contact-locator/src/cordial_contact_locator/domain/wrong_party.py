"""Wrong parties: a value someone else answered ("not me") is never used for that debtor again, for any client.

Contact points belong to one client (tenant), but a person's debts at several clients share the debtor id, and
a number that reached someone else at one client would expose another client's debt to that same stranger.
So "not me" is also remembered agency-wide, per debtor and value (by keyed hash, never the value itself).
"""

from __future__ import annotations

from typing import Protocol

from cordial_core.ids import stable_id


class WrongParties(Protocol):
    """Values per debtor that reached someone else, agency-wide."""

    async def mark(self, debtor_id: str, value_key: str, reason: str) -> None: ...
    async def of_debtor(self, debtor_id: str) -> set[str]: ...


def value_key(debtor_id: str, kind: int, value_hash: str) -> str:
    """The same key for the same debtor and value whichever client supplied it."""
    return stable_id(debtor_id, str(kind), value_hash)
