"""Providers' rate limits as the sandbox enforces them: at most N accepted requests in any sliding one-second window.

A channel with a configured rate (``--rate lookup=100`` at start, or ``POST /sandbox/rates``; 0 turns it off)
refuses a request that would make N + 1 accepted requests within one second of each other; the provider answers
it with its own 429 shape (Lookup: Twilio's code 20429) and it is counted, as is every accepted one.
"""

import collections
import math
import threading
from dataclasses import dataclass, field


@dataclass
class SlidingWindow:
    """One channel's limit and what it saw: accepted requests' times within the last second, and counts."""

    per_second: int
    recent: collections.deque[float] = field(default_factory=collections.deque)
    accepted: int = 0
    rejected: int = 0
    most: int = 0

    def admit(self, now: float) -> bool:
        """Accepts a request at ``now`` (seconds) unless the last second already holds ``per_second`` of them."""
        while self.recent and self.recent[0] <= now - 1.0:
            self.recent.popleft()
        if self.per_second > 0 and len(self.recent) >= self.per_second:
            self.rejected += 1
            return False
        self.recent.append(now)
        self.accepted += 1
        self.most = max(self.most, len(self.recent))
        return True

    def report(self) -> dict[str, int]:
        """The limit and the counts."""
        return {
            "per_second": self.per_second,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "most_in_one_second": self.most,
        }


class RateLimits:
    """Each channel's sliding window, thread-safe; channels without a rate are counted, never refused."""

    def __init__(self, configured: dict[str, float] | None = None) -> None:
        self._lock = threading.Lock()
        self._configured = {channel: math.floor(rate) for channel, rate in (configured or {}).items()}
        self._windows: dict[str, SlidingWindow] = {}
        self.clear()

    def admit(self, channel: str, now: float) -> bool:
        """Whether a request on the channel at ``now`` is within its rate (counted either way)."""
        with self._lock:
            window = self._windows.setdefault(channel, SlidingWindow(0))
            return window.admit(now)

    def configure(self, channel: str, per_second: float) -> None:
        """Sets a channel's rate (0: no limit), starting its counts afresh."""
        with self._lock:
            self._windows[channel] = SlidingWindow(math.floor(per_second))

    def report(self) -> dict[str, dict[str, int]]:
        """Every channel's limit and counts."""
        with self._lock:
            return {channel: window.report() for channel, window in self._windows.items()}

    def clear(self) -> None:
        """Zeroes the counts and restores the rates configured at start."""
        with self._lock:
            self._windows = {channel: SlidingWindow(rate) for channel, rate in self._configured.items()}
