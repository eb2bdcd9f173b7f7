"""The one way services read time, so tests and simulations can move it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
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
