"""São Paulo contact hours in the debtor's own zone, with the next window when denied."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from cordial_strategy.domain.policy import SAO_PAULO_HOURS, check_contact_hours, next_window_start

SP = "America/Sao_Paulo"
NY = "America/New_York"


def at(zone: str, *parts: int) -> datetime:
    """A local wall time in a zone, as the UTC instant a clock would report."""
    return datetime(*parts, tzinfo=ZoneInfo(zone)).astimezone(UTC)  # type: ignore[misc]


def test_reference_days() -> None:
    assert datetime(2024, 3, 4).weekday() == 0  # Monday
    assert datetime(2024, 3, 9).weekday() == 5  # Saturday


@pytest.mark.parametrize(
    ("local", "allowed"),
    [
        ((2024, 3, 4, 7, 59), False),
        ((2024, 3, 4, 8, 0), True),
        ((2024, 3, 4, 12, 0), True),
        ((2024, 3, 4, 19, 59), True),
        ((2024, 3, 4, 20, 0), False),
        ((2024, 3, 8, 19, 59), True),  # Friday
        ((2024, 3, 9, 8, 0), True),  # Saturday
        ((2024, 3, 9, 13, 59), True),
        ((2024, 3, 9, 14, 0), False),
        ((2024, 3, 10, 10, 0), False),  # Sunday
    ],
)
def test_sao_paulo_edges(local: tuple[int, ...], allowed: bool) -> None:
    now = at(SP, *local)
    decision = check_contact_hours(now, SP, state="SP")
    assert decision.allowed is allowed
    assert decision.rule == "contact_hours"
    assert decision.time_zone == SP
    assert decision.decided_at == now
    assert "15.426" in decision.explanation
    if allowed:
        assert decision.next_allowed_at is None
    else:
        assert decision.next_allowed_at is not None
        assert decision.next_allowed_at > now


def test_before_opening_next_is_same_day_08_00() -> None:
    decision = check_contact_hours(at(SP, 2024, 3, 4, 7, 59), SP, state="SP")
    assert decision.next_allowed_at == datetime(2024, 3, 4, 11, 0, tzinfo=UTC)


def test_at_closing_next_is_next_day_08_00_local_in_utc() -> None:
    decision = check_contact_hours(at(SP, 2024, 3, 4, 20, 0), SP, state="SP")
    assert decision.next_allowed_at == datetime(2024, 3, 5, 11, 0, tzinfo=UTC)
    assert decision.next_allowed_at.utcoffset().total_seconds() == 0
    assert decision.next_allowed_at == at(SP, 2024, 3, 5, 8, 0)


def test_late_friday_next_is_saturday_morning() -> None:
    decision = check_contact_hours(at(SP, 2024, 3, 8, 23, 30), SP, state="SP")
    assert decision.next_allowed_at == at(SP, 2024, 3, 9, 8, 0)


def test_saturday_afternoon_skips_sunday() -> None:
    decision = check_contact_hours(at(SP, 2024, 3, 9, 14, 0), SP, state="SP")
    assert decision.next_allowed_at == at(SP, 2024, 3, 11, 8, 0)


def test_sunday_next_window_is_monday_08_00() -> None:
    for hour in (0, 9, 13, 23):
        decision = check_contact_hours(at(SP, 2024, 3, 10, hour, 0), SP, state="SP")
        assert decision.allowed is False
        assert decision.next_allowed_at == datetime(2024, 3, 11, 11, 0, tzinfo=UTC)


def test_evaluated_in_the_debtors_zone_not_utc() -> None:
    # 10:30 UTC is 07:30 in São Paulo: too early there.
    decision = check_contact_hours(datetime(2024, 3, 4, 10, 30, tzinfo=UTC), SP, state="SP")
    assert decision.allowed is False
    # 22:30 UTC is 19:30 in São Paulo: still allowed.
    assert check_contact_hours(datetime(2024, 3, 4, 22, 30, tzinfo=UTC), SP, state="SP").allowed is True


def test_us_next_window_across_dst_start() -> None:
    # US DST starts Sunday 2024-03-10 at 02:00: Saturday is UTC-5, Sunday 08:00 is already UTC-4.
    decision = check_contact_hours(at(NY, 2024, 3, 9, 21, 0), NY)
    assert decision.next_allowed_at == datetime(2024, 3, 10, 12, 0, tzinfo=UTC)


def test_us_next_window_across_dst_end() -> None:
    # US DST ends Sunday 2024-11-03 at 02:00: Saturday is UTC-4, Sunday 08:00 is UTC-5.
    decision = check_contact_hours(at(NY, 2024, 11, 2, 21, 0), NY)
    assert decision.next_allowed_at == datetime(2024, 11, 3, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize("name", ["", "Not/AZone", "../etc/passwd"])
def test_unknown_zone_falls_back_to_sao_paulo(name: str) -> None:
    decision = check_contact_hours(at(SP, 2024, 3, 4, 7, 59), name)
    assert decision.time_zone == SP
    assert decision.allowed is False


def test_next_window_start_from_inside_a_window_is_the_next_day() -> None:
    local = datetime(2024, 3, 4, 9, 0, tzinfo=ZoneInfo(SP))
    assert next_window_start(local, SAO_PAULO_HOURS) == at(SP, 2024, 3, 5, 8, 0)
