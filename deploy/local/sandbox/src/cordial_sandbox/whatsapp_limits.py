"""The Cloud API's send limits as the real API answers them: throughput per business number, and the pair rate.

Throughput: one business phone number takes at most ``rate`` messages (80 by default) in any one-second
window; past it the API answers Graph code 130429 "(#130429) Rate limit hit" (details: "Cloud API message
throughput has been reached."). Pair rate: one business number may message one WhatsApp user once every
``pair_seconds`` (6 by default); sooner it answers 131056 "(#131056) (Business Account, Consumer Account) pair
rate limit hit". Meta's error-code table gives both as 400 Bad Request (some providers' pages say 429; a
client should go by the Graph code, as Meta advises). A refused request is not delivered and takes nothing
from either limit; refusals are counted per code, beside the busiest one-second window and the closest two
messages to one user that were taken, for a bench to read at ``GET /sandbox/whatsapp/limits``.

A request's time is when it arrived, stamped by ``ArrivalStamp`` before routing, body reading and validation
(on the sandbox's clock, a simulation's shared one included), so the sandbox's own handling does not bunch
requests that came apart.
"""

import bisect
import collections
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

THROUGHPUT = 130429
PAIR_RATE = 131056
# Where ArrivalStamp leaves a request's arrival (seconds) in the ASGI scope's state.
ARRIVED = "arrived_at"


@dataclass(frozen=True)
class Limits:
    """Messages per second per business number, and the seconds between two messages to one user (0: none)."""

    rate: int = 80
    pair_seconds: float = 6.0


class ArrivalStamp:
    """ASGI middleware noting when each HTTP request arrived, before anything else the sandbox does with it."""

    def __init__(self, app: ASGIApp, clock: Callable[[], datetime]) -> None:
        """Wrap ``app``; arrivals are read from ``clock``."""
        self._app = app
        self._clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Stamp an HTTP request's scope, then hand it on."""
        if scope["type"] == "http":
            scope.setdefault("state", {})[ARRIVED] = self._clock().timestamp()
        await self._app(scope, receive, send)


class SendLimits:
    """Thread-safe throughput and pair-rate windows of the messages taken, with their counts."""

    def __init__(self, limits: Limits) -> None:
        """Start empty under ``limits``."""
        self._lock = threading.Lock()
        self.configure(limits)

    def configure(self, limits: Limits) -> None:
        """Apply new limits and forget every window and count."""
        with self._lock:
            self.limits = limits
            # Arrivals taken per business number, in order, kept for two seconds past the latest.
            self._taken: dict[str, list[float]] = collections.defaultdict(list)
            self._last: dict[tuple[str, str], float] = {}
            self._accepted = 0
            self._refused = {THROUGHPUT: 0, PAIR_RATE: 0}
            self._busiest = 0
            self._closest: float | None = None

    def admit(self, number: str, user: str, at: float) -> int | None:
        """Take one message from a business number to a user, arrived at ``at`` seconds: None, or the refusing code."""
        with self._lock:
            taken = self._taken[number]
            busiest = _busiest_with(taken, at)
            if busiest > self.limits.rate:
                self._refused[THROUGHPUT] += 1
                return THROUGHPUT
            last = self._last.get((number, user))
            gap = abs(at - last) if last is not None else None
            if gap is not None and gap < self.limits.pair_seconds:
                self._refused[PAIR_RATE] += 1
                return PAIR_RATE
            bisect.insort(taken, at)
            del taken[: bisect.bisect_left(taken, taken[-1] - 2.0)]
            self._last[(number, user)] = max(at, last or at)
            self._accepted += 1
            self._busiest = max(self._busiest, busiest)
            if gap is not None:
                self._closest = gap if self._closest is None else min(self._closest, gap)
            return None

    def report(self) -> dict[str, Any]:
        """The limits, the messages taken and refused, the busiest second and the closest pair taken."""
        with self._lock:
            return {
                "rate": self.limits.rate,
                "pair_seconds": self.limits.pair_seconds,
                "accepted": self._accepted,
                "refused": {str(code): count for code, count in self._refused.items()},
                "busiest_second": self._busiest,
                "closest_pair_seconds": self._closest,
            }


def _busiest_with(taken: list[float], at: float) -> int:
    """The most messages in any one-second window holding ``at``, were it taken (arrivals may be handled out of order).

    A window (end - 1, end] holding ``at`` has its end in [at, at + 1); the fullest ends at ``at`` or at a later
    arrival, so only those ends are counted.
    """
    ends = [at, *taken[bisect.bisect_right(taken, at) : bisect.bisect_left(taken, at + 1.0)]]
    most = 0
    for end in ends:
        inside = bisect.bisect_right(taken, end) - bisect.bisect_right(taken, end - 1.0)
        most = max(most, inside + 1)  # the arrival itself lies in every such window
    return most
