"""Injected failures: make the next N requests on a channel fail with a given status.

Providers call ``take(channel)`` after authenticating a request; a non-``None``
result is the HTTP status to answer with (in the provider's own error shape), and
the request is then not recorded in the inbox.
"""

import threading


class FaultInjector:
    """Thread-safe per-channel countdown of forced error statuses."""

    def __init__(self) -> None:
        """Create an injector with no faults armed."""
        self._lock = threading.Lock()
        self._armed: dict[str, tuple[int, int]] = {}

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

    def clear(self) -> None:
        """Disarm every fault."""
        with self._lock:
            self._armed.clear()
