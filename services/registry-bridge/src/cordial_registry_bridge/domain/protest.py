"""Protest of a debt at the protest registry (pure): presented, the registry notifies the debtor, then protested.

Lei 9.492/1997: the registry notifies the debtor (art. 14) and registers the protest only after its period
(art. 12: three business days from the presentation). The registry states the end of the period; a title is
protested at most once, and a settled or recalled debt's title is withdrawn (before protest) or its protest
cancelled (after, Lei 9.492/1997 art. 26).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from cordial_core.errors import FailedPrecondition


class ProtestState(StrEnum):
    """Where a protest is."""

    NONE = ""
    NOTICE_SENT = "notice_sent"  # presented; the registry notified the debtor
    PROTESTED = "protested"
    CANCELLED = "cancelled"  # withdrawn before protest, or protest cancelled


@dataclass
class Protest:
    """A debt's protest record."""

    state: ProtestState = ProtestState.NONE
    notice_sent_at: datetime | None = None
    not_before: datetime | None = None
    protested_at: datetime | None = None
    cancelled_at: datetime | None = None
    reason: str = ""


def check_presentation(protest: Protest, closed_because: str) -> None:
    """Raises unless a title may be presented now: never for a settled or recalled debt, never twice."""
    if closed_because:
        raise FailedPrecondition(f"the debt is {closed_because}; it is never protested", field="debt_id")
    if protest.state != ProtestState.NONE:
        raise FailedPrecondition("the title was already presented for protest", field="debt_id")


def notice_sent(protest: Protest, at: datetime, not_before: datetime) -> None:
    """Records the presentation and the registry's notice to the debtor; protest not before not_before."""
    protest.state, protest.notice_sent_at, protest.not_before = ProtestState.NOTICE_SENT, at, not_before
    protest.reason = f"protest registry notified the debtor; no protest before {not_before:%Y-%m-%d %H:%M} UTC"


def check_protest(protest: Protest, now: datetime, closed_because: str) -> None:
    """Raises unless the title may be protested now: notified, its period run, not settled or recalled."""
    if closed_because:
        raise FailedPrecondition(f"the debt is {closed_because}; it is never protested", field="debt_id")
    if protest.state == ProtestState.PROTESTED:
        raise FailedPrecondition("the title was already protested", field="debt_id")
    if protest.state != ProtestState.NOTICE_SENT or protest.not_before is None:
        raise FailedPrecondition("the protest registry has not notified the debtor", field="debt_id")
    if now < protest.not_before:
        raise FailedPrecondition(
            f"the protest notice period runs until {protest.not_before:%Y-%m-%d %H:%M} UTC", field="debt_id"
        )


def protested(protest: Protest, at: datetime) -> None:
    """Records the protest."""
    protest.state, protest.protested_at, protest.reason = ProtestState.PROTESTED, at, "protested"


def must_cancel(protest: Protest) -> bool:
    """True when a title is at the registry (notified or protested) and must be withdrawn or cancelled."""
    return protest.state in (ProtestState.NOTICE_SENT, ProtestState.PROTESTED)


def cancelled(protest: Protest, at: datetime, why: str) -> bool:
    """Records the cancellation; returns whether a registered protest (not just a title) was cancelled."""
    was_protested = protest.state == ProtestState.PROTESTED
    protest.state, protest.cancelled_at = ProtestState.CANCELLED, at
    protest.reason = f"{'protest cancelled' if was_protested else 'title withdrawn'}: debt {why}"
    return was_protested
