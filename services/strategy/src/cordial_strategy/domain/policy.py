"""The contact policy: whether a debtor may be contacted now, with a reason anyone can read.

Rules run in order and the first deny decides: holds, blocked contact points, opt-outs, contact
hours, caps per person across all debts and clients, caps per channel, Regulation F call limits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from cordial.types.v1 import types_pb2
from cordial_strategy.domain.debtor import Contact, DebtorState, Hold, HoldKind, debt_key
from cordial_strategy.domain.decision import Decision
from cordial_strategy.domain.hours import (
    SAO_PAULO_HOURS,
    QuietHours,
    check_contact_hours,
    next_window_start,
    zone,
)

__all__ = [
    "SAO_PAULO_HOURS",
    "ChannelCap",
    "ContactPolicy",
    "ContactRequest",
    "Decision",
    "QuietHours",
    "check_contact_hours",
    "next_window_start",
]

VOICE = types_pb2.CHANNEL_VOICE
# A notice the law requires (FDCPA 1692g(a): the validation notice after a US first communication that lacked it):
# the frequency caps neither refuse nor count it, so a cap cannot make the agency breach the law; holds, opt-outs,
# blocked points and contact hours still apply, and an agreement does not stop it (the rights it states remain).
VALIDATION_NOTICE = "validation_notice"
REQUIRED_NOTICES = frozenset({VALIDATION_NOTICE})
# What an agreement in good standing still lets through.
AGREEMENT_ALLOWS = frozenset({"installment_reminder", VALIDATION_NOTICE})
OUTBOUND = ("message", "call")
# Holds that stop every kind of contact, most serious first.
HOLD_ORDER = (
    HoldKind.DECEASED,
    HoldKind.INSOLVENCY,
    HoldKind.CEASE,
    HoldKind.DISPUTE,
    HoldKind.NOT_ME,
    HoldKind.HARDSHIP,
    HoldKind.AGREEMENT,
)
HOLD_TEXT = {
    HoldKind.DECEASED: "the debtor is reported deceased",
    HoldKind.INSOLVENCY: "bankruptcy or over-indebtedness proceedings (Lei 14.181/2021) are open",
    HoldKind.CEASE: "the debtor asked that contact cease",
    HoldKind.DISPUTE: "the debt is disputed",
    HoldKind.NOT_ME: "the person contacted said they are not the debtor",
    HoldKind.HARDSHIP: "a hardship pause is running",
    HoldKind.AGREEMENT: "an agreement is in good standing: only next-installment reminders",
}


@dataclass(frozen=True)
class ChannelCap:
    """At most so many contacts on one channel per local day and per 7 local days."""

    per_day: int
    per_week: int


@dataclass(frozen=True)
class ContactRequest:
    """A contact about to happen: for which debt, on which channel and point, why, and where the debtor is."""

    tenant: str
    debt_id: str
    channel: int = types_pb2.CHANNEL_UNSPECIFIED  # unspecified: any channel (the ruler's question)
    contact_point_id: str = ""
    purpose: str = "collection"  # collection | installment_reminder | validation_notice
    time_zone: str = ""
    country: str = ""
    state: str = ""
    # The action the contact is for: its own reservation never counts against it (a retried check).
    action_id: str = ""


@dataclass(frozen=True)
class ContactPolicy:
    """The agency's caps; the law's hours come from the jurisdiction."""

    per_day: int = 1
    per_week: int = 3
    channel_caps: dict[int, ChannelCap] = field(default_factory=dict)
    calls_per_week_per_debt: int = 7  # Reg F 12 CFR 1006.14(b)(2)(i)(A)
    days_after_conversation: int = 7  # Reg F 12 CFR 1006.14(b)(2)(i)(B)

    def check(self, now: datetime, request: ContactRequest, debtor: DebtorState) -> Decision:
        """Allow or deny one contact now; a deny names the rule, the values and the next chance."""
        hours = check_contact_hours(now, request.time_zone, request.country, request.state)
        rules: list[Callable[[], Decision | None]] = [
            lambda: self._holds(now, request, debtor, hours),
            lambda: self._blocked(request, debtor, hours),
            lambda: None if hours.allowed else hours,
            lambda: None if self._required(request) else self._caps(now, request, debtor, hours),
        ]
        for rule in rules:
            denied = rule()
            if denied is not None:
                return denied
        within = "a notice the law requires, outside the caps" if self._required(request) else "within caps"
        return replace(
            hours,
            rule="contact_policy",
            explanation=f"no hold, no opt-out, {within}; {hours.explanation}",
            values={**hours.values, **self._counts(now, request, debtor)},
        )

    @staticmethod
    def _required(request: ContactRequest) -> bool:
        """A notice the law requires, outside the caps; never a call (Reg F's call limits hold for every call)."""
        return request.purpose in REQUIRED_NOTICES and request.channel != VOICE

    def _holds(self, now: datetime, request: ContactRequest, debtor: DebtorState, hours: Decision) -> Decision | None:
        holds = debtor.active_holds(debt_key(request.tenant, request.debt_id), now)
        for kind in HOLD_ORDER:
            hold = next((h for h in holds if h.kind == kind), None)
            if hold is None or (kind == HoldKind.AGREEMENT and request.purpose in AGREEMENT_ALLOWS):
                continue
            return denied(hours, f"hold_{kind}", _hold_text(hold), hold.until, _hold_values(hold))
        return None

    def _blocked(self, request: ContactRequest, debtor: DebtorState, hours: Decision) -> Decision | None:
        reason = debtor.blocked_points.get(request.contact_point_id) if request.contact_point_id else None
        if reason is not None:
            text = f"contact point {request.contact_point_id} is never used for this debtor again: {reason}"
            return denied(hours, "contact_point_blocked", text, None, {"contact_point_id": request.contact_point_id})
        source = debtor.opted_out_channels.get(str(request.channel))
        if source is not None:
            name = types_pb2.Channel.Name(request.channel)
            text = f"the debtor opted out of {name} ({source})"
            return denied(hours, "opted_out", text, None, {"channel": name, "source": source})
        return None

    def _caps(self, now: datetime, request: ContactRequest, debtor: DebtorState, hours: Decision) -> Decision | None:
        tz = zone(request.time_zone)
        today = now.astimezone(tz).date()
        outbound = [c for c in _others(debtor, request) if c.kind in OUTBOUND]
        caps: list[tuple[str, str, list[Contact], int, int]] = [
            ("cap_per_day", "contacts today across all debts and clients", outbound, self.per_day, 1),
            ("cap_per_week", "contacts in 7 days across all debts and clients", outbound, self.per_week, 7),
        ]
        cap = self.channel_caps.get(request.channel)
        if cap is not None:
            mine = [c for c in outbound if c.channel == request.channel]
            name = types_pb2.Channel.Name(request.channel)
            caps.append(("channel_cap_per_day", f"{name} contacts today", mine, cap.per_day, 1))
            caps.append(("channel_cap_per_week", f"{name} contacts in 7 days", mine, cap.per_week, 7))
        if request.channel == VOICE:
            key = debt_key(request.tenant, request.debt_id)
            calls = [c for c in _others(debtor, request) if c.kind == "call" and c.debt_key == key]
            caps.append(
                ("regf_calls_7_in_7", "calls about this debt in 7 days", calls, self.calls_per_week_per_debt, 7)
            )
        for rule, what, contacts, limit, days in caps:
            days_used = [c.at.astimezone(tz).date() for c in contacts]
            count = _in_window(days_used, today, days)
            if count >= limit:
                reset = _reset_day(days_used, today, days, limit)
                values = {"count": str(count), "limit": str(limit), "window_days": str(days), "local_day": str(today)}
                text = f"{count} {what} (limit {limit}; local day {today} in {tz.key})"
                return denied(hours, rule, text, self._open_at(reset, request), values)
        return self._conversation(now, request, debtor, hours)

    def _conversation(
        self, now: datetime, request: ContactRequest, debtor: DebtorState, hours: Decision
    ) -> Decision | None:
        if request.channel != VOICE:
            return None
        tz = zone(request.time_zone)
        key = debt_key(request.tenant, request.debt_id)
        talks = [
            c.at.astimezone(tz).date()
            for c in debtor.contacts.values()
            if c.kind == "conversation" and c.debt_key == key
        ]
        last = max(talks, default=None)
        today = now.astimezone(tz).date()
        if last is None or (today - last).days >= self.days_after_conversation:
            return None
        reset = last + timedelta(days=self.days_after_conversation)
        text = f"a conversation about this debt on {last}; no calls until {reset} (Reg F 12 CFR 1006.14(b)(2)(i)(B))"
        return denied(
            hours, "regf_after_conversation", text, self._open_at(reset, request), {"conversation": str(last)}
        )

    def _counts(self, now: datetime, request: ContactRequest, debtor: DebtorState) -> dict[str, str]:
        tz = zone(request.time_zone)
        today = now.astimezone(tz).date()
        days_used = [c.at.astimezone(tz).date() for c in _others(debtor, request) if c.kind in OUTBOUND]
        return {
            "contacts_today": f"{_in_window(days_used, today, 1)}/{self.per_day}",
            "contacts_7_days": f"{_in_window(days_used, today, 7)}/{self.per_week}",
        }

    @staticmethod
    def _open_at(day: date, request: ContactRequest) -> datetime:
        """The first moment contact hours are open from the start of a local day."""
        tz = zone(request.time_zone)
        midnight = datetime.combine(day, time(0), tz)
        opening = check_contact_hours(midnight, request.time_zone, request.country, request.state)
        return opening.next_allowed_at or midnight


def denied(hours: Decision, rule: str, text: str, next_at: datetime | None, values: dict[str, str]) -> Decision:
    """A deny by a rule, stamped with the local time and jurisdiction the hours check saw."""
    merged = {
        "local_time": hours.values.get("local_time", ""),
        "jurisdiction": hours.values.get("jurisdiction", ""),
    }
    return Decision(False, rule, text, hours.decided_at, hours.time_zone, next_at, {**merged, **values})


def _others(debtor: DebtorState, request: ContactRequest) -> list[Contact]:
    """The debtor's contacts other than the one this request is for."""
    return [c for key, c in debtor.contacts.items() if not request.action_id or key != request.action_id]


def _in_window(days: list[date], today: date, window: int) -> int:
    """How many of the days fall in the `window` local days ending today."""
    first = today - timedelta(days=window - 1)
    return sum(1 for d in days if first <= d <= today)


def _reset_day(days: list[date], today: date, window: int, limit: int) -> date:
    """The first later local day whose window holds fewer than `limit` contacts."""
    day = today + timedelta(days=1)
    while _in_window(days, day, window) >= limit:
        day += timedelta(days=1)
    return day


def _hold_text(hold: Hold) -> str:
    scope = f"debt {hold.debt_key}" if hold.debt_key else "every debt of the debtor"
    until = f" until {hold.until:%Y-%m-%d %H:%M} UTC" if hold.until else ""
    reason = f" ({hold.reason})" if hold.reason else ""
    return f"{HOLD_TEXT[hold.kind]}{reason}: {scope}{until}"


def _hold_values(hold: Hold) -> dict[str, str]:
    values = {"hold": str(hold.kind), "since": hold.since.isoformat(), "scope": hold.debt_key or "debtor"}
    if hold.until:
        values["until"] = hold.until.isoformat()
    return values
