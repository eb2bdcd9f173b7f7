"""The driver's steps: every hour in which some debtor's zone may be contacted, and each night crossed in one step
from its first dark hour to its last, so the platform still runs at night and just before the first window opens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cordial_stack.simulation.config import START
from cordial_stack.simulation.steps import dark, next_moment

HOUR = timedelta(hours=1)
ZONES = {"America/Sao_Paulo", "America/Manaus", "America/New_York", "America/Chicago"}


def test_a_night_dark_in_every_zone_is_crossed_from_its_first_to_its_last_dark_hour() -> None:
    end = START + timedelta(days=3)
    moments, moment = [], START
    while moment < START + timedelta(days=1, hours=8):
        moment = next_moment(moment, HOUR, ZONES, end)
        moments.append(moment)
    # 21:00 in Chicago (03:00 UTC) is the night's first dark hour; 07:00 in São Paulo (10:00 UTC) its last.
    assert datetime(2026, 3, 3, 3, 0, tzinfo=UTC) in moments
    assert datetime(2026, 3, 3, 10, 0, tzinfo=UTC) in moments
    assert not any(datetime(2026, 3, 3, h, 0, tzinfo=UTC) in moments for h in range(4, 10))
    assert all(not dark(m, ZONES) for m in moments if m.hour >= 11 or m.hour < 3)
    assert moments[0] == datetime(2026, 3, 2, 10, 0, tzinfo=UTC), "the start (03:00 UTC) is dark: on to its last"


def test_a_zone_open_at_night_elsewhere_keeps_every_hour() -> None:
    zones = {*ZONES, "Asia/Tokyo"}
    assert next_moment(START, HOUR, zones, START + timedelta(days=1)) == START + HOUR


def test_the_last_step_stops_at_the_end() -> None:
    end = START + timedelta(minutes=30)
    assert next_moment(START, HOUR, ZONES, end) == end
