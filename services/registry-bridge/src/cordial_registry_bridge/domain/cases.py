"""Bureau cases: the state machine of a debt's escalation to a credit bureau (pure).

prior notice sent -> notice confirmed (by the bureau) -> waiting period -> inscribed -> removed on settlement
or recall. A debt is inscribed at most once: the inscription id is stable per debt and the machine refuses a
second one. A debt settled or recalled before inscription is closed and never inscribed afterwards. The same
case carries the debt's protest (domain/protest.py) and small-claims filing (domain/filing.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from cordial_core.errors import FailedPrecondition
from cordial_core.ids import stable_id
from cordial_registry_bridge.domain.filing import Filing
from cordial_registry_bridge.domain.protest import Protest

BUREAU_WAIT_DAYS = 10  # the bureaus' practice after the prior notice (CDC art. 43 §2)


class CaseState(StrEnum):
    """Where a bureau case is."""

    OPEN = "open"  # known, nothing sent yet
    NOTICE_SENT = "notice_sent"
    NOTICE_CONFIRMED = "notice_confirmed"
    INSCRIBED = "inscribed"
    REMOVED = "removed"
    CLOSED = "closed"


@dataclass
class BureauCase:
    """The escalation record of one debt."""

    debt_id: str
    tenant: str
    state: CaseState
    reason: str
    debtor_id: str = ""
    notice_confirmed_at: datetime | None = None
    wait_days: int = BUREAU_WAIT_DAYS
    inscribed_at: datetime | None = None
    removed_at: datetime | None = None
    settled: bool = False
    recalled: bool = False
    protest: Protest = field(default_factory=Protest)
    filing: Filing = field(default_factory=Filing)
    version: int = 0

    @property
    def closed_because(self) -> str:
        """ "settled" or "recalled" once the debt left collection, else ""."""
        return "settled" if self.settled else "recalled" if self.recalled else ""

    @property
    def notice_id(self) -> str:
        """Stable per debt: the bureau sees one notice however often it is asked."""
        return stable_id(self.tenant, self.debt_id, "bureau-notice")

    @property
    def inscription_id(self) -> str:
        """Stable per debt: a debt is never inscribed twice."""
        return stable_id(self.tenant, self.debt_id, "bureau-inscription")

    @property
    def protest_id(self) -> str:
        """Stable per debt and attempt: the registry sees one title however often one attempt is presented."""
        if self.protest.attempt == 0:
            return stable_id(self.tenant, self.debt_id, "protest")
        return stable_id(self.tenant, self.debt_id, "protest", str(self.protest.attempt))

    @property
    def filing_id(self) -> str:
        """Stable per debt: a debt is never sued twice."""
        return stable_id(self.tenant, self.debt_id, "small-claims")


def new_case(tenant: str, debt_id: str, debtor_id: str) -> BureauCase:
    """A case with nothing sent."""
    return BureauCase(debt_id, tenant, CaseState.OPEN, "", debtor_id)


def notice_sent(case: BureauCase) -> bool:
    """Records the prior notice as sent; False when it was already sent or the case is past it."""
    if case.closed_because or case.state != CaseState.OPEN:
        return False
    case.state, case.reason = CaseState.NOTICE_SENT, "prior notice sent to the bureau"
    return True


def notice_confirmed(case: BureauCase, at: datetime, wait_days: int = BUREAU_WAIT_DAYS) -> bool:
    """Records the bureau's confirmation; the waiting period starts. False if nothing changed."""
    if case.state != CaseState.NOTICE_SENT:
        return False
    case.state, case.notice_confirmed_at, case.wait_days = CaseState.NOTICE_CONFIRMED, at, wait_days
    case.reason = f"prior notice confirmed; inscription not before {wait_days} days"
    return True


def check_inscription(case: BureauCase, now: datetime) -> None:
    """Raises unless the debt may be inscribed now: notice confirmed, waiting period run, not settled, not yet."""
    if case.closed_because:
        raise FailedPrecondition(f"the debt is {case.closed_because}; it is never inscribed", field="debt_id")
    if case.state in (CaseState.INSCRIBED, CaseState.REMOVED):
        raise FailedPrecondition("the debt was already inscribed; a debt is never inscribed twice", field="debt_id")
    if case.state != CaseState.NOTICE_CONFIRMED or case.notice_confirmed_at is None:
        raise FailedPrecondition("the prior notice has not been confirmed", field="debt_id")
    ready = case.notice_confirmed_at + timedelta(days=case.wait_days)
    if now < ready:
        raise FailedPrecondition(f"the waiting period runs until {ready:%Y-%m-%d %H:%M} UTC", field="debt_id")


def inscribed(case: BureauCase, at: datetime) -> None:
    """Records the inscription (after check_inscription and the bureau's answer)."""
    case.state, case.inscribed_at, case.reason = CaseState.INSCRIBED, at, "inscribed at the bureau"


def settle(case: BureauCase) -> bool:
    """Marks the debt settled; True when an inscription must now be removed."""
    case.settled = True
    return _close(case, "settled")


def recall(case: BureauCase) -> bool:
    """Marks the debt recalled by the client; True when an inscription must now be removed."""
    case.recalled = True
    return _close(case, "recalled")


def _close(case: BureauCase, why: str) -> bool:
    if case.state == CaseState.INSCRIBED:
        return True
    if case.state != CaseState.REMOVED:
        case.state, case.reason = CaseState.CLOSED, f"debt {why} before any inscription"
    return False


def removed(case: BureauCase, at: datetime, why: str = "settled") -> None:
    """Records the removal of the inscription."""
    case.state, case.removed_at, case.reason = CaseState.REMOVED, at, f"inscription removed: debt {why}"
