"""Send pacing: each provider's rate (WhatsApp Cloud API: 80 messages/s per number by default) and a
minimum spacing between two messages to the same person, both as token buckets on the clock's time.

The buckets live in the process: with several instances, give each its share of the provider's rate.
"""

from __future__ import annotations

from dataclasses import dataclass

from cordial_core.rate_limit import TokenBucket


@dataclass(frozen=True)
class Pace:
    """A provider's rate and burst, and the seconds to leave between two messages to one recipient."""

    rate: float
    burst: int
    per_recipient_seconds: float


DEFAULT_PACE = Pace(rate=80.0, burst=80, per_recipient_seconds=6.0)


class Throttle:
    """Says how long to wait before a send so no recipient's spacing and no provider's rate is breached."""

    def __init__(self, paces: dict[str, Pace], default: Pace = DEFAULT_PACE) -> None:
        self._paces = paces
        self._default = default
        self._providers: dict[str, TokenBucket] = {}
        self._recipients: dict[tuple[str, str], TokenBucket] = {}

    def recipient_wait(self, provider: str, recipient: str, now: float) -> float:
        """Reserves the recipient's next slot on this provider; the seconds to wait for it."""
        pace = self._paces.get(provider, self._default)
        return self._recipient_bucket(provider, recipient, pace, now).take(now)

    def provider_wait(self, provider: str, now: float) -> float:
        """Reserves the provider's next slot; asked once the recipient's wait is over, so slots go in time order."""
        pace = self._paces.get(provider, self._default)
        return self._providers.setdefault(provider, TokenBucket(pace.rate, pace.burst, now)).take(now)

    def _recipient_bucket(self, provider: str, recipient: str, pace: Pace, now: float) -> TokenBucket:
        if len(self._recipients) > 100_000:
            self._forget_idle(now)
        key = (provider, recipient)
        bucket = self._recipients.get(key)
        if bucket is None:
            bucket = TokenBucket(1.0 / pace.per_recipient_seconds, 1, now)
            self._recipients[key] = bucket
        return bucket

    def _forget_idle(self, now: float) -> None:
        """Drops recipients whose spacing has passed: a fresh bucket says the same."""
        self._recipients = {k: b for k, b in self._recipients.items() if not b.full(now)}
