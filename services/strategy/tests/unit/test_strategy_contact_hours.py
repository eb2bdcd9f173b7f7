"""Contact hours per jurisdiction: states, holidays, the US, DST, and the strictest rule when unsure."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from cordial_strategy.domain.hours import (
    BRAZIL_STATE_HOURS,
    Jurisdiction,
    check_contact_hours,
    hours_of,
    jurisdiction,
)

SP = "America/Sao_Paulo"
NY = "America/New_York"
LA = "America/Los_Angeles"


def at(zone: str, *parts: int) -> datetime:
    """A local wall time in a zone, as the UTC instant a clock would report."""
    return datetime(*parts, tzinfo=ZoneInfo(zone)).astimezone(UTC)  # type: ignore[misc]


def test_every_state_rule_cites_its_law() -> None:
    for state, hours in BRAZIL_STATE_HOURS.items():
        assert "Lei" in hours.citation
        assert state in hours.citation
        assert hours.window(6) is None  # never on Sundays anywhere


@pytest.mark.parametrize(
    ("local", "allowed"),
    [
        ((2024, 3, 5, 7, 59), False),
        ((2024, 3, 5, 8, 0), True),
        ((2024, 3, 5, 20, 59), True),
        ((2024, 3, 5, 21, 0), False),
        ((2024, 3, 9, 20, 59), True),  # Saturday: no federal weekend ban
        ((2024, 3, 10, 8, 0), True),  # Sunday, the day DST starts
        ((2024, 3, 10, 7, 59), False),
        ((2024, 11, 3, 7, 59), False),  # the day DST ends
        ((2024, 11, 3, 8, 0), True),
        ((2024, 11, 3, 20, 59), True),
        ((2024, 11, 3, 21, 0), False),
    ],
)
def test_us_fdcpa_hours_at_the_edges_across_dst(local: tuple[int, ...], allowed: bool) -> None:
    decision = check_contact_hours(at(NY, *local), NY)
    assert decision.allowed is allowed
    assert decision.values["jurisdiction"] == "US"
    assert "1006.6(b)(1)(i)" in decision.explanation


def test_us_dst_start_shifts_the_utc_instant_of_8am() -> None:
    # 12:59 UTC is 07:59 EST on Saturday but 08:59 EDT on Sunday.
    assert check_contact_hours(datetime(2024, 3, 9, 12, 59, tzinfo=UTC), NY).allowed is False
    assert check_contact_hours(datetime(2024, 3, 10, 12, 59, tzinfo=UTC), NY).allowed is True


def test_us_zone_is_evaluated_in_its_own_zone() -> None:
    # 03:30 UTC Wednesday is 23:30 Tuesday in New York but 20:30 in Los Angeles.
    now = datetime(2024, 3, 6, 3, 30, tzinfo=UTC)
    assert check_contact_hours(now, NY).allowed is False
    assert check_contact_hours(now, LA).allowed is True


def test_a_holiday_in_one_state_but_not_another() -> None:
    # 2024-07-09, a Tuesday: São Paulo's Constitutionalist Revolution holiday; a working day in Rio.
    sp = check_contact_hours(at(SP, 2024, 7, 9, 10, 0), SP, state="SP")
    rj = check_contact_hours(at(SP, 2024, 7, 9, 10, 0), SP, state="RJ")
    assert sp.allowed is False
    assert sp.values["holiday"] == "Constitutionalist Revolution"
    assert "holiday" in sp.explanation
    assert sp.next_allowed_at == at(SP, 2024, 7, 10, 8, 0)
    assert rj.allowed is True
    # 2024-04-23, a Tuesday: Saint George's Day in Rio only.
    assert check_contact_hours(at(SP, 2024, 4, 23, 10, 0), SP, state="RJ").allowed is False
    assert check_contact_hours(at(SP, 2024, 4, 23, 10, 0), SP, state="SP").allowed is True


def test_national_holiday_closes_every_state_and_the_next_day_opens() -> None:
    # 2024-11-15 (Friday), Proclamation of the Republic: next window is Saturday 08:00 in SP.
    decision = check_contact_hours(at(SP, 2024, 11, 15, 10, 0), SP, state="SP")
    assert decision.allowed is False
    assert decision.next_allowed_at == at(SP, 2024, 11, 16, 8, 0)


def test_us_holidays_do_not_close_contact() -> None:
    assert check_contact_hours(at(NY, 2024, 7, 4, 10, 0), NY).allowed is True


@pytest.mark.parametrize(
    ("state", "local", "allowed"),
    [
        ("RJ", (2024, 3, 5, 8, 59), False),
        ("RJ", (2024, 3, 5, 9, 0), True),
        ("RJ", (2024, 3, 5, 18, 59), True),
        ("RJ", (2024, 3, 5, 19, 0), False),
        ("RJ", (2024, 3, 9, 10, 0), False),  # Saturday
        ("ES", (2024, 3, 5, 18, 59), True),
        ("ES", (2024, 3, 5, 19, 0), False),
        ("AL", (2024, 3, 9, 13, 59), True),
        ("AL", (2024, 3, 9, 14, 0), False),
        ("AM", (2024, 3, 5, 17, 59), True),
        ("AM", (2024, 3, 5, 18, 0), False),
        ("AM", (2024, 3, 9, 10, 0), False),
        ("MG", (2024, 3, 5, 8, 0), True),  # no state law: São Paulo's hours
        ("MG", (2024, 3, 9, 13, 59), True),
        ("MG", (2024, 3, 5, 20, 0), False),
    ],
)
def test_state_laws_at_their_edges(state: str, local: tuple[int, ...], allowed: bool) -> None:
    decision = check_contact_hours(at(SP, *local), SP, state=state)
    assert decision.allowed is allowed
    assert decision.values["jurisdiction"] == f"BR-{state}"


def test_unknown_state_in_a_shared_zone_uses_the_strictest_rule() -> None:
    place = jurisdiction(SP)
    assert place.country == "BR"
    assert {"RJ", "SP", "ES"} <= set(place.states)
    hours = hours_of(place)
    assert hours.window(0) == (time(9), time(19))  # RJ's start, RJ's and ES's end
    assert hours.window(5) is None
    assert "strictest" in hours.citation
    assert check_contact_hours(at(SP, 2024, 3, 5, 8, 30), SP).allowed is False
    assert check_contact_hours(at(SP, 2024, 3, 5, 9, 0), SP).allowed is True
    # Holidays of every candidate state count: SP's 9 July closes the shared zone too.
    assert check_contact_hours(at(SP, 2024, 7, 9, 10, 0), SP).allowed is False


def test_zone_of_one_state_implies_it() -> None:
    assert jurisdiction("America/Manaus") == Jurisdiction("BR", ("AM",), inferred=True)
    assert check_contact_hours(at("America/Manaus", 2024, 3, 5, 18, 0), "America/Manaus").allowed is False
    # 5 September: Amazonas' own holiday.
    assert check_contact_hours(at("America/Manaus", 2024, 9, 5, 10, 0), "America/Manaus").allowed is False
    assert jurisdiction(NY) == Jurisdiction("US")


def test_decision_carries_its_values() -> None:
    decision = check_contact_hours(at(SP, 2024, 3, 5, 10, 0), SP, state="SP")
    assert decision.values["local_time"] == "2024-03-05 Tuesday 10:00"
    assert decision.values["window"] == "08:00-20:00"
    assert decision.values["verified"] == "true"
    assert check_contact_hours(at(SP, 2024, 3, 5, 10, 0), SP, state="RJ").values["verified"] == "false"


def test_a_known_state_replaces_the_strictest_guess_of_its_zone() -> None:
    # Tuesday 08:30 in the São Paulo zone: RJ's 09:00 start decides while the state is unknown.
    moment = at(SP, 2024, 3, 5, 8, 30)
    assert check_contact_hours(moment, SP).allowed is False
    assert check_contact_hours(moment, SP, "BR", "SP").allowed is True
    assert check_contact_hours(moment, SP, "BR", "RJ").allowed is False
    # Saturday 10:00: closed while RJ or ES may apply, open for a debtor known to live in Minas Gerais.
    saturday = at(SP, 2024, 3, 9, 10, 0)
    assert check_contact_hours(saturday, SP).allowed is False
    minas = check_contact_hours(saturday, SP, "BR", "MG")
    assert minas.allowed is True
    assert "no state law found" in minas.values["citation"]


def test_a_state_without_a_law_gets_sao_paulos_hours_and_its_own_holidays() -> None:
    bahia = "America/Bahia"
    assert check_contact_hours(at(bahia, 2024, 3, 9, 13, 59), bahia, "BR", "BA").allowed is True
    assert check_contact_hours(at(bahia, 2024, 3, 9, 14, 0), bahia, "BR", "BA").allowed is False
    # 2 July, Bahia's Independence Day, a Tuesday: closed in Bahia, open for a debtor in Minas.
    assert check_contact_hours(at(SP, 2024, 7, 2, 10, 0), SP, "BR", "BA").values.get("holiday")
    assert check_contact_hours(at(SP, 2024, 7, 2, 10, 0), SP, "BR", "MG").allowed is True


@pytest.mark.parametrize(("country", "state"), [("br", " sp "), ("", "sp"), ("BR", "Sp")])
def test_the_state_is_read_however_it_was_written(country: str, state: str) -> None:
    assert jurisdiction(SP, country, state) == Jurisdiction("BR", ("SP",))


def test_an_invalid_state_counts_as_unknown() -> None:
    assert jurisdiction("America/Manaus", "BR", "XX") == Jurisdiction("BR", ("AM",), inferred=True)
    assert set(jurisdiction(SP, "BR", "São Paulo").states) >= {"RJ", "SP", "ES"}
