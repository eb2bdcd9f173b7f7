"""When each live agreement next needs the periodic check, so a check pass looks only at the ones due.

An agreement changes under the check only on a date: the day after its offer's validity (a proposal expires)
or the day after an unpaid installment's due date plus the grace days (it breaks), in the debtor's time zone.
The agenda keeps, per agreement, the moment that day begins; a write of the agreement (a payment, an
acceptance, a new proposal) puts it on the agenda at once, and the look that follows plans its next moment.
It lives in the process: a full pass over the live agreements (at start, then every so often) fills it again,
and finds what another instance wrote.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

Key = tuple[str, str]  # tenant, agreement id
NOW = datetime.min.replace(tzinfo=UTC)  # on the agenda at once


def day_begins(day: date, zone: str) -> datetime:
    """The moment a calendar day begins in a time zone, in UTC."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone)).astimezone(UTC)


class CheckAgenda:
    """Agreements by the moment they next need a look."""

    def __init__(self) -> None:
        self._at: dict[Key, datetime] = {}

    def mark(self, tenant: str, agreement_id: str) -> None:
        """The agreement was written: look at it on the next pass."""
        self._at[(tenant, agreement_id)] = NOW

    def plan(self, tenant: str, agreement_id: str, moment: datetime | None) -> None:
        """Looks at the agreement at the moment (None: never), unless it is already on the agenda sooner (a write
        that happened while it was looked at)."""
        key = (tenant, agreement_id)
        if moment is None:
            if self._at.get(key) != NOW:
                self._at.pop(key, None)
            return
        self._at[key] = min(moment, self._at.get(key, moment))

    def take_due(self, now: datetime) -> list[Key]:
        """The agreements due for a look at this moment, taken off the agenda (the look plans them again)."""
        due = [key for key, moment in self._at.items() if moment <= now]
        for key in due:
            del self._at[key]
        return due

    def clear(self) -> None:
        """Forgets every plan before a full pass plans them all again."""
        self._at.clear()

    def __len__(self) -> int:
        return len(self._at)
