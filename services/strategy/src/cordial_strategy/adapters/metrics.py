"""Prometheus counters of each strategy variant's results (per instance; Prometheus sums them)."""

from __future__ import annotations

from prometheus_client import Counter

from cordial_strategy.domain.ruler import Case

VARIANT_EVENTS = Counter(
    "cordial_strategy_variant_results_total",
    "What happened to debts, per strategy version and variant: contacted, right_party, agreements, messages_sent.",
    ["scope", "version", "variant", "result"],
)
VARIANT_MONEY = Counter(
    "cordial_strategy_variant_money_minor_total",
    "Money per strategy version and variant, in minor units: recovered and (estimated) cost.",
    ["scope", "version", "variant", "kind"],
)


def count(case: Case | None, result: str, amount: int = 1) -> None:
    """Counts one result of a debt under its variant; debts not yet on a strategy are not counted."""
    if case is None or not case.strategy_version or amount <= 0:
        return
    labels = (case.strategy_scope, str(case.strategy_version), case.variant)
    if result in ("recovered", "cost"):
        VARIANT_MONEY.labels(*labels, result).inc(amount)
    else:
        VARIANT_EVENTS.labels(*labels, result).inc(amount)
