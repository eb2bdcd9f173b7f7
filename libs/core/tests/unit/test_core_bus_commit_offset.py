"""next_offset_after(): the offset a key-parallel batch commits, past the leading run of handled records."""

from __future__ import annotations

from aiokafka import ConsumerRecord

from cordial_core.bus import next_offset_after


def _records(*offsets: int) -> list[ConsumerRecord[bytes, bytes]]:
    return [ConsumerRecord("t", 0, offset, 0, 0, b"k", b"v", None, 1, 1, []) for offset in offsets]


def test_all_handled_commits_past_the_last() -> None:
    assert next_offset_after(_records(4, 5, 6), {4, 5, 6}) == 7


def test_a_gap_left_by_a_transaction_marker_is_stepped_over() -> None:
    assert next_offset_after(_records(4, 6, 7), {4, 6, 7}) == 8


def test_stops_before_the_first_record_not_handled() -> None:
    assert next_offset_after(_records(4, 5, 6, 7), {4, 5, 7}) == 6


def test_nothing_to_commit_when_the_first_is_not_handled() -> None:
    assert next_offset_after(_records(4, 5), {5}) is None
