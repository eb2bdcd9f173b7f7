"""Negotiation: a client's policy, the deterministic menu of offers it allows, and exact installments.

Rules the menu follows, so every offer can be explained line by line:
- The discount band is the one with the largest `min_days_past_due` not above the debt's days past due.
- Paying in full gets the band's whole discount on late fee, interest and principal (correction counts as
  principal: it is the principal's value kept up to date).
- Installment plans (3, 6, 12 where the policy allows) get the band's discount on late fee and interest
  only; the principal is never discounted for paying later.
- Installment 1 is the down payment: at least `min_down_payment_bps` of the total (after an agreement
  over the debt broke: `renegotiation_down_payment_bps` when set; at 100% only paying in full is shown).
  The rest is split in equal parts; the remainder cents go on the down payment (the first), so later
  installments are equal.
- Due dates are monthly from the first; one that falls on a weekend or a Brazilian national holiday
  moves to the next business day.
- A strategy's offer set (OfferTerms) may ask for its own down payment and discounts; the policy bounds
  them: the down payment is at least the policy's minimum, each discount at most the band's. Each offer
  says in `terms` what was asked, what the policy allows and what applies; unset terms follow the policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

import holidays

from cordial_agreements.domain.balance import Breakdown, add_months, to_minor
from cordial_core.errors import InvalidArgument

MENU_INSTALLMENTS = (3, 6, 12)
MAX_PLAN_INSTALLMENTS = 60
_FULL = 10_000
_BPS = Decimal(_FULL)


@dataclass(frozen=True)
class DiscountBand:
    """Discounts (basis points) allowed from a number of days past due."""

    min_days_past_due: int
    fees_discount_bps: int = 0
    interest_discount_bps: int = 0
    principal_discount_bps: int = 0


@dataclass(frozen=True)
class NegotiationPolicy:
    """What a client lets the agency offer; validated when built, contradictions named by field."""

    bands: tuple[DiscountBand, ...] = (DiscountBand(0),)
    min_down_payment_bps: int = 0
    max_installments: int = 1
    min_installment_minor: int = 0
    offer_validity_days: int = 5
    grace_days: int = 5
    # After a break: how many new agreements a debt may get, and the down payment they need (0 = the usual).
    max_renegotiations: int = 1
    renegotiation_down_payment_bps: int = 0

    def __post_init__(self) -> None:
        _within(self.min_down_payment_bps, 0, _FULL, "min_down_payment_bps")
        _within(self.max_installments, 1, 120, "max_installments")
        _within(self.min_installment_minor, 0, 10**12, "min_installment_minor")
        _within(self.offer_validity_days, 1, 90, "offer_validity_days")
        _within(self.grace_days, 0, 90, "grace_days")
        _within(self.max_renegotiations, 0, 12, "max_renegotiations")
        _within(self.renegotiation_down_payment_bps, 0, _FULL, "renegotiation_down_payment_bps")
        if 0 < self.renegotiation_down_payment_bps < self.min_down_payment_bps:
            raise InvalidArgument(
                f"cannot be lower than min_down_payment_bps ({self.min_down_payment_bps}): a broken agreement "
                "never earns easier terms",
                field="renegotiation_down_payment_bps",
            )
        if not self.bands:
            raise InvalidArgument("needs at least one band (from 0 days past due)", field="bands")
        if self.bands[0].min_days_past_due != 0:
            raise InvalidArgument("the first band must start at 0 days past due", field="bands[0].min_days_past_due")
        for i, band in enumerate(self.bands):
            where = f"bands[{i}]"
            if i and band.min_days_past_due <= self.bands[i - 1].min_days_past_due:
                raise InvalidArgument("bands must be in increasing days past due", field=f"{where}.min_days_past_due")
            for name in ("fees_discount_bps", "interest_discount_bps", "principal_discount_bps"):
                _within(getattr(band, name), 0, _FULL, f"{where}.{name}")
            if band.principal_discount_bps and (band.fees_discount_bps < _FULL or band.interest_discount_bps < _FULL):
                raise InvalidArgument(
                    "principal can be discounted only when late fee and interest are waived in full",
                    field=f"{where}.principal_discount_bps",
                )
        if self.max_installments > 1 and self.min_down_payment_bps == _FULL:
            raise InvalidArgument(
                "a 100% down payment leaves nothing to pay in installments; lower it or set max_installments to 1",
                field="min_down_payment_bps",
            )

    def down_payment_bps(self, renegotiation: bool) -> int:
        """The minimum down payment: the renegotiation one after a break when set, else the usual."""
        return (
            (self.renegotiation_down_payment_bps or self.min_down_payment_bps)
            if renegotiation
            else (self.min_down_payment_bps)
        )

    def band_for(self, days_past_due: int) -> DiscountBand:
        """The band that applies to a debt this late."""
        return [b for b in self.bands if b.min_days_past_due <= max(days_past_due, 0)][-1]


def _within(value: int, low: int, high: int, field: str) -> None:
    if not low <= value <= high:
        raise InvalidArgument(f"must be between {low} and {high}", field=field)


@dataclass(frozen=True)
class Installment:
    """One payment of a plan."""

    number: int
    due_date: date
    amount_minor: int


@dataclass(frozen=True)
class OfferTerms:
    """The down payment and discounts (basis points) an offer set asks for; None follows the policy."""

    offer_set: str = ""
    down_payment_bps: int | None = None
    fees_discount_bps: int | None = None
    interest_discount_bps: int | None = None
    principal_discount_bps: int | None = None

    def __post_init__(self) -> None:
        for name in ("down_payment_bps", "fees_discount_bps", "interest_discount_bps", "principal_discount_bps"):
            value = getattr(self, name)
            if value is not None:
                _within(value, 0, _FULL, f"terms.{name}")

    @property
    def asks(self) -> bool:
        """True when the set asks for anything of its own."""
        return any(
            v is not None
            for v in (
                self.down_payment_bps,
                self.fees_discount_bps,
                self.interest_discount_bps,
                self.principal_discount_bps,
            )
        )

    @property
    def key(self) -> str:
        """A stable text of the terms, part of an offer's id (other terms, another offer)."""
        values = (
            self.down_payment_bps,
            self.fees_discount_bps,
            self.interest_discount_bps,
            self.principal_discount_bps,
        )
        return "terms:" + ",".join("-" if v is None else str(v) for v in values)


