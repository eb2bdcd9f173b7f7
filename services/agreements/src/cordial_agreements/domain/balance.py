"""What a debtor owes as of a date: principal, monetary correction, late fee, interest, less payments.

All arithmetic is exact (`decimal.Decimal`); amounts become integer minor units in `to_minor`, the
one place where rounding happens. The model, in the order the law and the trade apply it:

- Monetary correction: the outstanding principal is multiplied by the index factor of each *full*
  month elapsed since the due date (factors supplied as data, e.g. IPCA). Negative months (deflation)
  are applied, but the cumulative factor never goes below 1: the nominal value is preserved
  (STJ, REsp 1.265.580/RS).
- Late fee (multa): a one-off percentage of the principal still unpaid on the first day late; for a consumer
  (B2C) debt it is capped at 2% (CDC, Lei 8.078/1990, art. 52 §1).
- Late interest (juros de mora): simple interest (no interest on interest), a monthly rate pro rata
  die over a 30-day commercial month, on the corrected outstanding principal.
- Payments are imputed first to interest, then the late fee, then correction, then principal
  (Código Civil art. 354); what exceeds everything owed is an over-payment, kept as a credit.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext

from cordial_core.errors import InvalidArgument

CONSUMER_LATE_FEE_CAP_BPS = 200
MAX_LATE_FEE_BPS = 10_000
MAX_MONTHLY_INTEREST_BPS = 1_000
_BPS = Decimal(10_000)
_COMMERCIAL_MONTH_DAYS = Decimal(30)
_INTEREST_DIVISOR = _BPS * _COMMERCIAL_MONTH_DAYS
_ONE = Decimal(1)
_PRECISION = 40


def to_minor(value: Decimal) -> int:
    """Rounds an exact amount to integer minor units: the one rounding of the balance.

    ROUND_HALF_EVEN (banker's rounding) is the rule of ABNT NBR 5891 (Brazil's standard for rounding
    decimal numbers) and carries no systematic bias upward or downward over many debts, so neither the
    creditor nor the debtors gain a fraction of a cent on average.
    """
    return int(value.quantize(_ONE, rounding=ROUND_HALF_EVEN))


def add_months(start: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 = 29 Feb 2024)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class IndexTable:
    """Monthly factors of a price index, e.g. IPCA: "2024-01" -> Decimal("1.0042") (a 0.42% month)."""

    name: str
    monthly_factors: Mapping[str, Decimal] = field(default_factory=dict)

    @classmethod
    def parse(cls, name: str, factors: Mapping[str, str]) -> IndexTable:
        """Builds a table from exact decimal strings; a float or a malformed entry is refused by name."""
        parsed: dict[str, Decimal] = {}
        for month, raw in factors.items():
            where = f"correction.monthly_factors.{month}"
            try:
                year, mon = (int(p) for p in month.split("-"))
                date(year, mon, 1)
            except ValueError:
                raise InvalidArgument("month must be YYYY-MM", field=where) from None
            if not isinstance(raw, str):
                raise InvalidArgument('must be a decimal string, e.g. "1.0042"', field=where)
            try:
                value = Decimal(raw)
            except InvalidOperation:
                raise InvalidArgument("is not a decimal number", field=where) from None
            if not value.is_finite() or not Decimal("0.5") <= value <= Decimal(2):
                raise InvalidArgument("must be a monthly factor between 0.5 and 2", field=where)
            parsed[f"{year:04d}-{mon:02d}"] = value
        return cls(name, parsed)

    def factor(self, month_start: date) -> Decimal:
        """The factor of the month a period starts in; 1 when the index is not yet published."""
        return self.monthly_factors.get(f"{month_start.year:04d}-{month_start.month:02d}", _ONE)


@dataclass(frozen=True)
class BalancePolicy:
    """A client's charges on late debts, in basis points (1 bp = 0.01%)."""

    late_fee_bps: int = 0
    monthly_interest_bps: int = 0
    correction: IndexTable | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.late_fee_bps <= MAX_LATE_FEE_BPS:
            raise InvalidArgument(f"must be between 0 and {MAX_LATE_FEE_BPS} basis points", field="late_fee_bps")
        if not 0 <= self.monthly_interest_bps <= MAX_MONTHLY_INTEREST_BPS:
            raise InvalidArgument(
                f"must be between 0 and {MAX_MONTHLY_INTEREST_BPS} basis points", field="monthly_interest_bps"
            )

    def late_fee_for(self, consumer: bool) -> int:
        """The late fee that applies: a consumer debt never pays more than 2% (CDC art. 52 §1)."""
        return min(self.late_fee_bps, CONSUMER_LATE_FEE_CAP_BPS) if consumer else self.late_fee_bps


