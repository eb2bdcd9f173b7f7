"""The offer set of the step a debt is on (see `offer_plans`): the step of its latest action, else its
segment's first step."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from cordial_strategy.domain.book import Assignment
from cordial_strategy.domain.offer_plans import counts
from cordial_strategy.domain.ruler import Case, Cases
from cordial_strategy.domain.strategies import StepSpec


@dataclass(frozen=True)
class OfferSet:
    """The plans a debt's menu shows now, and the step and set they come from (empty when none applies)."""

    installment_counts: tuple[int, ...] = ()
    step: str = ""
    offer_set: str = ""


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
        path = assignment.strategy.paths.get(case.segment, []) if assignment.strategy else []
        step = _current_step(case, path)
        if step is None or not step.offer_set:
            return OfferSet(step=step.name if step else "")
        return OfferSet(counts(step.offer_set, f"{step.name}.offer_set"), step.name, step.offer_set)


def _current_step(case: Case, path: list[StepSpec]) -> StepSpec | None:
    """The step of the debt's latest action, else the path's first."""
    by_name = {spec.name: spec for spec in path}
    latest = sorted(case.actions.values(), key=lambda r: r.decision.decided_at)
    for record in reversed(latest):
        if record.step in by_name:
            return by_name[record.step]
    return path[0] if path else None
