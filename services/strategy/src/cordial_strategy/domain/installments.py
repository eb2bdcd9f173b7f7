"""Reminders of an agreement's next installment: the only contact a debt in good standing gets (pure).

Installment k falls due monthly from the first due date, moved off weekends and Brazilian national holidays
as agreements schedules it; its reminder is due from the start of the local day two days before. An
installment whose due date has passed gets no reminder (a broken agreement is agreements' call). Installments
paid in full (agreements' agreement.installment_paid) are never reminded: the reminder is for the next unpaid
one, and none is left once all are paid.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

REMIND_DAYS_BEFORE = 2


@dataclass
class InstallmentPlan:
    """A debt's agreement in good standing, as its reminders need it."""

    agreement_id: str
    first_due: str  # ISO date of installment 1 (the down payment)
    count: int
    reminded: int = 0  # the last installment reminded
    paid: list[int] = field(default_factory=list)  # installments paid in full, as agreements reported them

    def installment_paid(self, number: int) -> None:
        """Records an installment paid in full (a redelivered event changes nothing)."""
        if 1 <= number <= self.count and number not in self.paid:
            self.paid = sorted([*self.paid, number])

    @property
    def all_paid(self) -> bool:
        """Every installment is paid."""
        return len(self.paid) >= self.count

    def key(self, number: int) -> str:
        """The action key of one installment's reminder."""
        return f"installment:{self.agreement_id}:{number}"


def due_on(plan: InstallmentPlan, number: int) -> date:
    """The due date of installment `number` (1-based)."""
    first = date.fromisoformat(plan.first_due)
    month = first.month - 1 + number - 1
    year, month = first.year + month // 12, month % 12 + 1
    day = min(first.day, calendar.monthrange(year, month)[1])
    due = date(year, month, day)
    calendar_br = holidays.country_holidays("BR", years=range(due.year, due.year + 2))
    while due.weekday() >= 5 or due in calendar_br:
        due += timedelta(days=1)
    return due


def next_reminder(plan: InstallmentPlan, tz: ZoneInfo, now: datetime) -> tuple[int, datetime] | None:
    """The next unpaid installment to remind and the moment its reminder is due, or None when none is left."""
    today = now.astimezone(tz).date()
    number = plan.reminded + 1
    while number <= plan.count and (number in plan.paid or due_on(plan, number) < today):
        number += 1  # paid (maybe ahead of time), or past due already: no reminder after the fact
    if number > plan.count:
        return None
    day = due_on(plan, number) - timedelta(days=REMIND_DAYS_BEFORE)
    return number, datetime.combine(day, time(0), tz)
