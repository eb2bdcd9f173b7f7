"""The one way services read time, so tests and simulations can move it."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol


class Clock(Protocol):
    """Tells the current time as an aware UTC datetime."""

    def now(self) -> datetime:
        """The current time in UTC."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        """The current time in UTC."""
        return datetime.now(UTC)


class ControllableClock:
    """A clock that stands still until moved; for tests and simulations."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """The current (simulated) time in UTC."""
        return self._now

    def advance(self, delta: timedelta) -> None:
        """Moves the clock forward; it never goes back."""
        if delta < timedelta(0):
            raise ValueError("a clock never goes back")
        self._now += delta

    def set(self, moment: datetime) -> None:
        """Moves the clock to a later moment."""
        self.advance(moment.astimezone(UTC) - self._now)


class OffsetClock:
    """Real time shifted by a fixed offset; lets a whole local stack live on another day."""

    def __init__(self, offset: timedelta, base: Clock | None = None) -> None:
        self._base = base or SystemClock()
        self._offset = offset

    def now(self) -> datetime:
        """The shifted current time in UTC."""
        return self._base.now() + self._offset


class FileClock:
    """Real time shifted by an offset read from a file that a simulation moves; shared by every process.

    The file holds the offset in seconds (one number). The driver of a simulation replaces it atomically
    (`move_to`), so every service and the provider sandbox read the same simulated time while time still
    flows between moves. Dev and test only: it is used only when CLOCK_FILE names a file.
    """

    def __init__(self, path: str | os.PathLike[str], base: Clock | None = None) -> None:
        self._path = Path(path)
        self._base = base or SystemClock()
        self._seen: tuple[int, int] | None = None
        self._offset = timedelta(0)
        self._read()  # fails at start-up when the file is missing or unreadable

    def now(self) -> datetime:
        """The shifted current time in UTC, re-reading the offset when the file was replaced."""
        return self._base.now() + self._read()

    def _read(self) -> timedelta:
        stat = self._path.stat()
        seen = (stat.st_ino, stat.st_mtime_ns)
        if seen != self._seen:
            self._offset = timedelta(seconds=float(self._path.read_text().strip()))
            self._seen = seen
        return self._offset

    @staticmethod
    def write(path: str | os.PathLike[str], offset: timedelta) -> None:
        """Replaces the file's offset atomically (write a sibling, then rename over it)."""
        target = Path(path)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        with os.fdopen(fd, "w") as handle:
            handle.write(f"{offset.total_seconds():.6f}\n")
        os.replace(temporary, target)

    @classmethod
    def move_to(cls, path: str | os.PathLike[str], moment: datetime, base: Clock | None = None) -> datetime:
        """Moves the shared clock forward to a moment (never back); returns the time it now tells."""
        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware")
        base = base or SystemClock()
        target = Path(path)
        if target.exists() and cls(target, base).now() >= moment:
            return cls(target, base).now()
        cls.write(target, moment.astimezone(UTC) - base.now())
        return cls(target, base).now()