@dataclass(frozen=True)
class Offer:
    """One choice of the menu, with the lines that explain its total and the terms behind them."""

    id: str
    installments: tuple[Installment, ...]
    lines: tuple[tuple[str, int], ...]
    total_minor: int
    currency: str
    valid_until: date
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Applied:
    """The down payment and discounts an offer applies, with why."""

    down_bps: int
    fees_bps: int
    interest_bps: int
    principal_bps: int
    why: tuple[str, ...]


def next_business_day(day: date) -> date:
    """The day itself, or the next that is neither a weekend nor a Brazilian national holiday."""
    calendar = holidays.country_holidays("BR", years=range(day.year, day.year + 2))
    while day.weekday() >= 5 or day in calendar:
        day += timedelta(days=1)
    return day


def split(total_minor: int, count: int, down_payment_minor: int = 0) -> list[int]:
    """Amounts that sum exactly to the total: the first at least the down payment, the rest equal.

    The remainder cents of the equal split go on the first installment, so the debtor meets any
    odd amount once, up front, and every later installment is the same.
    """
    if count < 1:
        raise InvalidArgument("must be at least 1", field="installments")
    if count == 1:
        return [total_minor]
    share, remainder = divmod(total_minor, count)
    first = share + remainder
    if first >= down_payment_minor:
        return [first] + [share] * (count - 1)
    rest, rest_remainder = divmod(total_minor - down_payment_minor, count - 1)
    return [down_payment_minor + rest_remainder] + [rest] * (count - 1)


def schedule(amounts: Sequence[int], first_due: date) -> tuple[Installment, ...]:
    """Monthly due dates from the first, each moved off weekends and national holidays."""
    return tuple(
        Installment(i + 1, next_business_day(add_months(first_due, i)), amount) for i, amount in enumerate(amounts)
    )


def plan_counts(asked: tuple[int, ...]) -> tuple[int, ...]:
    """The installment plans to show: the standard menu unless a strategy asked for others (2 to 60 each)."""
    for i, count in enumerate(asked):
        if not 2 <= count <= MAX_PLAN_INSTALLMENTS:
            raise InvalidArgument(f"must be between 2 and {MAX_PLAN_INSTALLMENTS}", field=f"installment_counts[{i}]")
    return tuple(sorted(set(asked))) or MENU_INSTALLMENTS