@dataclass(frozen=True)
class Breakdown:
    """A balance as of a date, line by line, in minor units: total = principal + charges - paid."""

    as_of: date
    currency: str
    principal: int
    correction: int
    late_fee: int
    interest: int
    paid: int
    total: int
    overpaid: int
    days_late: int
    months_corrected: int
    late_fee_bps: int
    monthly_interest_bps: int
    index_name: str

    def lines(self) -> list[tuple[str, int]]:
        """The breakdown as a debtor reads it, each line signed."""
        return [
            ("principal", self.principal),
            ("monetary correction", self.correction),
            ("late fee", self.late_fee),
            ("late interest", self.interest),
            ("paid", -self.paid),
        ]


@dataclass
class _Open:
    """What is outstanding while the balance is being run day by day (exact decimals)."""

    base: Decimal  # principal outstanding in money of the due date (corrected value = base * factor)
    nominal: Decimal  # principal outstanding without correction
    fee: Decimal = Decimal(0)
    # Interest is kept as money x days x basis points and divided once when read, so a whole month
    # of daily accruals stays exact (30 x 1/30 of a rate is not exact in decimal).
    interest_units: Decimal = Decimal(0)
    interest_paid: Decimal = Decimal(0)
    paid_to_correction: Decimal = Decimal(0)
    credit: Decimal = Decimal(0)

    @property
    def interest_accrued(self) -> Decimal:
        """All interest accrued so far."""
        return self.interest_units / _INTEREST_DIVISOR

    def pay(self, amount: Decimal, factor: Decimal) -> None:
        """Imputes a payment: interest, late fee, correction, principal (Código Civil art. 354)."""
        to_interest = min(amount, self.interest_accrued - self.interest_paid)
        self.interest_paid += to_interest
        amount -= to_interest
        to_fee = min(amount, self.fee)
        self.fee -= to_fee
        amount -= to_fee
        corrected = self.base * factor
        to_correction = min(amount, max(corrected - self.nominal, Decimal(0)))
        self.paid_to_correction += to_correction
        amount -= to_correction
        to_principal = min(amount, self.nominal)
        self.nominal -= to_principal
        amount -= to_principal
        self.base = max(self.base - (to_correction + to_principal) / factor, Decimal(0)) if self.nominal else Decimal(0)
        self.credit += amount


def compute_balance(
    *,
    principal_minor: int,
    currency: str,
    due_date: date,
    consumer: bool,
    policy: BalancePolicy,
    payments: Sequence[tuple[date, int]],
    as_of: date,
) -> Breakdown:
    """The balance as of a date: charges accrue day by day after the due date, payments impute on their day."""
    if principal_minor < 0:
        raise InvalidArgument("cannot be negative", field="principal.amount_minor")
    counted = sorted((day, amount) for day, amount in payments if day <= as_of)
    fee_bps = policy.late_fee_for(consumer)
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        state = _Open(base=Decimal(principal_minor), nominal=Decimal(principal_minor))
        rate_bps = Decimal(policy.monthly_interest_bps)
        cumulative, factor, months = _ONE, _ONE, 0
        next_month = add_months(due_date, 1)
        fee_total = Decimal(0)
        pending = iter(counted)
        upcoming = next(pending, None)
        while upcoming is not None and upcoming[0] <= due_date:
            state.pay(Decimal(upcoming[1]), factor)
            upcoming = next(pending, None)
        day = due_date
        while day < as_of:
            day += timedelta(days=1)
            if day == due_date + timedelta(days=1):
                # The fee is on what was late on the first late day, not on what was paid in time.
                state.fee = fee_total = state.nominal * fee_bps / _BPS
            while policy.correction is not None and day >= next_month:
                cumulative *= policy.correction.factor(add_months(due_date, months))
                months += 1
                factor = max(cumulative, _ONE)
                next_month = add_months(due_date, months + 1)
            state.interest_units += state.base * factor * rate_bps
            while upcoming is not None and upcoming[0] == day:
                state.pay(Decimal(upcoming[1]), factor)
                upcoming = next(pending, None)
        paid_minor = sum(amount for _, amount in counted)
        correction = state.base * factor - state.nominal + state.paid_to_correction
        interest_total = state.interest_accrued
    lines = (principal_minor, to_minor(correction), to_minor(fee_total), to_minor(interest_total))
    owed = sum(lines) - paid_minor
    return Breakdown(
        as_of=as_of,
        currency=currency,
        principal=principal_minor,
        correction=lines[1],
        late_fee=lines[2],
        interest=lines[3],
        paid=paid_minor,
        total=max(owed, 0),
        overpaid=max(-owed, 0),
        days_late=max((as_of - due_date).days, 0),
        months_corrected=months,
        late_fee_bps=fee_bps if as_of > due_date else 0,
        monthly_interest_bps=policy.monthly_interest_bps,
        index_name=policy.correction.name if policy.correction else "",
    )
