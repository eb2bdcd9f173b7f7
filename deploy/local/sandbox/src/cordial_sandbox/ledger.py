"""What the sandbox's lookup provider was paid for: per number and per second."""

import threading
from collections import Counter


class LookupLedger:
    """Thread-safe count of paid lookups, per number and per second of the sandbox clock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._per_number: Counter[str] = Counter()
        self._per_second: Counter[int] = Counter()

    def record(self, number: str, second: int) -> None:
        """Counts one lookup."""
        with self._lock:
            self._per_number[number] += 1
            self._per_second[second] += 1

    def report(self) -> dict[str, int]:
        """Totals, the most lookups of one number, and the most in one second."""
        with self._lock:
            return {
                "total": sum(self._per_number.values()),
                "per_number_max": max(self._per_number.values(), default=0),
                "max_per_second": max(self._per_second.values(), default=0),
            }

    def clear(self) -> None:
        """Forgets every lookup."""
        with self._lock:
            self._per_number.clear()
            self._per_second.clear()
