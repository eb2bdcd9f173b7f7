"""Send pacing: each provider's rate (WhatsApp Cloud API: 80 messages/s per number by default) and a
minimum spacing between two messages to the same person.

A provider's rate is shared by every instance when a SharedSlots store is wired, through the cells of
``cordial_core.rate_cells``: each cell is claimed by one send, which must start inside it (a send that finds
its cell gone by the time it is ready takes another); no one-second window ever holds more than the rate
(79/s at 80/s). Otherwise the bucket lives in the process and each instance should be given its share.

The recipient's spacing S is kept in the process and, with a SharedSlots store, across instances too (a
number two debtors share, a partition moving in a rebalance): time is cut into windows of S, and a send in
window k marks windows k and k+1 for the recipient, each mark taken once. A send in window k+1 then finds
its first mark taken and waits for k+2, so two sends to one person are always at least S apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from cordial_core.clock import Clock
from cordial_core.rate_cells import SharedCells, Sleep, cell_span, cells_per_claim, claim_cell, start_in_cell
from cordial_core.rate_limit import TokenBucket


@dataclass(frozen=True)
class Pace:
    """A provider's rate and burst, and the seconds to leave between two messages to one recipient."""

    rate: float
    burst: int
    per_recipient_seconds: float


# A burst of 1 spreads sends evenly, so no one-second window ever holds more than the rate.
DEFAULT_PACE = Pace(rate=80.0, burst=1, per_recipient_seconds=6.0)


class SharedSlots(SharedCells, Protocol):
    """A provider's send cells shared by every instance (each taken by one send, once), and recipients' marks."""

    async def marks(self, keys: list[str]) -> int:
        """Takes named marks in order, each once, stopping at the first already taken: how many it took."""
        ...


class Throttle:
    """Says how long to wait before a send so no recipient's spacing and no provider's rate is breached.

    A sender claims the recipient (or is told how long to defer), records its attempt, then waits for a
    provider cell (or the in-process bucket) before each request, and counts the spacing from that moment.
    """

    def __init__(self, paces: dict[str, Pace], default: Pace = DEFAULT_PACE) -> None:
        self._paces = paces
        self._default = default
        self._providers: dict[str, TokenBucket] = {}
        self._next: dict[tuple[str, str], float] = {}

    def recipient_wait(self, provider: str, recipient: str, now: float) -> float:
        """Seconds until this recipient may get another message from this provider."""
        return max(0.0, self._next.get((provider, recipient), now) - now)

    def provider_wait(self, provider: str, now: float) -> float:
        """Reserves the provider's next slot; the seconds to wait for it."""
        pace = self._paces.get(provider, self._default)
        return self._providers.setdefault(provider, TokenBucket(pace.rate, pace.burst, now)).take(now)

    def claim(self, provider: str, recipient: str, now: float) -> bool:
        """Marks a send to the recipient now; False when its spacing has not passed (send nothing then)."""
        key = (provider, recipient)
        if self._next.get(key, now) > now:
            return False
        if len(self._next) > 100_000:
            self._next = {k: t for k, t in self._next.items() if t > now}
        self._next[key] = now + self._paces.get(provider, self._default).per_recipient_seconds
        return True

    def touch(self, provider: str, recipient: str, now: float) -> None:
        """Counts the recipient's spacing from now, when the message actually goes (the claim came a little earlier)."""
        key = (provider, recipient)
        if key in self._next:
            self._next[key] = now + self._paces.get(provider, self._default).per_recipient_seconds

    def cell(self, provider: str) -> tuple[float, float]:
        """A shared send cell of this provider: its length in seconds, and how far into it a send may start.

        One send starting inside each cell keeps every one-second window within floor(rate) sends.
        """
        return cell_span(self._paces.get(provider, self._default).rate)

    def cells_per_claim(self, provider: str) -> int:
        """Shared cells to claim at once for this provider: about a quarter second of its rate (at least eight)."""
        return cells_per_claim(self._paces.get(provider, self._default).rate)

    async def shared_cell(self, slots: SharedSlots, provider: str, now: float) -> tuple[float, float]:
        """Claims the provider's next free shared cell: when a send may start in it and the moment it no longer may."""
        return await claim_cell(slots, provider, self._paces.get(provider, self._default).rate, now)

    async def shared_start(self, slots: SharedSlots, provider: str, clock: Clock, sleep: Sleep) -> None:
        """Waits until a send may start inside a shared cell of its own (another if its cell passed meanwhile)."""
        await start_in_cell(slots, provider, self._paces.get(provider, self._default).rate, clock, sleep)

    async def shared_recipient_wait(self, slots: SharedSlots, provider: str, recipient: str, now: float) -> float:
        """Claims the recipient's spacing across instances: 0 when this send may go now, else seconds to wait."""
        spacing = self._paces.get(provider, self._default).per_recipient_seconds
        if spacing <= 0:
            return 0.0
        window = math.floor(now / spacing)
        taken = await slots.marks([f"{provider}:{recipient}:{window}", f"{provider}:{recipient}:{window + 1}"])
        return 0.0 if taken == 2 else (window + 1 + taken) * spacing - now
