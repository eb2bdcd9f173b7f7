"""Bureau cases: a debt's escalation and, once settled, the removal that must follow."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CaseState(StrEnum):
    """Where a bureau case is."""

    OPEN = "open"
    CLOSED = "closed"


@dataclass
class BureauCase:
    """The escalation record of one debt."""

    debt_id: str
    tenant: str
    state: CaseState
    reason: str


def close_on_settlement(case: BureauCase | None, tenant: str, debt_id: str) -> BureauCase:
    """A settled debt's case is closed; one never escalated is recorded closed so it never starts."""
    if case is None:
        return BureauCase(debt_id, tenant, CaseState.CLOSED, "debt settled before any escalation")
    case.state, case.reason = CaseState.CLOSED, "debt settled"
    return case
