"""The due watch: a pass reads its due list only when something may be due, and sees other instances' work in time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cordial_core.clock import ControllableClock
from cordial_core.due_watch import DueWatch

START = datetime(2024, 3, 4, 12, 0, tzinfo=UTC)
REREAD = timedelta(seconds=30)


@dataclass
class SharedList:
    """A due list several instances write, counting its reads (each a full read on FerretDB)."""

    entries: dict[str, tuple[datetime, str]] = field(default_factory=dict)
    reads: int = 0


@dataclass
class Scheduler:
    """One instance: lists its own work and takes what is due (its own at once, another's only when asked)."""

    name: str
    shared: SharedList
    clock: ControllableClock
    limit: int = 10
    watch: DueWatch = field(default_factory=lambda: DueWatch(REREAD))

    def defer(self, key: str, due_at: datetime) -> None:
        self.shared.entries[key] = (due_at, self.name)
        self.watch.listed(due_at)

    def run(self, anyones: bool = False) -> list[str]:
        now = self.clock.now()
        if not self.watch.begin(now):
            return []
        self.shared.reads += 1
        entries = self.shared.entries.items()
        due = sorted(k for k, (at, owner) in entries if at <= now and (anyones or owner == self.name))
        taken = due[: self.limit]
        for key in taken:
            del self.shared.entries[key]
        self.watch.read(now, full=len(due) >= self.limit)
        return taken


def _rig(limit: int = 10) -> tuple[ControllableClock, SharedList, Scheduler]:
    clock = ControllableClock(START)
    shared = SharedList()
    return clock, shared, Scheduler("a", shared, clock, limit)


def test_the_first_pass_reads_and_idle_passes_read_nothing_until_reread() -> None:
    clock, shared, a = _rig()
    assert a.run() == []
    assert shared.reads == 1
    for _ in range(29):
        clock.advance(timedelta(seconds=1))
        assert a.run() == []
    assert shared.reads == 1, "nothing listed, nothing due: 29 idle passes read nothing"
    clock.advance(timedelta(seconds=1))
    a.run()
    assert shared.reads == 2, "REREAD after the last read"


def test_a_deferral_of_this_instance_wakes_the_pass_at_its_due_time_not_before() -> None:
    clock, shared, a = _rig()
    a.run()
    a.defer("m1", START + timedelta(seconds=5))
    clock.advance(timedelta(seconds=4))
    assert a.run() == []
    assert shared.reads == 1
    clock.advance(timedelta(seconds=1))
    assert a.run() == ["m1"]
    assert shared.reads == 2


def test_a_deferral_listed_during_a_read_still_wakes_the_next_pass() -> None:
    clock, _, a = _rig()
    a.run()
    a.defer("m1", START + timedelta(seconds=2))
    clock.advance(timedelta(seconds=2))
    assert a.watch.begin(clock.now())
    a.watch.listed(clock.now())  # listed while the read runs: the read may have missed it
    a.watch.read(clock.now(), full=False)
    assert a.watch.begin(clock.now()), "the next pass reads"


def test_another_instances_deferral_is_seen_within_reread() -> None:
    clock, shared, a = _rig()
    b = Scheduler("b", shared, clock)
    a.run()
    b.defer("m2", START)  # b lists it and dies before taking it
    clock.advance(timedelta(seconds=29))
    assert a.run(anyones=True) == []
    clock.advance(timedelta(seconds=1))
    assert a.run(anyones=True) == ["m2"]


def test_a_full_read_reads_again_at_the_next_pass() -> None:
    _, shared, a = _rig(limit=2)
    a.run()
    for key in ("m1", "m2", "m3"):
        a.defer(key, START)
    assert a.run() == ["m1", "m2"]
    assert a.run() == ["m3"], "the read took its limit: more may be left"
    assert a.run() == []
    assert shared.reads == 3


def test_a_read_that_failed_is_tried_again_at_the_next_pass() -> None:
    clock, _, a = _rig()
    a.run()
    a.defer("m1", START)
    assert a.watch.begin(clock.now())  # the read fails before it is done
    assert a.run() == ["m1"]
