"""Contact hours per jurisdiction, as data with citations, evaluated in the debtor's own zone.

Sources, and how far each was verified (searched while writing this module, 2025):
- BR-SP Lei 15.426/2014 art. 2: read in the law's own text. Collection calls Mon-Fri 08:00-20:00,
  Sat 08:00-14:00, never on holidays (Sundays have no window).
- BR-AL Lei 7.782/2016: SP's hours, also for text messages; read in a Procon Arapiraca notice and a
  collection-industry table, not in the official gazette.
- BR-AM Lei 4.644/2018 (upheld by the STF): Mon-Fri 08:00-18:00, Sat 08:00-14:00, not on weekends or
  holidays per the sponsor's announcement; an industry table says Saturdays are forbidden. Not read
  in the gazette: we encode the stricter reading (no Saturdays).
- BR-RJ Lei 7.868/2018 (09:00-19:00 weekdays, no weekends or holidays) and BR-ES Lei 10.626/2017
  (08:00-19:00 weekdays, no weekends or holidays): from one industry table only; NOT confirmed.
- Every other Brazilian state: no state law found; São Paulo's hours apply as the agency default
  (CDC art. 42 forbids collection that interferes with work, rest or leisure).
- US: FDCPA 15 U.S.C. 1692c(a)(1) (§805(a)(1)) and Reg F 12 CFR 1006.6(b)(1)(i): before 08:00 or
  after 21:00 local time is presumed inconvenient. Federal law names no weekday or holiday ban.

Where the debtor lives: the state (UF) comes from the debtor's address (DebtPlaced.debtor_state).
A known state uses its own law, or São Paulo's hours when it has none (the issue's rule: SP's hours
are the default for the rest of Brazil), and its own holidays. When the state is truly unknown (no
address, or not a valid UF), see UNKNOWN_STATE_RULE: the choice and its reason are data below.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from cordial_strategy.domain.decision import Decision

DEFAULT_TIME_ZONE = "America/Sao_Paulo"
UTC = ZoneInfo("UTC")
Window = tuple[time, time]


@dataclass(frozen=True)
class QuietHours:
    """Contact windows per weekday in local time (Monday is 0; None means never), and the law behind them."""

    windows: tuple[Window | None, ...]
    citation: str
    closed_on_holidays: bool = True
    verified: bool = True

    def window(self, weekday: int) -> Window | None:
        """The allowed window of a weekday."""
        return self.windows[weekday]


def _week(weekday: Window | None, saturday: Window | None, sunday: Window | None = None) -> tuple[Window | None, ...]:
    return (weekday,) * 5 + (saturday, sunday)


SAO_PAULO_HOURS = QuietHours(
    _week((time(8), time(20)), (time(8), time(14))),
    "SP Lei 15.426/2014 art. 2: 08:00-20:00 weekdays, 08:00-14:00 Saturdays, never Sundays or holidays",
)

# Brazilian states with their own collection-hours law; the rest use São Paulo's hours.
BRAZIL_STATE_HOURS: dict[str, QuietHours] = {
    "SP": SAO_PAULO_HOURS,
    "AL": QuietHours(
        _week((time(8), time(20)), (time(8), time(14))),
        "AL Lei 7.782/2016: 08:00-20:00 weekdays, 08:00-14:00 Saturdays, never Sundays or holidays",
        verified=False,
    ),
    "AM": QuietHours(
        _week((time(8), time(18)), None),
        "AM Lei 4.644/2018: 08:00-18:00 weekdays; Saturdays, Sundays and holidays excluded (stricter reading)",
        verified=False,
    ),
    "RJ": QuietHours(
        _week((time(9), time(19)), None),
        "RJ Lei 7.868/2018: 09:00-19:00 weekdays, never weekends or holidays (unconfirmed)",
        verified=False,
    ),
    "ES": QuietHours(
        _week((time(8), time(19)), None),
        "ES Lei 10.626/2017: 08:00-19:00 weekdays, never weekends or holidays (unconfirmed)",
        verified=False,
    ),
}
BRAZIL_DEFAULT_HOURS = QuietHours(
    SAO_PAULO_HOURS.windows,
    "no state law found; agency default after SP Lei 15.426/2014 (CDC art. 42): 08:00-20:00 weekdays, "
    "08:00-14:00 Saturdays, never Sundays or holidays",
)
US_HOURS = QuietHours(
    (((time(8), time(21))),) * 7,
    "FDCPA §805(a)(1), Reg F 12 CFR 1006.6(b)(1)(i): 08:00-21:00 local time",
    closed_on_holidays=False,
)

# Why an unknown state is not simply given SP's default (kept with the data, shown in decisions' citation).
UNKNOWN_STATE_RULE = (
    "state unknown: the strictest of SP's default hours and the hours of every state the time zone covers, "
    "closed on any of their holidays; SP's default alone could break RJ, ES or AM law for a debtor living there, "
    "and the strictest is never wider than SP's default"
)

# The Brazilian states each zone covers (tzdata zone.tab); where a zone spans several states and the
# debtor's state is unknown, the strictest of them applies.
BRAZIL_ZONE_STATES: dict[str, tuple[str, ...]] = {
    "America/Noronha": ("PE",),
    "America/Belem": ("PA", "AP"),
    "America/Fortaleza": ("MA", "PI", "CE", "RN", "PB"),
    "America/Recife": ("PE",),
    "America/Araguaina": ("TO",),
    "America/Maceio": ("AL", "SE"),
    "America/Bahia": ("BA",),
    "America/Sao_Paulo": ("GO", "DF", "MG", "ES", "RJ", "SP", "PR", "SC", "RS"),
    "America/Campo_Grande": ("MS",),
    "America/Cuiaba": ("MT",),
    "America/Santarem": ("PA",),
    "America/Porto_Velho": ("RO",),
    "America/Boa_Vista": ("RR",),
    "America/Manaus": ("AM",),
    "America/Eirunepe": ("AM",),
    "America/Rio_Branco": ("AC",),
}
US_ZONE_PREFIXES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles")
US_ZONES = frozenset(
    {
        *US_ZONE_PREFIXES,
        "America/Phoenix",
        "America/Anchorage",
        "America/Juneau",
        "America/Boise",
        "America/Detroit",
        "America/Indiana/Indianapolis",
        "America/Kentucky/Louisville",
        "America/Adak",
        "Pacific/Honolulu",
        "America/Puerto_Rico",
    }
)


@dataclass(frozen=True)
class Jurisdiction:
    """Where the debtor lives: a country and the states whose rules may apply (one when known)."""

    country: str
    states: tuple[str, ...] = ()
    inferred: bool = False  # the state was not given: guessed from the zone (UNKNOWN_STATE_RULE)

    @property
    def label(self) -> str:
        """BR-SP, BR-{RJ,SP} or US."""
        if not self.states:
            return self.country
        inner = self.states[0] if len(self.states) == 1 else "{" + ",".join(self.states) + "}"
        return f"{self.country}-{inner}"


def zone(name: str) -> ZoneInfo:
    """The debtor's zone, or the default when unknown."""
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


