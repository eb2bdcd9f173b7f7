"""A debt's standing as agreements knows it at send time, and the rule a message about to leave must pass (pure).

Strategy learns of an accepted agreement, a settlement or a recall from events, which may be consumed seconds
after a message was requested; messaging asks CheckContact right before the send, and CheckContact asks
agreements then (GetDebtStanding). A collection message for a debt in an agreement in good standing, settled,
recalled or written off is denied with the standing's own words; an installment reminder goes on while the
agreement stands, and so does a validation notice (FDCPA 1692g(a): it is not owed once the debt is paid, and
not sent once collection ended: settled, recalled or written off). When agreements does not answer in time the
send is not decided: it is denied for now with the reason, and messaging stores the action as due again later
(`retry`), never sending blind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from cordial_strategy.domain.decision import Decision
from cordial_strategy.domain.policy import VALIDATION_NOTICE, ContactRequest, check_contact_hours, denied

OPEN = "open"
IN_AGREEMENT = "in_agreement"
AGREEMENT_OVERDUE = "agreement_overdue"
SETTLED = "settled"
RECALLED = "recalled"
WRITTEN_OFF = "written_off"
UNKNOWN = "unknown"  # agreements did not answer in time
UNKNOWN_DEBT = "unknown_debt"  # agreements has no such debt for the tenant
HELD = (IN_AGREEMENT, AGREEMENT_OVERDUE)
# The rule of a deny that is no verdict on the contact: ask again later (CheckContactResponse.retry).
RETRY_RULE = "standing_unknown"
DEFAULT_RETRY = timedelta(minutes=1)


@dataclass(frozen=True)
class Standing:
    """What agreements answered for a debt: its standing, why, and its agreement and next installment if any."""

    kind: str
    detail: str
    agreement_id: str = ""
    next_installment: str = ""  # e.g. "2 of 3, due 2024-04-08"


class Standings(Protocol):
    """Asks agreements for a debt's standing; an unanswered call is UNKNOWN with the reason, never an error."""

    async def standing(self, tenant: str, debt_id: str) -> Standing: ...


def standing_decision(
    now: datetime, request: ContactRequest, standing: Standing, retry_after: timedelta = DEFAULT_RETRY
) -> Decision | None:
    """The deny a debt's standing imposes on a contact now, or None when the rest of the policy decides."""
    reminder = request.purpose == "installment_reminder"
    if (standing.kind == OPEN and not reminder) or (standing.kind in HELD and reminder):
        return None
    if standing.kind in HELD and request.purpose == VALIDATION_NOTICE:
        return None  # an agreement does not end the debtor's validation rights; settled, recalled or written off does
    hours = check_contact_hours(now, request.time_zone, request.country, request.state)
    values = {"standing": standing.kind, "source": "agreements GetDebtStanding at send time"}
    if standing.agreement_id:
        values["agreement"] = standing.agreement_id
    if standing.next_installment:
        values["next_installment"] = standing.next_installment
    said = f"agreements says: {standing.detail}"
    if standing.kind == UNKNOWN:
        retry_at = now + retry_after
        text = f"{said}; not sent blind, asked again from {retry_at:%Y-%m-%d %H:%M:%S} UTC"
        return denied(hours, RETRY_RULE, text, retry_at, values)
    if standing.kind == UNKNOWN_DEBT:
        return denied(hours, "standing_unknown_debt", said, None, values)
    if standing.kind in HELD:
        text = f"{said}: a debt in an agreement gets only reminders of its next installment"
        return denied(hours, "standing_in_agreement", text, None, values)
    if standing.kind == OPEN:  # a reminder: its agreement broke or was cancelled meanwhile
        text = f"{said}: no agreement stands any more, so there is no installment to remind"
        return denied(hours, "standing_no_agreement", text, None, values)
    return denied(hours, f"standing_{standing.kind}", f"{said}: contact about it has ended", None, values)
