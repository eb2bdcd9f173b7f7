"""A token bucket on given time: pure, so tests and benches move the time themselves (a provider's rate)."""

from __future__ import annotations


class TokenBucket:
    """At most ``rate`` per second on average, ``burst`` at once; a take reserves a token and says how long to wait."""

    def __init__(self, rate: float, burst: int, now: float) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._at = now

    def take(self, now: float) -> float:
        """Reserves one token; the seconds after ``now`` to wait before using it (0 when available now).

        Asked for a moment before the latest one it saw, it serves no earlier than that latest one.
        """
        if now > self._at:
            self._tokens = min(float(self.burst), self._tokens + (now - self._at) * self.rate)
            self._at = now
        self._tokens -= 1.0
        # A negative balance is a queue of reservations, each served 1/rate after the previous.
        slot = self._at + (0.0 if self._tokens >= 0 else -self._tokens / self.rate)
        return max(0.0, slot - now)

    def full(self, now: float) -> bool:
        """True when, at ``now``, the bucket has refilled to its burst: it holds no reservation."""
        return now >= self._at and self._tokens + (now - self._at) * self.rate >= self.burst
