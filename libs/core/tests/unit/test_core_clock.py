"""Clocks: the controllable one only moves forward, the offset one starts where told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from cordial_core.clock import ControllableClock, FileClock, OffsetClock, SystemClock

START = datetime(2024, 3, 4, 12, 0, tzinfo=UTC)


def test_controllable_clock_stands_still_until_moved() -> None:
    clock = ControllableClock(START)
    assert clock.now() == START
    assert clock.now() == START


def test_controllable_clock_normalises_to_utc() -> None:
    local = datetime(2024, 3, 4, 9, 0, tzinfo=timezone(timedelta(hours=-3)))
    clock = ControllableClock(local)
    assert clock.now() == START
    assert clock.now().utcoffset() == timedelta(0)


def test_advance_moves_forward() -> None:
    clock = ControllableClock(START)
    clock.advance(timedelta(minutes=90))
    assert clock.now() == START + timedelta(minutes=90)
    clock.advance(timedelta(0))
    assert clock.now() == START + timedelta(minutes=90)


def test_advance_never_goes_back() -> None:
    clock = ControllableClock(START)
    with pytest.raises(ValueError, match="never goes back"):
        clock.advance(timedelta(seconds=-1))
    assert clock.now() == START


def test_set_moves_to_a_later_moment_in_any_zone() -> None:
    clock = ControllableClock(START)
    later = datetime(2024, 3, 5, 8, 0, tzinfo=timezone(timedelta(hours=-3)))
    clock.set(later)
    assert clock.now() == later
    assert clock.now().tzinfo == UTC


def test_set_refuses_an_earlier_moment() -> None:
    clock = ControllableClock(START)
    with pytest.raises(ValueError, match="never goes back"):
        clock.set(START - timedelta(hours=1))
    assert clock.now() == START


def test_naive_start_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ControllableClock(datetime(2024, 3, 4, 12, 0))


class FakeBase:
    def __init__(self, now: datetime) -> None:
        self.moment = now

    def now(self) -> datetime:
        return self.moment


def test_offset_clock_is_its_base_shifted_by_the_offset() -> None:
    base = FakeBase(datetime(2030, 1, 1, tzinfo=UTC))
    offset = START - base.moment
    clock = OffsetClock(offset, base=base)
    assert clock.now() == START
    base.moment += timedelta(seconds=42)
    assert clock.now() == START + timedelta(seconds=42)


def test_offset_clock_with_a_positive_offset() -> None:
    base = FakeBase(START)
    clock = OffsetClock(timedelta(days=3, hours=2), base=base)
    assert clock.now() == START + timedelta(days=3, hours=2)
    assert clock.now().utcoffset() == timedelta(0)


def test_offset_clock_defaults_to_the_system_clock() -> None:
    clock = OffsetClock(timedelta(days=365 * 10))
    assert clock.now() - SystemClock().now() > timedelta(days=365 * 9)


def test_system_clock_is_aware_utc() -> None:
    assert SystemClock().now().utcoffset() == timedelta(0)


def test_file_clock_tells_base_time_shifted_by_the_files_offset(tmp_path: Path) -> None:
    path = tmp_path / "clock"
    FileClock.write(path, timedelta(hours=5))
    base = ControllableClock(START)
    assert FileClock(path, base=base).now() == START + timedelta(hours=5)


def test_file_clock_follows_the_file_when_another_process_moves_it(tmp_path: Path) -> None:
    path = tmp_path / "clock"
    base = ControllableClock(START)
    FileClock.write(path, timedelta(0))
    reader = FileClock(path, base=base)
    assert reader.now() == START
    FileClock.move_to(path, START + timedelta(days=2, hours=1), base=base)
    assert reader.now() == START + timedelta(days=2, hours=1)
    base.advance(timedelta(seconds=30))  # time flows between moves
    assert reader.now() == START + timedelta(days=2, hours=1, seconds=30)


def test_file_clock_move_never_goes_back(tmp_path: Path) -> None:
    path = tmp_path / "clock"
    base = ControllableClock(START)
    assert FileClock.move_to(path, START + timedelta(hours=3), base=base) == START + timedelta(hours=3)
    assert FileClock.move_to(path, START + timedelta(hours=1), base=base) == START + timedelta(hours=3)
    assert FileClock(path, base=base).now() == START + timedelta(hours=3)


def test_file_clock_refuses_a_missing_file_and_a_naive_moment(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        FileClock(tmp_path / "absent")
    with pytest.raises(ValueError, match="timezone-aware"):
        FileClock.move_to(tmp_path / "clock", datetime(2024, 3, 4, 12, 0))


def test_file_clock_write_leaves_no_temporary_files(tmp_path: Path) -> None:
    path = tmp_path / "clock"
    for hours in range(3):
        FileClock.write(path, timedelta(hours=hours))
    assert [p.name for p in tmp_path.iterdir()] == ["clock"]
    assert path.read_text().strip() == "7200.000000"
