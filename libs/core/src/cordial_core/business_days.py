"""Business days of a Brazilian place and the protest notice period counted in them, as data with its citation.

Lei 9.492/1997 art. 12: "O protesto será registrado dentro de três dias úteis contados da protocolização do
título ou documento de dívida"; §1: the day of the protocol is excluded and the last day included; §2: a day
without public banking hours is not a business day. So the period ends with the third business day after
the protocol day, and the protest may be registered from the next local midnight at the notary's place.

Business days here are weekdays that are neither national nor state holidays of the place (the `holidays`
package, BR with the state as subdivision). Municipal holidays of the notary's town are not known to it: a
registry that observes one answers a later end, and callers take the later of the registry's and this count.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

DEFAULT_ZONE = "America/Sao_Paulo"


@dataclass(frozen=True)
class ProtestPeriod:
    """How many business days a jurisdiction's protest notice period runs, and the law that says so."""

    business_days: int
    citation: str


# Per jurisdiction: "BR" for the country, "BR-XX" for a state with its own rule (none is known to differ:
# the period is federal law; a state's notaries' code may only add holidays, which the calendar covers).
PROTEST_PERIODS: dict[str, ProtestPeriod] = {
    "BR": ProtestPeriod(
        3,
        "Lei 9.492/1997 art. 12: the protest is registered within three business days of the protocol, "
        "the protocol day excluded (§1); a day without public banking hours is not a business day (§2)",
    ),
}


def protest_period(country: str = "BR", state: str = "") -> ProtestPeriod:
    """The protest notice period of a place: its state's entry when it has one, else its country's."""
    country = (country or "BR").upper()
    found = PROTEST_PERIODS.get(f"{country}-{state.upper()}") or PROTEST_PERIODS.get(country)
    return found or PROTEST_PERIODS["BR"]


@functools.lru_cache(maxsize=256)
def _calendar(country: str, state: str, year: int) -> holidays.HolidayBase:
    subdivision = state if state in holidays.country_holidays(country).subdivisions else None
    return holidays.country_holidays(country, subdiv=subdivision, years=year)


def is_business_day(day: date, country: str = "BR", state: str = "") -> bool:
    """A weekday that is neither a national nor a state holiday of the place."""
    return day.weekday() < 5 and day not in _calendar((country or "BR").upper(), state.upper(), day.year)


def add_business_days(day: date, count: int, country: str = "BR", state: str = "") -> date:
    """The count-th business day after `day` (`day` itself excluded, as art. 12 §1 counts)."""
    found = 0
    while found < count:
        day += timedelta(days=1)
        found += is_business_day(day, country, state)
    return day


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def protest_not_before(
    protocol_at: datetime, time_zone: str = "", country: str = "BR", state: str = "", business_days: int | None = None
) -> datetime:
    """The first moment (UTC) a title protocolled at `protocol_at` may be protested at a place.

    The end of the period's last business day at the place, i.e. the next local midnight. `business_days`
    overrides the jurisdiction's period (PROTEST_PERIODS) when given.
    """
    zone = _zone(time_zone)
    days = protest_period(country, state).business_days if business_days is None else business_days
    last = add_business_days(protocol_at.astimezone(zone).date(), days, country, state)
    return datetime.combine(last + timedelta(days=1), time(0), zone).astimezone(ZoneInfo("UTC"))
