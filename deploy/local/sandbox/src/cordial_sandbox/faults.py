"""Injected failures: make the next N requests on a channel fail with a given status.

Providers call ``take(channel)`` after authenticating a request; a non-``None``
result is the HTTP status to answer with (in the provider's own error shape), and
the request is then not recorded in the inbox.

A stall is the other way to fail: the provider accepts and records the request,
then waits before answering, so a client can be killed after the provider took the
message but before it learned so (the crash window of exactly-once sending).
"""

import threading


class FaultInjector:
    """Thread-safe per-channel countdown of forced error statuses."""

    def __init__(self) -> None:
        """Create an injector with no faults armed."""
        self._lock = threading.Lock()
        self._armed: dict[str, tuple[int, int]] = {}
        self._stalls: dict[str, tuple[float, int]] = {}

    def arm_stall(self, channel: str, seconds: float, count: int) -> None:
        """Make the next ``count`` accepted requests on ``channel`` answer only after ``seconds``."""
        with self._lock:
            if count <= 0:
                self._stalls.pop(channel, None)
            else:
                self._stalls[channel] = (seconds, count)

    def take_stall(self, channel: str) -> float | None:
        """Consume one armed stall for ``channel`` and return its delay, if any."""
        with self._lock:
            armed = self._stalls.get(channel)
            if armed is None:
                return None
            seconds, remaining = armed
            if remaining <= 1:
                del self._stalls[channel]
            else:
                self._stalls[channel] = (seconds, remaining - 1)
            return seconds

    def arm(self, channel: str, status: int, count: int) -> None:
        """Make the next ``count`` requests on ``channel`` fail with ``status`` (0 disarms)."""
        with self._lock:
            if count <= 0:
                self._armed.pop(channel, None)
            else:
                self._armed[channel] = (status, count)

    def take(self, channel: str) -> int | None:
        """Consume one armed fault for ``channel`` and return its status, if any."""
        with self._lock:
            armed = self._armed.get(channel)
            if armed is None:
                return None
            status, remaining = armed
            if remaining <= 1:
                del self._armed[channel]
            else:
                self._armed[channel] = (status, remaining - 1)
            return status

    def pending(self) -> dict[str, dict[str, int]]:
        """Return the armed faults as ``{channel: {status, count}}``."""
        with self._lock:
            return {c: {"status": s, "count": n} for c, (s, n) in self._armed.items()}

    def stalls(self) -> dict[str, dict[str, float]]:
        """Return the armed stalls as ``{channel: {seconds, count}}``."""
        with self._lock:
            return {c: {"seconds": s, "count": n} for c, (s, n) in self._stalls.items()}

    def clear(self) -> None:
        """Disarm every fault and stall."""
        with self._lock:
            self._armed.clear()
            self._stalls.clear()
