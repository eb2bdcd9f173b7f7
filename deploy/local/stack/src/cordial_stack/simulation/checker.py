"""The simulation's independent checker: from what the providers received, the violations of the law and the policy.

It never calls the code under test: it reads the sandbox's records (messages with their shared-clock time,
the bureau's notices and inscriptions, the protest registry's titles) and what the driver did (replies,
payments), and applies its own small encoding of the rules for the places the simulation uses:

- contact hours in the debtor's zone: Brazil (São Paulo's Lei 15.426/2014, the default for every state)
  08:00-20:00 on weekdays, 08:00-14:00 on Saturdays, never on Sundays or national or state holidays
  (the `holidays` package); the United States 08:00-21:00 (FDCPA 15 U.S.C. 1692c(a)(1)).
- caps per debtor across all clients: one message a local day, three in any seven local days.
- messages after a debtor paid every debt in full are counted (a figure, not a violation: one already past its
  send-time check may land a moment later; agreements' standing stops the rest).
- no message after a hold the debtor asked for (a dispute; a hardship pause of 30 days) nor on a channel
  after an opt-out on it, except the one confirmation of the opt-out on that channel within 5 minutes (the
  carriers' and the FCC's practice, 47 CFR 64.1200(a)(12)): an answer to the debtor's own message, so neither
  a contact within the hours rules nor one the caps count.
- no inscription without a confirmed prior notice and its 10-day waiting period (CDC art. 43 §2), none twice;
  no protest before its notice period ran; every settled debt's inscription removed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays

BUREAU_WAIT = timedelta(days=10)
HARDSHIP_PAUSE = timedelta(days=30)
CONFIRMATION_WITHIN = timedelta(minutes=5)
PAID_IN_FULL = "messages after the debtor paid every debt in full"
# Opening and closing times: Brazil on weekdays and Saturdays (none on Sundays and holidays), the United States.
BR_WEEKDAY, BR_SATURDAY, US_DAY = (time(8), time(20)), (time(8), time(14)), (time(8), time(21))


@dataclass(frozen=True)
class Place:
    """Where a debtor lives."""

    zone: str
    country: str
    state: str


@dataclass(frozen=True)
class Reply:
    """Something a debtor said or did that must stop contact: kind is dispute, hardship or opt_out (on channel), or
    paid_in_full (every debt of the debtor, channel empty)."""

    digits: str
    kind: str
    channel: str
    at: datetime


@dataclass
class Findings:
    """The violations (each must be zero) with a few examples each, and what was looked at."""

    violations: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    looked_at: Counter[str] = field(default_factory=Counter)

    def add(self, rule: str, example: str) -> None:
        """Records one violation of a rule."""
        self.violations[rule] += 1
        if len(self.examples[rule]) < 5:
            self.examples[rule].append(example)


RULES = (
    "contacts outside contact hours",
    "cap breaches (1 a day, 3 in 7 days)",
    "contacts to held debtors",
    "contacts on opted-out channels",
    "inscriptions without a confirmed notice and its waiting period",
    "debts inscribed twice",
    "protests before their notice period",
    "settled debts still inscribed",
)


@lru_cache(maxsize=512)
def _holiday(country: str, state: str, year: int, day: date) -> bool:
    if country != "BR":
        return False  # the FDCPA sets hours, not holidays
    return day in holidays.country_holidays("BR", subdiv=state, years=year)


def within_hours(at: datetime, place: Place) -> bool:
    """True when a contact at this moment is within the place's contact hours (its own encoding)."""
    local = at.astimezone(ZoneInfo(place.zone))
    moment = local.time()
    if place.country == "US":
        return US_DAY[0] <= moment < US_DAY[1]
    if local.weekday() == 6 or _holiday("BR", place.state, local.year, local.date()):
        return False
    opens, closes = BR_SATURDAY if local.weekday() == 5 else BR_WEEKDAY
    return opens <= moment < closes