BRAZIL_STATES = frozenset(
    [
        "AC",
        "AL",
        "AP",
        "AM",
        "BA",
        "CE",
        "DF",
        "ES",
        "GO",
        "MA",
        "MT",
        "MS",
        "MG",
        "PA",
        "PB",
        "PR",
        "PE",
        "PI",
        "RJ",
        "RN",
        "RS",
        "RO",
        "RR",
        "SC",
        "SP",
        "SE",
        "TO",
    ]
)


def jurisdiction(time_zone: str, country: str = "", state: str = "") -> Jurisdiction:
    """The debtor's jurisdiction: the address's state when valid, else inferred from the zone (Brazil if unknown)."""
    key = zone(time_zone).key
    country, state = country.strip().upper(), state.strip().upper()
    country = country or ("US" if key in US_ZONES else "BR")
    if country == "US":
        return Jurisdiction("US", (state,) if state else ())
    if state in BRAZIL_STATES:
        return Jurisdiction("BR", (state,))
    return Jurisdiction("BR", BRAZIL_ZONE_STATES.get(key, ("SP",)), inferred=True)


@functools.lru_cache(maxsize=256)
def hours_of(place: Jurisdiction) -> QuietHours:
    """The contact hours of a jurisdiction: per state in Brazil, the strictest when several may apply."""
    if place.country == "US":
        return US_HOURS
    rules = [BRAZIL_STATE_HOURS.get(s, BRAZIL_DEFAULT_HOURS) for s in place.states] or [BRAZIL_DEFAULT_HOURS]
    if place.inferred:
        rules.append(BRAZIL_DEFAULT_HOURS)  # never wider than the default a known state would get
    return rules[0] if len(set(rules)) == 1 else _strictest(rules)


