"""Prometheus counters of the right-party-contact rate per tenant, source, provider and channel."""

from __future__ import annotations

from prometheus_client import Counter

from cordial.types.v1 import types_pb2
from cordial_contact_locator.domain.directory import ContactOutcome, Outcomes

CONTACT_OUTCOMES = Counter(
    "cordial_contact_outcomes_total",
    "Contacts through a point (contacted) and who answered (right_party, wrong_party), "
    "per tenant, point source, messaging provider and channel; RPC rate = right_party / contacted.",
    ["tenant", "source", "provider", "channel", "outcome"],
)

VERIFICATIONS = Counter(
    "cordial_number_verifications_total",
    "Number verifications per tenant and result: cache (nothing paid), provider (paid), over_budget (refused), "
    "failed (the provider did not answer; not paid).",
    ["tenant", "result"],
)

WHATSAPP_CHECKS = Counter(
    "cordial_whatsapp_checks_total",
    "Numbers put to the WhatsApp contacts check per tenant and result: cache (nothing paid), provider (paid), "
    "over_budget (refused, the tenant's verification budget spent), failed (not answered; not paid).",
    ["tenant", "result"],
)


def count_verification(tenant: str, result: str) -> None:
    """One more verification result."""
    VERIFICATIONS.labels(tenant, result).inc()


def count_whatsapp_checks(tenant: str, result: str, count: int) -> None:
    """Numbers put to the WhatsApp contacts check with this result."""
    WHATSAPP_CHECKS.labels(tenant, result).inc(count)


def channel_name(channel: int) -> str:
    """The channel's short name for a label."""
    return types_pb2.Channel.Name(channel).removeprefix("CHANNEL_").lower() if channel else "unknown"


class PrometheusOutcomes:
    """Counts outcomes in this process's registry (Prometheus sums the instances)."""

    async def count(self, outcome: ContactOutcome) -> bool:
        """One more outcome."""
        labels = (outcome.tenant, outcome.source, outcome.provider or "unknown", channel_name(outcome.channel))
        CONTACT_OUTCOMES.labels(*labels, outcome.outcome).inc()
        return True


class BothOutcomes:
    """Records each outcome durably first (the agency API reads it), then counts it for Prometheus only when the
    durable record was new, so a redelivered event moves neither."""

    def __init__(self, durable: Outcomes, counted: Outcomes) -> None:
        self._durable = durable
        self._counted = counted

    async def count(self, outcome: ContactOutcome) -> bool:
        """Records the outcome, counts it if new; whether it was."""
        if not await self._durable.count(outcome):
            return False
        return await self._counted.count(outcome)
