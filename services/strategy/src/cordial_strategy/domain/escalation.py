"""Escalation under the law: which stage a debt may take now, and why not otherwise (pure rules).

- Credit-bureau inscription: only after the bureau's prior notice to the debtor is confirmed (CDC art. 43 §2;
  STJ Súmula 359 puts the notice on the bureau) and its waiting period has run: 10 days by default (the
  bureaus' practice), configurable per jurisdiction.
- Protest: only after the registry's protest notice period has run (Lei 9.492/1997 art. 12: the protest is
  registered within three business days of the protocol): counted in business days of the debtor's place,
  national and state holidays off, per jurisdiction as data with its citation (cordial_core.business_days),
  and never before the end the registry itself answered (it may know a municipal holiday).
- Suit or threat of suit: never on a time-barred debt; Código Civil art. 206 §5 I bars claims on debts in a
  public or private written instrument after 5 years from the due date.
- Never for a debt in an agreement in good standing, in dispute or recalled; removal is requested as soon
  as the debt is settled (CDC art. 43 §3 and the STJ's five business days for the creditor).
- The strategy's own conditions come before any step: the client opted in, a minimum balance and a minimum
  number of days past due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cordial_core.business_days import protest_not_before, protest_period

BUREAU = "bureau_inscription"
PROTEST = "protest"
SUIT = "small_claims"
PRESCRIPTION_YEARS = 5  # Código Civil art. 206 §5 I


@dataclass(frozen=True)
class EscalationLaw:
    """The waiting periods of a jurisdiction."""

    bureau_wait_days: int = 10
    protest_business_days: int | None = None  # None: the jurisdiction's (PROTEST_PERIODS)
    prescription_years: int = PRESCRIPTION_YEARS


@dataclass(frozen=True)
class DebtStanding:
    """What escalation needs to know about a debt."""

    due_date: date
    balance_minor: int
    days_past_due: int
    in_good_agreement: bool = False
    disputed: bool = False
    recalled: bool = False
    settled: bool = False
    inscribed: bool = False
    notice_confirmed_at: datetime | None = None
    protest_notice_at: datetime | None = None
    protest_not_before: datetime | None = None  # the end of the notice period the registry answered
    # Where the debtor lives: the place whose business days count.
    country: str = "BR"
    state: str = ""
    time_zone: str = ""


@dataclass(frozen=True)
class EscalationConditions:
    """A strategy's conditions for escalating at all; a client that has not opted in is never escalated."""

    min_balance_minor: int = 0
    min_days_past_due: int = 0
    client_opted_in: bool = False


@dataclass(frozen=True)
class EscalationVerdict:
    """Allowed or not, the rule that decided and a readable reason."""

    allowed: bool
    rule: str
    reason: str
    not_before: datetime | None = None


def may_escalate(stage: str, debt: DebtStanding, now: datetime, law: EscalationLaw | None = None) -> EscalationVerdict:
    """Whether a debt may take an escalation stage now."""
    law = law or EscalationLaw()
    for blocked, rule, reason in (
        (debt.settled, "settled", "the debt is settled"),
        (debt.recalled, "recalled", "the client recalled the debt"),
        (debt.disputed, "disputed", "the debt is in dispute"),
        (debt.in_good_agreement, "agreement_in_good_standing", "an agreement is in good standing"),
    ):
        if blocked:
            return EscalationVerdict(False, rule, reason)
    if stage == BUREAU:
        return _after(debt.notice_confirmed_at, law.bureau_wait_days, now, "bureau_prior_notice", "prior notice")
    if stage == PROTEST:
        return _protest_period_run(debt, now, law)
    if stage == SUIT:
        barred_on = time_barred_on(debt.due_date, law.prescription_years)
        if now.date() >= barred_on:
            return EscalationVerdict(
                False, "time_barred", f"time-barred since {barred_on} (Código Civil art. 206 §5 I); no suit or threat"
            )
    return EscalationVerdict(True, "allowed", f"{stage} allowed")


def _after(notice: datetime | None, days: int, now: datetime, rule: str, what: str) -> EscalationVerdict:
    if notice is None:
        return EscalationVerdict(False, rule, f"the {what} has not been confirmed")
    ready = notice + timedelta(days=days)
    if now < ready:
        return EscalationVerdict(
            False, rule, f"the {what}'s {days}-day waiting period runs until {ready:%Y-%m-%d %H:%M} UTC", ready
        )
    return EscalationVerdict(True, rule, f"the {what} was confirmed {days} or more days ago")


