"""Owed validation notices around the dispatcher: opened when a first communication is sent, their windows watched.

The dispatcher sends a notice like any action; this records that one is owed (before the first message is
recorded sent, so a crash cannot lose it: the first message's reconciliation records it again, by the same id),
keeps its deferrals from sleeping past its window's end, records that end as a breach once when the notice is
still unsent (an audit entry naming the debt and the metric), and counts how each notice ended.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from cordial_core.clock import Clock
from cordial_core.ids import stable_id
from cordial_messaging.domain.audit import AuditTrail, action_entry
from cordial_messaging.domain.validation import (
    BLOCKED,
    BLOCKED_ENTRY,
    MISSED,
    MISSED_ENTRY,
    NOT_REQUIRED_ENTRY,
    SENT,
    SENT_LATE,
    TEMPLATE,
    OwedNotice,
    due_within_window,
    window_end,
    window_missed,
)

if TYPE_CHECKING:
    from cordial_messaging.domain.dispatch import ActionToSend, Attempt, Messages

# The message field that records, once, that a notice's window ended before it was sent.
MISSED_FIELD = "validation_window_missed_at"


class NoticeOutcomes(Protocol):
    """Counts how owed notices ended (sent, sent_late, blocked, not_required, missed): a metric operators watch."""

    def count(self, outcome: str) -> None: ...


def notice_id(tenant: str, first_message_id: str) -> str:
    """One notice per first message: whoever records it again records the same one."""
    return stable_id("validation-notice", tenant, first_message_id)


class Notices:
    """Owes, times and reports the validation notices the dispatcher sends."""

    def __init__(
        self,
        messages: Messages,
        clock: Clock,
        audit: AuditTrail | None = None,
        outcomes: NoticeOutcomes | None = None,
    ) -> None:
        self._messages = messages
        self._clock = clock
        self._audit = audit
        self._outcomes = outcomes

    async def owe(self, action: ActionToSend, attempt: Attempt) -> None:
        """Opens the notice a sent message owes, due at once, to the point it went to; nothing when it owes none."""
        if attempt.notice_days < 0 or action.confirms is not None or action.validates is not None:
            return
        now = self._clock.now()
        # From the attempt's start: a send recorded only after reconciling a crash does not stretch the window.
        sent_at = attempt.started_at or now
        owed = OwedNotice(
            action.action_id,
            attempt.contact_point_id,
            attempt.channel,
            attempt.to,
            attempt.notice_days,
            window_end(sent_at, attempt.notice_days),
        )
        notice = replace(
            action,
            action_id=notice_id(action.tenant, action.action_id),
            channels=(attempt.channel,),
            template=TEMPLATE,
            tone="legal_notice",
            locale="en",
            validates=owed,
        )
        await self._messages.open(notice)
        await self._messages.defer(notice, now)

    def due(self, action: ActionToSend, wanted: datetime) -> datetime:
        """When a deferred action is taken up again: a notice no later than its window's end."""
        if action.validates is None:
            return wanted
        return due_within_window(wanted, action.validates, self._clock.now())

    async def watch(self, action: ActionToSend) -> None:
        """Records a notice's window as missed once it has ended with the notice unsent."""
        notice = action.validates
        if notice is not None and window_missed(self._clock.now(), notice):
            await self.missed(action, f"its window ended at {notice.window_ends_at.isoformat()} before it was sent")

    async def missed(self, action: ActionToSend, reason: str) -> None:
        """A notice that cannot be sent within its window: a breach, recorded once (audit entry and metric)."""
        if action.validates is None or not await self._messages.flag(action, MISSED_FIELD, self._clock.now()):
            return
        days = action.validates.days
        await self._entry(action, MISSED_ENTRY, f"validation notice not sent within {days} days: {reason}")
        self._count(MISSED)

    async def ended(self, action: ActionToSend, outcome: str, reason: str = "") -> None:
        """Counts how a notice ended; one that was not sent (blocked, not required) also gets its audit entry."""
        if action.validates is None:
            return
        if outcome == SENT and window_missed(self._clock.now(), action.validates):
            outcome = SENT_LATE
        if outcome not in (SENT, SENT_LATE):
            await self._entry(action, BLOCKED_ENTRY if outcome == BLOCKED else NOT_REQUIRED_ENTRY, reason)
        self._count(outcome)

    async def _entry(self, action: ActionToSend, kind: str, reason: str) -> None:
        """An audit entry about the notice, naming its debt, debtor and the point it is for."""
        notice = action.validates
        if self._audit is None or notice is None:
            return
        recipient = (notice.channel, notice.contact_point_id, notice.address)
        entry = action_entry(action, kind, self._clock.now(), recipient, template=(TEMPLATE, 0), reason=reason)
        await self._audit.append(entry)

    def _count(self, outcome: str) -> None:
        if self._outcomes is not None:
            self._outcomes.count(outcome)
