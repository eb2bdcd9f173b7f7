"""Small-claims filing of a debt (pure): never for a time-barred, settled or recalled debt, never twice.

Código Civil art. 206 §5 I bars claims on debts in a written instrument five years after the due date; strategy
never asks for a suit on such a debt, and registry-bridge refuses one on its own too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

PRESCRIPTION_YEARS = 5  # Código Civil art. 206 §5 I


@dataclass
class Filing:
    """A debt's small-claims filing."""

    filed_at: datetime | None = None
    case_number: str = ""
    refused: str = ""  # the last refusal's rule, so it is reported once


def time_barred_on(due_date: date, years: int = PRESCRIPTION_YEARS) -> date:
    """The day a debt becomes time-barred (29 February counts as 28 February in a common year)."""
    try:
        return due_date.replace(year=due_date.year + years)
    except ValueError:
        return due_date.replace(year=due_date.year + years, day=28)


def refusal(filing: Filing, due_date: str, today: date, closed_because: str) -> tuple[str, str] | None:
    """Why the debt may not be taken to small claims now, as (rule, reason); None when it may."""
    if closed_because:
        return closed_because, f"the debt is {closed_because}; it is never sued"
    if filing.filed_at is not None:
        return "already_filed", f"already filed as case {filing.case_number}"
    try:
        due = date.fromisoformat(due_date)
    except ValueError:
        return "due_date_unknown", "the due date is unknown, so the claim cannot be shown not to be time-barred"
    barred_on = time_barred_on(due)
    if today >= barred_on:
        return "time_barred", f"time-barred since {barred_on} (Código Civil art. 206 §5 I); never sued"
    return None


def filed(filing: Filing, at: datetime, case_number: str) -> None:
    """Records the filing and the court's case number."""
    filing.filed_at, filing.case_number, filing.refused = at, case_number, ""