def menu(
    policy: NegotiationPolicy,
    balance: Breakdown,
    today: date,
    counts: tuple[int, ...] = (),
    renegotiation: bool = False,
    terms: OfferTerms | None = None,
) -> list[Offer]:
    """The offers a debtor can choose from, in a fixed order: in full, then 3, 6, 12 installments.

    A strategy may narrow or widen the plans (counts) and ask for its own down payment and discounts
    (terms); the policy still bounds them: plans over its maximum installments or under its minimum
    installment amount are left out, the down payment never goes under its minimum nor a discount over the
    debt's band. Paying in full is always shown. After a break (renegotiation) plans need the renegotiation
    down payment; at 100% none is shown.
    """
    band = policy.band_for(balance.days_late)
    valid_until = today + timedelta(days=policy.offer_validity_days)
    applied = _apply(terms or OfferTerms(), band, policy.down_payment_bps(renegotiation))
    offers = [_offer("full", 1, applied, balance, today, valid_until, discount_principal=True)]
    for count in plan_counts(counts):
        if count <= policy.max_installments and applied.down_bps < _FULL:
            offer = _offer(f"installments-{count}", count, applied, balance, today, valid_until, False)
            if all(i.amount_minor >= policy.min_installment_minor for i in offer.installments):
                offers.append(offer)
    return offers


def _apply(terms: OfferTerms, band: DiscountBand, min_down_bps: int) -> _Applied:
    """The offer set's terms within the policy: the larger down payment, the smaller discount; each explained."""
    source = f"offer set {terms.offer_set or '-'}"
    why = []
    down = min_down_bps
    if terms.down_payment_bps is not None:
        down = max(terms.down_payment_bps, min_down_bps)
        if terms.down_payment_bps < min_down_bps:
            why.append(f"down payment {down} bps: {source} asked {terms.down_payment_bps}, the policy's minimum holds")
        else:
            why.append(f"down payment {down} bps: {source} asked it (the policy's minimum is {min_down_bps})")
    discounts = []
    for name, label in (
        ("fees_discount_bps", "late fee"),
        ("interest_discount_bps", "interest"),
        ("principal_discount_bps", "principal"),
    ):
        allowed, asked = getattr(band, name), getattr(terms, name)
        value = allowed if asked is None else min(asked, allowed)
        discounts.append(value)
        if asked is not None:
            capped = f", capped at the band's {allowed}" if asked > allowed else f" (the band allows {allowed})"
            why.append(f"discount on {label} {value} bps: {source} asked {asked}{capped}")
    return _Applied(down, discounts[0], discounts[1], discounts[2], tuple(why))


def _offer(
    offer_id: str,
    count: int,
    applied: _Applied,
    balance: Breakdown,
    today: date,
    valid_until: date,
    discount_principal: bool,
) -> Offer:
    principal = balance.principal + balance.correction
    principal_bps = applied.principal_bps if discount_principal else 0
    lines = [
        ("principal and correction", principal),
        ("late fee", balance.late_fee),
        ("late interest", balance.interest),
        ("discount on late fee", -to_minor(balance.late_fee * applied.fees_bps / _BPS)),
        ("discount on interest", -to_minor(balance.interest * applied.interest_bps / _BPS)),
        ("discount on principal", -to_minor(principal * principal_bps / _BPS)),
        ("already paid", -balance.paid),
    ]
    total = max(sum(amount for _, amount in lines), 0)
    down = -(-total * applied.down_bps // _FULL)  # rounded up: the minimum is never undercut
    installments = schedule(split(total, count, down), today)
    # Paying in full has no down payment; a plan never discounts the principal.
    skip = "down payment" if count == 1 else "discount on principal"
    why = tuple(w for w in applied.why if not w.startswith(skip))
    return Offer(offer_id, installments, tuple(lines), total, balance.currency, valid_until, why)


def combined(balances: Sequence[Breakdown]) -> Breakdown:
    """Several debts' balances as one, line by line, for one menu over them all.

    Each line is the sum of the debts' lines (already rounded per debt, so the sum is exact); days late
    are the oldest debt's, so the discount band is the one that debt alone would get.
    """
    first = balances[0]
    if len(balances) == 1:
        return first
    total = sum(b.total for b in balances)
    return replace(
        first,
        principal=sum(b.principal for b in balances),
        correction=sum(b.correction for b in balances),
        late_fee=sum(b.late_fee for b in balances),
        interest=sum(b.interest for b in balances),
        paid=sum(b.paid for b in balances),
        total=total,
        overpaid=sum(b.overpaid for b in balances),
        days_late=max(b.days_late for b in balances),
        months_corrected=max(b.months_corrected for b in balances),
    )