def _protest_period_run(debt: DebtStanding, now: datetime, law: EscalationLaw) -> EscalationVerdict:
    """The protest notice period counted in business days of the debtor's place, and not before the registry's."""
    if debt.protest_notice_at is None:
        return EscalationVerdict(False, "protest_notice", "the protest notice has not been confirmed")
    country = debt.country or "BR"
    period = protest_period(country, debt.state)
    days = period.business_days if law.protest_business_days is None else law.protest_business_days
    ours = protest_not_before(debt.protest_notice_at, debt.time_zone, country, debt.state, days)
    ready = max(ours, debt.protest_not_before or ours)
    place = f"{country}-{debt.state}" if debt.state else country
    if now < ready:
        return EscalationVerdict(
            False,
            "protest_notice",
            f"the protest notice period ({days} business days at {place}) runs until {ready:%Y-%m-%d %H:%M} UTC; "
            f"{period.citation}",
            ready,
        )
    return EscalationVerdict(
        True, "protest_notice", f"the protest notice period ({days} business days at {place}) has run"
    )


def time_barred_on(due_date: date, years: int = PRESCRIPTION_YEARS) -> date:
    """The day a debt becomes time-barred (29 February counts as 28 February in a common year)."""
    try:
        return due_date.replace(year=due_date.year + years)
    except ValueError:
        return due_date.replace(year=due_date.year + years, day=28)


def must_request_removal(debt: DebtStanding) -> bool:
    """A settled debt's inscription is removed at once."""
    return debt.settled and debt.inscribed


NOTICE = "prior_notice"
PRESENT = "protest_presentation"  # the title goes to the registry, which notifies the debtor; protest follows
ESCALATE_AFTER_DAYS = 15  # days after the first contact with no payment before the prior notice
# The registry keeps its own clock on the notice period: an ask it found early is repeated this much later.
PROTEST_RETRY = timedelta(days=1)


@dataclass(frozen=True)
class EscalationProgress:
    """What strategy has asked of registry-bridge for a debt and what it heard back."""

    started_at: datetime | None = None  # the first contact requested
    notice_requested: bool = False
    inscription_requested: bool = False
    paid_minor: int = 0
    inscribed: bool = False
    protest_presented: bool = False
    protest_requested_at: datetime | None = None
    protested: bool = False
    filing_requested: bool = False


def meets_conditions(conditions: EscalationConditions, debt: DebtStanding) -> EscalationVerdict:
    """Whether a debt meets the strategy's conditions for escalating, naming the first one it misses."""
    if not conditions.client_opted_in:
        return EscalationVerdict(False, "escalation_not_opted_in", "the client has not opted in to escalation")
    if debt.balance_minor < conditions.min_balance_minor:
        return EscalationVerdict(
            False,
            "escalation_min_balance",
            f"balance {debt.balance_minor} is under the strategy's minimum {conditions.min_balance_minor} (minor)",
        )
    if debt.days_past_due < conditions.min_days_past_due:
        return EscalationVerdict(
            False,
            "escalation_min_days_past_due",
            f"{debt.days_past_due} days past due, under the strategy's minimum {conditions.min_days_past_due}",
        )
    return EscalationVerdict(True, "escalation_conditions", "the strategy's escalation conditions are met")


def next_escalation(
    path: tuple[str, ...],
    progress: EscalationProgress,
    debt: DebtStanding,
    now: datetime,
    law: EscalationLaw | None = None,
    conditions: EscalationConditions | None = None,
) -> tuple[str, EscalationVerdict] | None:
    """The escalation step the strategy's path asks for now and the verdict on it, or None when none is due.

    A stage is due when the path names it and its moment has come: the prior notice 15 days after the first
    contact with nothing paid; inscription once the notice was requested; protest (presented, then protested)
    once the inscription is done; a small-claims filing after the protest. The verdict allows it only when
    the strategy's conditions are met (opted in, minimum balance and days past due) and may_escalate allows
    it: notice confirmed and its waiting period run, the registry's protest notice period run, never
    time-barred for a filing, never settled/disputed/recalled/in agreement. A stage asked of registry-bridge
    and not yet answered (inscription, protest asked less than a day ago) is not due: None.
    """
    if NOTICE not in path or progress.started_at is None:
        return None
    stage = _due_stage(path, progress, now)
    if stage is None:
        return None
    met = meets_conditions(conditions or EscalationConditions(), debt)
    return stage, met if not met.allowed else may_escalate(stage, debt, now, law)


def _due_stage(path: tuple[str, ...], progress: EscalationProgress, now: datetime) -> str | None:
    """The stage the path asks for next, or None while nothing is due (or an ask awaits its answer)."""
    started = progress.started_at
    if not progress.notice_requested:
        if started is None or progress.paid_minor > 0 or now < started + timedelta(days=ESCALATE_AFTER_DAYS):
            return None
        return NOTICE
    if BUREAU in path and not progress.inscription_requested:
        return BUREAU
    if BUREAU in path and not progress.inscribed:
        return None  # registry-bridge has not inscribed it yet
    if PROTEST in path and not progress.protested:
        if not progress.protest_presented:
            return PRESENT
        if progress.protest_requested_at is not None and now < progress.protest_requested_at + PROTEST_RETRY:
            return None  # asked; the registry may have found it early: asked again a day later
        return PROTEST
    if SUIT in path and not progress.filing_requested:
        return SUIT
    return None
