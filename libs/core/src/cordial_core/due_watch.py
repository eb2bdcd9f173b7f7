"""When a scheduler's pass needs to read its list of due work, so an idle pass reads nothing.

On FerretDB every read of a due list by anything but `_id` reads the whole list, and a scheduler passes
several times a second. Between reads nothing can fall due that this process does not know of, except
what other instances listed: a pass reads only once the earliest time something it saw may be due has
come (the earliest entry its last read left, a due time this instance listed since), or `reread` after
its last read, so entries another instance listed (and left, because it died) are seen that late at most.
A read that took as many as it may take leaves more behind: the next pass reads again.
"""

from __future__ import annotations

import heapq
from datetime import datetime, timedelta


class DueWatch:
    """The earliest moment something may be due that this instance has not read yet."""

    def __init__(self, reread: timedelta) -> None:
        self.reread = reread
        self._quiet_until: datetime | None = None  # None: read at the next pass (never read, or read was full)
        self._wakes: list[datetime] = []  # due times this instance listed that no read has covered yet

    def listed(self, due_at: datetime) -> None:
        """This instance listed work due at a time: a pass from then reads."""
        heapq.heappush(self._wakes, due_at)

    def begin(self, now: datetime) -> bool:
        """Whether a pass at `now` must read; when it must, the listed due times up to now count as read.

        Times listed while the read runs stay, so a listing the read may have missed wakes the next pass.
        """
        woken = bool(self._wakes) and self._wakes[0] <= now
        if self._quiet_until is not None and now < self._quiet_until and not woken:
            return False
        while self._wakes and self._wakes[0] <= now:
            heapq.heappop(self._wakes)
        self._quiet_until = None  # until the read is done: a read that failed is tried again at the next pass
        return True

    def read(self, now: datetime, full: bool, left: datetime | None = None) -> None:
        """A read begun at `now` is done: `full` when it took its limit, `left` the earliest entry it left."""
        if full:
            self._quiet_until = None
            return
        self._quiet_until = min(t for t in (now + self.reread, left) if t is not None)
