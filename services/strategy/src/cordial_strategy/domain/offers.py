"""Offer sets against the client's negotiation policy, and the gentler set after a hardship pause (pure).

The policy is agreements': how many installments at most, the smallest down payment and installment, and
discount bands by days past due. An offer set asks for installment plans, a down payment and discounts; it
is refused when saved if it asks for more than the policy allows anywhere. Agreements still bounds every
menu it builds, so what the debtor is shown never leaves the policy either way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from cordial_core.errors import InvalidArgument
from cordial_strategy.domain.strategies import OfferSet, Strategy

FULL_BPS = 10_000
MAX_PLAN_INSTALLMENTS = 60  # agreements' own bound on a plan


@dataclass(frozen=True)
class DiscountBand:
    """Discounts (basis points) the client allows from a number of days past due."""

    min_days_past_due: int
    fees_discount_bps: int = 0
    interest_discount_bps: int = 0
    principal_discount_bps: int = 0


@dataclass(frozen=True)
class NegotiationLimits:
    """What a client lets the agency offer (agreements' negotiation policy, as strategy reads it)."""

    max_installments: int = 1
    min_down_payment_bps: int = 0
    bands: tuple[DiscountBand, ...] = (DiscountBand(0),)
    configured: bool = False  # False: the client set none; agreements' default (pay in full) applies

    def most(self, name: str) -> int:
        """The largest discount of a kind in any band."""
        return max((getattr(b, name) for b in self.bands), default=0)


def offer_set_errors(offer_set: OfferSet, where: str, limits: NegotiationLimits) -> list[InvalidArgument]:
    """Every way one offer set leaves the client's policy, each naming its field."""
    errors = []
    for i, count in enumerate(offer_set.installment_counts):
        if not 2 <= count <= MAX_PLAN_INSTALLMENTS:
            bound = f"must be between 2 and {MAX_PLAN_INSTALLMENTS}"
            errors.append(InvalidArgument(bound, field=f"{where}.installment_counts[{i}]"))
        elif count > limits.max_installments:
            errors.append(
                InvalidArgument(
                    f"{count} installments is over the client's maximum of {limits.max_installments}",
                    field=f"{where}.installment_counts[{i}]",
                )
            )
    down = offer_set.down_payment_bps
    if down is not None and not limits.min_down_payment_bps <= down <= FULL_BPS:
        errors.append(
            InvalidArgument(
                f"a down payment of {down} bps is under the client's minimum of {limits.min_down_payment_bps} bps"
                if down < limits.min_down_payment_bps
                else f"must be at most {FULL_BPS} bps",
                field=f"{where}.down_payment_bps",
            )
        )
    for name in ("fees_discount_bps", "interest_discount_bps", "principal_discount_bps"):
        asked, allowed = getattr(offer_set, name), limits.most(name)
        if asked is not None and asked > allowed:
            errors.append(
                InvalidArgument(
                    f"{asked} bps is over the {allowed} bps the client's policy allows", field=f"{where}.{name}"
                )
            )
    return errors


def policy_errors(strategy: Strategy, limits: NegotiationLimits) -> list[InvalidArgument]:
    """Every offer set of a strategy that leaves the client's negotiation policy."""
    errors = []
    for i, offer_set in enumerate(strategy.offer_sets):
        errors.extend(offer_set_errors(offer_set, f"offer_sets[{i}]", limits))
    return errors


def gentler(offer_set: OfferSet | None) -> OfferSet:
    """After a hardship pause: twice the installments (the longest plans agreements allows) and no extra down payment.

    Agreements leaves out any plan over the client's maximum and keeps the policy's minimum down payment,
    so the gentler set is still within the policy when the debtor sees it.
    """
    base = offer_set or OfferSet("standard", (3, 6, 12))
    counts = base.installment_counts or (3, 6, 12)
    longer = {min(c * 2, MAX_PLAN_INSTALLMENTS) for c in counts}
    return replace(
        base,
        name=f"{base.name}-hardship",
        installment_counts=tuple(sorted(set(counts) | longer)),
        down_payment_bps=None,
    )
