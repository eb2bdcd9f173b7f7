"""The contact policy: when a debtor may be contacted, with a reason anyone can read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIME_ZONE = "America/Sao_Paulo"


@dataclass(frozen=True)
class Decision:
    """Allow or deny, the rule that decided, and when contact may happen if denied."""

    allowed: bool
    rule: str
    explanation: str
    decided_at: datetime
    time_zone: str
    next_allowed_at: datetime | None = None


@dataclass(frozen=True)
class QuietHours:
    """Contact windows per weekday in the debtor's local time (Monday is 0); None means never."""

    windows: tuple[tuple[time, time] | None, ...]
    citation: str

    def window(self, weekday: int) -> tuple[time, time] | None:
        """The allowed window of a weekday."""
        return self.windows[weekday]


# São Paulo's Lei 15.426/2014, the default for all of Brazil until per-state rules land.
SAO_PAULO_HOURS = QuietHours(
    windows=((time(8), time(20)),) * 5 + ((time(8), time(14)), None),
    citation="SP Lei 15.426/2014: 08:00-20:00 weekdays, 08:00-14:00 Saturdays, never Sundays",
)


def zone(name: str) -> ZoneInfo:
    """The debtor's zone, or the default when unknown."""
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def check_contact_hours(now: datetime, time_zone: str, hours: QuietHours = SAO_PAULO_HOURS) -> Decision:
    """Allows contact only inside the window of the debtor's local day."""
    tz = zone(time_zone)
    local = now.astimezone(tz)
    window = hours.window(local.weekday())
    if window is not None and window[0] <= local.time() < window[1]:
        return Decision(
            True,
            "contact_hours",
            f"{local:%A %H:%M} {tz.key} is inside {window[0]:%H:%M}-{window[1]:%H:%M}; {hours.citation}",
            now,
            tz.key,
        )
    return Decision(
        False,
        "contact_hours",
        f"{local:%A %H:%M} {tz.key} is outside the allowed hours; {hours.citation}",
        now,
        tz.key,
        next_window_start(local, hours),
    )


def next_window_start(local: datetime, hours: QuietHours) -> datetime:
    """The next moment a window opens after a local time, in UTC."""
    for days in range(0, 8):
        day = (local + timedelta(days=days)).date()
        window = hours.window(day.weekday())
        if window is None:
            continue
        start = datetime.combine(day, window[0], local.tzinfo)
        if start > local:
            return start.astimezone(ZoneInfo("UTC"))
    raise ValueError("quiet hours allow no contact in any week")