def check_messages(
    messages: Iterable[dict[str, Any]], places: dict[str, Place], replies: Iterable[Reply], findings: Findings
) -> None:
    """Hours, caps, holds and opt-outs over every message the providers received (to debtors we seeded)."""
    replies = list(replies)
    confirmations = _opt_out_confirmations(messages := list(messages), replies)
    findings.looked_at["opt-out confirmations"] = len(confirmations)
    findings.looked_at[PAID_IN_FULL] += 0  # reported even when none
    by_person: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for index, message in enumerate(messages):
        digits = message["to"].lstrip("+")
        place = places.get(digits)
        if place is None or index in confirmations:
            continue
        at = datetime.fromisoformat(message["received_at"])
        findings.looked_at["messages"] += 1
        findings.looked_at[f"messages {message['channel']}"] += 1
        if not within_hours(at, place):
            local = at.astimezone(ZoneInfo(place.zone))
            findings.add(RULES[0], f"{digits} {place.state} {local:%a %Y-%m-%d %H:%M} {message['channel']}")
        by_person[digits].append((at, message["channel"]))
    for digits, sent in by_person.items():
        _caps(digits, sorted(sent), places[digits], findings)
    for reply in replies:
        findings.looked_at[f"replies {reply.kind}"] += 1
        for at, channel in by_person.get(reply.digits, []):
            if reply.kind == "opt_out" and channel == reply.channel and at > reply.at:
                findings.add(RULES[3], f"{reply.digits} {channel} at {at:%Y-%m-%d %H:%M} after opt-out {reply.at}")
            if reply.kind == "paid_in_full" and at > reply.at:
                # Counted, not a violation: a send already past its send-time check may land just after.
                findings.looked_at[PAID_IN_FULL] += 1
            held_until = reply.at + HARDSHIP_PAUSE if reply.kind == "hardship" else None
            if reply.kind in ("dispute", "hardship") and at > reply.at and (held_until is None or at < held_until):
                findings.add(RULES[2], f"{reply.digits} {channel} at {at:%Y-%m-%d %H:%M} after {reply.kind} {reply.at}")


def _opt_out_confirmations(messages: list[dict[str, Any]], replies: list[Reply]) -> set[int]:
    """The index of the first message on the opted-out channel within minutes of each opt-out."""
    by_recipient: dict[tuple[str, str], list[tuple[datetime, int]]] = defaultdict(list)
    for index, message in enumerate(messages):
        at = datetime.fromisoformat(message["received_at"])
        by_recipient[(message["to"].lstrip("+"), message["channel"])].append((at, index))
    found = set()
    for reply in replies:
        if reply.kind == "opt_out":
            after = [(at, i) for at, i in by_recipient.get((reply.digits, reply.channel), []) if at >= reply.at]
            if after and min(after)[0] <= reply.at + CONFIRMATION_WITHIN:
                found.add(min(after)[1])
    return found


def _caps(digits: str, sent: list[tuple[datetime, str]], place: Place, findings: Findings) -> None:
    days = [at.astimezone(ZoneInfo(place.zone)).date() for at, _ in sent]
    for i, day in enumerate(days):
        same_day = sum(1 for d in days[: i + 1] if d == day)
        in_week = sum(1 for d in days[: i + 1] if (day - d).days < 7)
        if same_day > 1 or in_week > 3:
            findings.add(RULES[1], f"{digits} {day}: {same_day} that day, {in_week} in 7 days")


def check_registries(registries: dict[str, Any], settled_debts: set[str], findings: Findings) -> None:
    """Inscriptions only after a confirmed notice and its waiting period, once; protests after their period;
    every settled debt's inscription removed."""
    notices = {n["id"]: n for n in registries["notices"]}
    findings.looked_at["bureau notices"] = len(notices)
    per_debt: Counter[str] = Counter()
    for inscription in registries["inscriptions"]:
        findings.looked_at["inscriptions"] += 1
        per_debt[inscription["debt_id"]] += 1
        notice = notices.get(inscription["notice_id"])
        inscribed_at = datetime.fromisoformat(inscription["inscribed_at"])
        if notice is None or notice.get("debt_id") != inscription["debt_id"]:
            findings.add(RULES[4], f"{inscription['debt_id']}: no notice {inscription['notice_id']}")
        elif inscribed_at < datetime.fromisoformat(notice["confirmed_at"]) + BUREAU_WAIT:
            findings.add(
                RULES[4], f"{inscription['debt_id']}: inscribed {inscribed_at}, notice {notice['confirmed_at']}"
            )
        if inscription["status"] == "removed":
            findings.looked_at["removals"] += 1
        if inscription["debt_id"] in settled_debts and inscription["status"] != "removed":
            findings.add(RULES[7], f"{inscription['debt_id']}: {inscription['status']}")
    for debt_id, count in per_debt.items():
        if count > 1:
            findings.add(RULES[5], f"{debt_id}: {count} inscriptions")
    for title in registries.get("protests", []):
        findings.looked_at["protest titles"] += 1
        if title.get("protestado_em") and title["protestado_em"] < title["prazo_final"]:
            findings.add(
                RULES[6], f"{title.get('debt_id')}: protested {title['protestado_em']} < {title['prazo_final']}"
            )


def check(
    messages: Iterable[dict[str, Any]],
    registries: dict[str, Any],
    places: dict[str, Place],
    replies: Iterable[Reply],
    settled_debts: set[str],
) -> Findings:
    """Every rule over everything the providers received."""
    findings = Findings()
    check_messages(messages, places, replies, findings)
    check_registries(registries, settled_debts, findings)
    for rule in RULES:
        findings.violations[rule] += 0  # listed even when zero
    return findings
