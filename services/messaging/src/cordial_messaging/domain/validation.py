"""The validation notice a US first communication owes when it did not carry it (FDCPA 1692g(a); 12 CFR 1006.34).

A US first-communication template may declare that the notice "follows in N days" (N <= 5) instead of carrying
it. When a message rendered from one is sent, messaging owes the notice: an action of its own (an
``OwedNotice``), opened before the send is recorded so a crash cannot lose it, due at once, to the same contact
point on the same channel, and sent once by the dispatcher like any message (deferral, spacing, retries,
reconciliation after a crash).

Strategy's contact policy is asked at send time with the purpose "validation_notice": the frequency caps
neither refuse nor count it; holds, opt-outs, blocked points and contact hours still apply. Outside contact
hours it waits for the hours to open; a hold or an opt-out leaves it blocked with the reason; a debt settled,
recalled or written off no longer needs it (1692g(a) excuses a paid debt, and collection has ended). A notice
not sent by the end of its window is a breach an operator must see: an audit entry and a metric when the
window ends, and it is still sent as soon as it may be (late, the debtor still learns their rights).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cordial.types.v1 import types_pb2
from cordial_core.business_days import is_business_day
from cordial_messaging.domain.catalogue import VALIDATION_NOTICE_DAYS, StoredTemplate, variables_of
from cordial_messaging.domain.policy import PolicyVerdict

# The purpose strategy's CheckContact is asked with, and the notice's template name (a WhatsApp template's too).
PURPOSE = "validation_notice"
TEMPLATE = "validation_notice"
# 1006.34(b)(5): the consumer may be assumed to receive the notice 5 days after it is provided, not counting
# Saturdays, Sundays and federal holidays (5 U.S.C. 6103(a)); the validation period ends 30 days after that.
ASSUMED_RECEIPT_DAYS = 5
VALIDATION_PERIOD_DAYS = 30
# What the notice tells the consumer (1692g(a)(1)-(5)), with the end of the validation period.
VALIDATION_NOTICE = (
    "This is a communication from a debt collector about a debt of {amount} owed to {creditor}. "
    "Unless you dispute the debt, or any part of it, by {end} (30 days after you receive this notice), it will be "
    "assumed valid. If you notify us in writing by then that you dispute it, we will obtain "
    "verification of the debt and mail it to you, and on request give you the name and address of the "
    "original creditor, if different from the current one."
)
# Strategy's denies that mean the notice is no longer owed: the debt was paid (1692g(a)'s own exception) or its
# collection ended (recalled, written off), or agreements has no such debt.
NOT_REQUIRED_RULES = frozenset(
    {"standing_settled", "standing_recalled", "standing_written_off", "standing_unknown_debt"}
)
HOURS_RULE = "contact_hours"
# What became of an owed notice, as the metric counts it.
SENT, SENT_LATE, BLOCKED, NOT_REQUIRED, MISSED = "sent", "sent_late", "blocked", "not_required", "missed"
# Audit entries of a notice that was not sent in time: its window ended, a hold stopped it, it was not owed.
MISSED_ENTRY, BLOCKED_ENTRY, NOT_REQUIRED_ENTRY = (
    "validation_notice_missed",
    "validation_notice_blocked",
    ("validation_notice_not_required"),
)


@dataclass(frozen=True)
class OwedNotice:
    """A validation notice owed after a first communication: where that went, and by when the notice must."""

    first_message_id: str
    contact_point_id: str
    channel: types_pb2.Channel
    address: str
    days: int
    window_ends_at: datetime


def owed_days(template: StoredTemplate) -> int | None:
    """The days within which a template's message owes the validation notice; None when it owes none.

    Owed by a US first communication declaring a follow-up (0..5 days) that does not carry the notice itself.
    """
    follows = template.validation_notice_follows_in_days
    if template.jurisdiction != "US" or not template.first_communication:
        return None
    if not 0 <= follows <= VALIDATION_NOTICE_DAYS or "validation_notice" in variables_of(template.body):
        return None
    return follows


def window_end(sent_at: datetime, days: int) -> datetime:
    """When the notice must have been sent: N days after the first communication (0 is read as 1: a follow-up
    cannot leave in the same instant as the message it follows)."""
    return sent_at + timedelta(days=max(days, 1))


def validation_period_end(provided_on: date) -> date:
    """The last day of the validation period for a notice provided on a day (12 CFR 1006.34(b)(5))."""
    day, counted = provided_on, 0
    while counted < ASSUMED_RECEIPT_DAYS:
        day += timedelta(days=1)
        counted += is_business_day(day, "US")
    return day + timedelta(days=VALIDATION_PERIOD_DAYS)


def notice_text(amount: str, creditor: str, provided_on: date) -> str:
    """The validation notice naming the amount, the creditor and the end of its validation period."""
    end = validation_period_end(provided_on)
    return VALIDATION_NOTICE.format(amount=amount, creditor=creditor, end=f"{end:%B} {end.day}, {end.year}")


def waits_for_hours(verdict: PolicyVerdict) -> bool:
    """True when the policy refused the notice only for the debtor's contact hours: it waits for them to open."""
    return not verdict.allowed and verdict.rule == HOURS_RULE and verdict.next_allowed_at is not None


def outcome_of_deny(verdict: PolicyVerdict) -> str:
    """What a deny other than the hours makes of an owed notice: no longer required, or blocked (a hold, an
    opt-out, a blocked point)."""
    return NOT_REQUIRED if verdict.rule in NOT_REQUIRED_RULES else BLOCKED


def due_within_window(wanted: datetime, notice: OwedNotice, now: datetime) -> datetime:
    """When to take the notice up again: as wanted, but no later than its window's end while that is still
    ahead, so the breach is recorded when it happens (the dispatcher records it on taking the notice up)."""
    return wanted if window_missed(now, notice) else min(wanted, notice.window_ends_at)


def window_missed(now: datetime, notice: OwedNotice) -> bool:
    """True once the window has ended (at its last instant the notice is late)."""
    return now >= notice.window_ends_at
