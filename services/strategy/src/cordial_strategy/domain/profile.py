"""A debtor's profile, built from what the events told strategy about the person across every client."""

from __future__ import annotations

from datetime import date, datetime

from cordial_strategy.domain.debtor import DebtorState
from cordial_strategy.domain.enrichment import profile_flags
from cordial_strategy.domain.strategies import Profile


def build_profile(
    debtor: DebtorState, now: datetime, company: bool, enrichment: dict[str, str] | None = None
) -> Profile:
    """Days past due (the oldest open debt), total balance, open debts, contacts, the latest stated reason."""
    today = now.date()
    due_dates = [date.fromisoformat(d.due_date) for d in debtor.open_debts.values() if d.due_date]
    days = max(((today - d).days for d in due_dates), default=0)
    latest = max(debtor.stated_reasons.items(), key=lambda item: item[1], default=("", now))
    flags = enrichment or {}
    reason = latest[0] or ("lost_job" if flags.get("employment") == "unemployed" else "")
    return Profile(
        days_past_due=max(days, 0),
        balance_minor=sum(d.balance_minor for d in debtor.open_debts.values()),
        open_debts=len(debtor.open_debts),
        agreements_kept=debtor.agreements_in("kept"),
        agreements_broken=debtor.agreements_in("broken"),
        stated_reason=reason,
        company=company,
        contacts=len(debtor.contacts),
        flags=profile_flags(flags),
    )
