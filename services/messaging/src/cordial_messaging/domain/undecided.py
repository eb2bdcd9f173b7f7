"""How long an action the contact policy could not decide is kept, and how often it is asked again.

Strategy may be unreachable, or unable to hear agreements' standing of the debt in time: the send is undecided,
never made blind. Asked again after a pause that doubles with each undecided answer in a row (from the moment
strategy named, else FIRST_WAIT) up to a cap, and given up once the limit has passed since the first one, so an
outage that lasts costs a few asks an hour, not one a minute forever, and strategy hears the action failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# The first pause when strategy named no moment (it did not answer): a restart is over by then.
FIRST_WAIT = timedelta(seconds=10)


@dataclass(frozen=True)
class Undecided:
    """The undecided answers an action got so far: since the first, and how many."""

    since: datetime
    count: int


@dataclass(frozen=True)
class UndecidedBounds:
    """The longest pause between asks, and how long after the first undecided answer the action is given up."""

    max_wait: timedelta = timedelta(minutes=30)
    limit: timedelta = timedelta(hours=24)

    def next_ask(self, undecided: Undecided, now: datetime, named: datetime | None) -> datetime | None:
        """When to ask again after ``undecided.count`` undecided answers; None once the limit has passed.

        Never sooner than the moment strategy named; never later than the limit, where it is asked a last time.
        """
        given_up_at = undecided.since + self.limit
        if now >= given_up_at:
            return None
        base = (named - now if named is not None and named > now else FIRST_WAIT).total_seconds()
        doubled = base * 2.0 ** min(max(undecided.count - 1, 0), 40)  # bounded: the cap is reached long before
        pause = max(base, min(self.max_wait.total_seconds(), doubled))
        return min(now + timedelta(seconds=pause), given_up_at)
