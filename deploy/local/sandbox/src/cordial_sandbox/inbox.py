"""In-memory record of every outbound message a provider accepted.

Each entry is a dict ``{id, channel, to, body, payload, received_at}`` where
``payload`` is the raw request as the provider received it and ``received_at`` is a
UTC ISO-8601 timestamp; a WhatsApp entry also has ``arrived_at``, when its request arrived (seconds
since the epoch on the sandbox's clock, stamped before it was read), which its limits are timed by.
A lock makes it safe for a single-process uvicorn (handlers may run on the event loop or in worker
threads). Reads return copies.
"""

import copy
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any


def digits(number: str) -> str:
    """Return only the decimal digits of a phone number."""
    return "".join(ch for ch in number if ch.isdigit())


def same_recipient(stored: str, wanted: str) -> bool:
    """E-mail addresses compare case-insensitively, phone numbers by their digits."""
    if "@" in wanted or "@" in stored:
        return stored.strip().lower() == wanted.strip().lower()
    return digits(stored) == digits(wanted)


class Inbox:
    """Thread-safe list of accepted outbound messages."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        """Create an empty inbox that timestamps entries with ``clock``."""
        self._clock = clock
        self._lock = threading.Lock()
        self._messages: list[dict[str, Any]] = []

    def record(
        self, *, id: str, channel: str, to: str, body: str, payload: Any, arrived_at: float | None = None
    ) -> dict[str, Any]:
        """Append one accepted message and return a copy of the stored entry (with its arrival, when stamped)."""
        entry: dict[str, Any] = {
            "id": id,
            "channel": channel,
            "to": to,
            "body": body,
            "payload": copy.deepcopy(payload),
            "received_at": self._clock().isoformat(),
        }
        if arrived_at is not None:
            entry["arrived_at"] = arrived_at
        with self._lock:
            self._messages.append(entry)
        return copy.deepcopy(entry)

    def restore(self, entries: list[dict[str, Any]]) -> None:
        """Replace every recorded message with entries kept before (a snapshot's), in their order."""
        with self._lock:
            self._messages = copy.deepcopy(entries)

    def list(self, *, channel: str | None = None, to: str | None = None, since: int = 0) -> list[dict[str, Any]]:
        """Return messages in arrival order from the since-th on, filtered by channel and by recipient digits."""
        with self._lock:
            found = [
                m
                for m in self._messages[since:]
                if (channel is None or m["channel"] == channel) and (to is None or same_recipient(m["to"], to))
            ]
            return copy.deepcopy(found)

    def clear(self) -> None:
        """Forget every recorded message."""
        with self._lock:
            self._messages.clear()
