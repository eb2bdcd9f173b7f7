"""The offer set of the step a debt is on: the step of its latest action, else its segment's first step.

A step's offer set is the strategy's own of that name (installment counts, down payment, discounts) or a
named set or counts (see `offer_plans`); after a hardship pause, the hardship set the step was sent with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from cordial_strategy.domain.book import Assignment
from cordial_strategy.domain.ruler import ActionRecord, Case, Cases
from cordial_strategy.domain.strategies import StepSpec
from cordial_strategy.domain.treatment import offer_set_of


@dataclass(frozen=True)
class OfferSet:
    """The plans, down payment and discounts a debt's menu shows now, and the step and set they come from.

    Empty when none applies; a term left None follows the client's policy (agreements bounds them all).
    """

    installment_counts: tuple[int, ...] = ()
    step: str = ""
    offer_set: str = ""
    down_payment_bps: int | None = None
    fees_discount_bps: int | None = None
    interest_discount_bps: int | None = None
    principal_discount_bps: int | None = None


class PinnedStrategies(Protocol):
    """The strategy version a debt is pinned to (a port; the strategy book)."""

    async def pinned(self, scope: str, version: int, variant: str) -> Assignment: ...


class OfferSets:
    """Finds the offer set of the step a debt is on."""

    def __init__(self, cases: Cases, book: PinnedStrategies) -> None:
        self._cases = cases
        self._book = book

    async def for_debt(self, tenant: str, debt_id: str) -> OfferSet:
        """The debt's offer set; the standard menu when the debt has no strategy or its step names none."""
        case = await self._cases.load(tenant, debt_id)
        if case is None or not case.strategy_version or not case.segment:
            return OfferSet()
        assignment = await self._book.pinned(case.strategy_scope, case.strategy_version, case.variant)
        strategy = assignment.strategy
        path = strategy.paths.get(case.segment, []) if strategy else []
        step, record = _current_step(case, path)
        if step is None:
            return OfferSet()
        # The step as it was requested: after a hardship pause its hardship (or gentler) set.
        after_hardship = record is not None and "hardship" in record.decision.values
        chosen = offer_set_of(step, strategy, after_hardship)
        if chosen is None:
            return OfferSet(step=step.name)
        return OfferSet(
            chosen.installment_counts,
            step.name,
            chosen.name,
            chosen.down_payment_bps,
            chosen.fees_discount_bps,
            chosen.interest_discount_bps,
            chosen.principal_discount_bps,
        )


def _current_step(case: Case, path: list[StepSpec]) -> tuple[StepSpec | None, ActionRecord | None]:
    """The step of the debt's latest action (a skipped one never counts) and that action, else the path's first."""
    by_name = {spec.name: spec for spec in path}
    latest = sorted(case.actions.values(), key=lambda r: r.decision.decided_at)
    for record in reversed(latest):
        if record.step in by_name and record.state != "skipped":
            return by_name[record.step], record
    return (path[0] if path else None), None