def _strictest(rules: list[QuietHours]) -> QuietHours:
    windows: list[Window | None] = []
    for day in range(7):
        day_windows = [r.window(day) for r in rules]
        if any(w is None for w in day_windows):
            windows.append(None)
            continue
        start = max(w[0] for w in day_windows if w)
        end = min(w[1] for w in day_windows if w)
        windows.append((start, end) if start < end else None)
    citations = sorted({r.citation for r in rules})
    return QuietHours(
        tuple(windows),
        UNKNOWN_STATE_RULE + "; of: " + " | ".join(citations),
        closed_on_holidays=any(r.closed_on_holidays for r in rules),
        verified=all(r.verified for r in rules),
    )


@functools.lru_cache(maxsize=512)
def _calendar(country: str, state: str, year: int) -> holidays.HolidayBase:
    subdivision = state if state in holidays.country_holidays(country).subdivisions else None
    return holidays.country_holidays(country, subdiv=subdivision, years=year)


def holiday_name(place: Jurisdiction, day: date) -> str | None:
    """The national or state holiday on a day in any of the jurisdiction's states, or None."""
    for state in place.states or ("",):
        name = _calendar(place.country, state, day.year).get(day)
        if name:
            return str(name)
    return None


def _window_on(place: Jurisdiction, hours: QuietHours, day: date) -> Window | None:
    if hours.closed_on_holidays and holiday_name(place, day):
        return None
    return hours.window(day.weekday())


def check_contact_hours(now: datetime, time_zone: str, country: str = "", state: str = "") -> Decision:
    """Allows contact only inside the window of the debtor's local day, in the debtor's jurisdiction."""
    tz = zone(time_zone)
    place = jurisdiction(tz.key, country, state)
    hours = hours_of(place)
    local = now.astimezone(tz)
    window = _window_on(place, hours, local.date())
    values = {
        "local_time": f"{local:%Y-%m-%d %A %H:%M}",
        "jurisdiction": place.label,
        "window": f"{window[0]:%H:%M}-{window[1]:%H:%M}" if window else "closed",
        "citation": hours.citation,
        "verified": str(hours.verified).lower(),
    }
    holiday = holiday_name(place, local.date()) if hours.closed_on_holidays else None
    if holiday:
        values["holiday"] = holiday
    if window is not None and window[0] <= local.time() < window[1]:
        text = f"{local:%A %H:%M} {tz.key} ({place.label}) is inside {values['window']}; {hours.citation}"
        return Decision(True, "contact_hours", text, now, tz.key, values=values)
    reason = f"a holiday ({holiday})" if holiday else "outside the allowed hours"
    text = f"{local:%A %H:%M} {tz.key} ({place.label}) is {reason}; {hours.citation}"
    nxt = next_window_start(local, hours, place)
    return Decision(False, "contact_hours", text, now, tz.key, nxt, values)


def next_window_start(local: datetime, hours: QuietHours, place: Jurisdiction | None = None) -> datetime:
    """The next moment a window opens after a local time, in UTC (holidays skipped when they close)."""
    place = place or Jurisdiction("BR", ("SP",))
    for days in range(0, 31):
        day = (local + timedelta(days=days)).date()
        window = _window_on(place, hours, day)
        if window is None:
            continue
        start = datetime.combine(day, window[0], local.tzinfo)
        if start > local:
            return start.astimezone(UTC)
    raise ValueError("quiet hours allow no contact in a month")
