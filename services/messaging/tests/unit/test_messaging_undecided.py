"""When an undecided send is asked about again, and when it is given up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cordial_messaging.domain.undecided import FIRST_WAIT, Undecided, UndecidedBounds

NOW = datetime(2026, 3, 3, 13, 0, tzinfo=UTC)
BOUNDS = UndecidedBounds(max_wait=timedelta(minutes=30), limit=timedelta(hours=24))


def test_the_pause_doubles_from_the_named_moment_or_the_first_wait_up_to_the_cap() -> None:
    minute = NOW + timedelta(minutes=1)
    waits = [BOUNDS.next_ask(Undecided(NOW, count), NOW, minute) for count in (1, 2, 3, 6, 10_000)]
    assert [w - NOW if w else None for w in waits] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(minutes=30),
        timedelta(minutes=30),  # a long outage's count neither overflows nor passes the cap
    ]
    assert BOUNDS.next_ask(Undecided(NOW, 2), NOW, None) == NOW + 2 * FIRST_WAIT  # strategy named no moment


def test_a_moment_strategy_names_past_the_cap_is_kept() -> None:
    named = NOW + timedelta(hours=2)
    assert BOUNDS.next_ask(Undecided(NOW, 1), NOW, named) == named


def test_the_last_ask_is_at_the_limit_and_none_comes_after() -> None:
    since = NOW - timedelta(hours=23, minutes=50)
    assert BOUNDS.next_ask(Undecided(since, 40), NOW, None) == since + timedelta(hours=24)
    assert BOUNDS.next_ask(Undecided(since, 41), since + timedelta(hours=24), None) is None
