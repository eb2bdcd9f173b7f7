"""São Paulo's hours for every Brazilian state without its own law; an unknown state never gets wider hours."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from cordial_strategy.domain.hours import (
    BRAZIL_DEFAULT_HOURS,
    BRAZIL_STATE_HOURS,
    BRAZIL_STATES,
    BRAZIL_ZONE_STATES,
    SAO_PAULO_HOURS,
    UNKNOWN_STATE_RULE,
    Jurisdiction,
    check_contact_hours,
    hours_of,
    jurisdiction,
)

WITHOUT_LAW = sorted(BRAZIL_STATES - BRAZIL_STATE_HOURS.keys())
ZONE_OF = {state: zone for zone, states in BRAZIL_ZONE_STATES.items() for state in states}


def at(zone: str, *parts: int) -> datetime:
    """A local wall time as the UTC instant a clock reports."""
    return datetime(*parts, tzinfo=ZoneInfo(zone)).astimezone(UTC)  # type: ignore[misc]


def test_the_states_with_their_own_law_are_the_documented_ones() -> None:
    assert set(BRAZIL_STATE_HOURS) == {"SP", "AL", "AM", "RJ", "ES"}
    assert len(WITHOUT_LAW) == 22


@pytest.mark.parametrize("state", WITHOUT_LAW)
def test_every_state_without_a_law_uses_sao_paulos_hours(state: str) -> None:
    hours = hours_of(Jurisdiction("BR", (state,)))
    assert hours.windows == SAO_PAULO_HOURS.windows
    assert hours is BRAZIL_DEFAULT_HOURS
    assert "SP Lei 15.426/2014" in hours.citation


# 2024-03-04 is a Monday with no national holiday, nor a state one in these states.
@pytest.mark.parametrize(
    ("state", "local", "allowed"),
    [
        ("MG", (2024, 3, 4, 7, 59), False),
        ("MG", (2024, 3, 4, 8, 0), True),
        ("BA", (2024, 3, 6, 19, 59), True),
        ("BA", (2024, 3, 6, 20, 0), False),
        ("PR", (2024, 3, 9, 13, 59), True),  # Saturday
        ("PR", (2024, 3, 9, 14, 0), False),
        ("RS", (2024, 3, 10, 10, 0), False),  # Sunday
        ("CE", (2024, 3, 5, 12, 0), True),
        ("AC", (2024, 3, 9, 8, 0), True),
        ("AC", (2024, 3, 9, 7, 59), False),
    ],
)
def test_sao_paulos_hours_at_their_edges_in_states_without_a_law(
    state: str, local: tuple[int, ...], allowed: bool
) -> None:
    zone = ZONE_OF[state]
    decision = check_contact_hours(at(zone, *local), zone, "BR", state)
    assert decision.allowed is allowed
    assert decision.values["jurisdiction"] == f"BR-{state}"
    assert "no state law found" in decision.values["citation"]


@pytest.mark.parametrize("zone", sorted(BRAZIL_ZONE_STATES))
def test_an_unknown_state_is_never_allowed_when_sao_paulos_hours_would_deny(zone: str) -> None:
    # Every half hour of a plain week (4-10 March 2024) in the zone: the guess is at least as strict.
    start = datetime(2024, 3, 4, tzinfo=ZoneInfo(zone))
    for step in range(7 * 48):
        moment = (start + timedelta(minutes=30 * step)).astimezone(UTC)
        guessed = check_contact_hours(moment, zone)
        if guessed.allowed:
            local = moment.astimezone(ZoneInfo(zone))
            window = SAO_PAULO_HOURS.window(local.weekday())
            assert window is not None, (zone, local)
            assert window[0] <= local.time() < window[1], (zone, local)


def test_the_unknown_state_choice_and_its_reason_are_in_the_data() -> None:
    place = jurisdiction("America/Sao_Paulo")
    assert place.inferred
    hours = hours_of(place)
    assert hours.citation.startswith(UNKNOWN_STATE_RULE)
    assert "never wider than SP's default" in UNKNOWN_STATE_RULE
    assert hours.window(0) == (time(9), time(19))
    # A zone whose states have no law: exactly SP's default.
    assert hours_of(jurisdiction("America/Fortaleza")) is BRAZIL_DEFAULT_HOURS


def test_a_wider_state_law_never_widens_the_unknown_state_guess(monkeypatch: pytest.MonkeyPatch) -> None:
    from cordial_strategy.domain import hours as module

    wide = module.QuietHours(((time(7), time(22)),) * 7, "CE Lei hipotética: 07:00-22:00 every day")
    monkeypatch.setitem(module.BRAZIL_STATE_HOURS, "CE", wide)
    hours_of.cache_clear()  # hours are cached per jurisdiction; the data changed under it
    try:
        assert hours_of(Jurisdiction("BR", ("CE",))) is wide  # the state's own law when known
        guessed = hours_of(jurisdiction("America/Fortaleza"))
        assert guessed.window(0) == (time(8), time(20))
        assert guessed.window(6) is None
    finally:
        hours_of.cache_clear()
