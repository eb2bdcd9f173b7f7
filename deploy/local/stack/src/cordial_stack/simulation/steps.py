"""The clock's steps through a run: each step in turn, a night dark in every debtor's zone crossed at once."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

# The widest contact hours of any place simulated (the US's 08:00-21:00; every Brazilian state's lie within).
WIDEST_HOURS = (8, 21)


def dark(moment: datetime, zones: set[str]) -> bool:
    """True when no zone is within the widest contact hours at the moment: no rule lets anyone be contacted."""
    opens, closes = WIDEST_HOURS
    return all(not opens <= moment.astimezone(ZoneInfo(zone)).hour < closes for zone in zones)


def next_moment(moment: datetime, step: timedelta, zones: set[str], end: datetime) -> datetime:
    """The next moment the clock stands at: the next step, except that a night dark in every zone is crossed in
    one step to its last dark step. The platform still runs at the night's first and last dark steps (a contact
    sent at night would reach the sandbox then, and the checker would count it), and whatever fell due in the
    hours between is done at the last one."""
    later = moment + step
    if dark(moment, zones) and dark(later, zones):
        while later + step < end and dark(later + step, zones):
            later += step
    return min(later, end)
