"""Protest of a debt at the protest registry (pure): presented, the registry notifies the debtor, then protested.

Lei 9.492/1997: the registry notifies the debtor (art. 14) and registers the protest only after its period
(art. 12: three business days from the presentation). The registry states the end of the period; a title is
protested at most once, and a settled or recalled debt's title is withdrawn (before protest) or its protest
cancelled (after, Lei 9.492/1997 art. 26). A title in its notice period is also withdrawn when the debtor
enters an agreement (art. 16: the presenter may withdraw it before the protest is registered).

Requests and attempts: strategy's request id is the same however often one ask is repeated (a retry), and
new for a new ask. A retry changes nothing. After a withdrawal on an open debt (the agreement broke), a
request with a new id presents the title again as a new attempt, under a new presenter's number
(`attempt` goes into the protest id), so the registry never answers it with the withdrawn title; a late
retry of a withdrawn attempt's request is recognised by its id and ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    attempt: int = 0  # 0 for the first presentation; one more for each presentation after a withdrawal
    requests: list[str] = field(default_factory=list)  # request ids of the current attempt
    past_requests: list[str] = field(default_factory=list)  # request ids of withdrawn attempts


def is_new_attempt(protest: Protest, request_id: str, closed_because: str) -> bool:
    """True when a request asks to present a withdrawn title of an open debt again (not a retry of an old ask)."""
    if protest.state != ProtestState.CANCELLED or closed_because or not request_id:
        return False
    return request_id not in protest.past_requests and request_id not in protest.requests


def reopen(protest: Protest) -> None:
    """Starts a new attempt after a withdrawal: nothing presented yet, the old attempt's requests kept as past."""
    protest.past_requests, protest.requests = [*protest.past_requests, *protest.requests][-20:], []
    protest.attempt += 1
    protest.state, protest.reason = ProtestState.NONE, f"presented again (attempt {protest.attempt + 1})"
    protest.notice_sent_at = protest.not_before = protest.protested_at = protest.cancelled_at = None


def asked(protest: Protest, request_id: str) -> bool:
    """Remembers a request id as one of the current attempt's; True when it is new."""
    if not request_id or request_id in protest.requests:
        return False
    protest.requests = [*protest.requests, request_id][-10:]
    return True


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
