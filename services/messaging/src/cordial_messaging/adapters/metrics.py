"""Messaging's own Prometheus metrics: how owed validation notices ended."""

from __future__ import annotations

from prometheus_client import Counter

VALIDATION_NOTICES = Counter(
    "cordial_messaging_validation_notices_total",
    "Validation notices owed after a US first communication, by how they ended: sent, sent_late, blocked "
    "(a hold or an opt-out), not_required (settled, recalled, written off) or missed (its window ended unsent, "
    "a compliance breach; the audit trail names the debt).",
    ["outcome"],
)


class NoticeMetrics:
    """Counts each owed notice's outcome."""

    def count(self, outcome: str) -> None:
        """One notice ended this way."""
        VALIDATION_NOTICES.labels(outcome=outcome).inc()
