"""Opt-outs across clients: a value the debtor asked us to stop using on a channel is off it for every client.

Contact points belong to one client (tenant), but the agency's numbers carry every client's messages, and an
opt-out is the person's wish, not one creditor's: "SAIR" answering one client's message stops that channel to
that value for the debtor's debts at every client. So it is also kept agency-wide, per debtor, value (by keyed
hash, never the value itself) and channel, as wrong parties are.
"""

from __future__ import annotations

from typing import Protocol


class OptedOutValues(Protocol):
    """Values per debtor and channel the debtor opted out of, agency-wide."""

    async def mark(self, debtor_id: str, value_key: str, channel: int, source: str) -> None: ...
    async def of_debtor(self, debtor_id: str) -> set[tuple[str, int]]: ...
