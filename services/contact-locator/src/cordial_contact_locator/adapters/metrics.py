"""Prometheus counters of the right-party-contact rate: right_party / contacted per tenant, source and channel."""

from __future__ import annotations

from prometheus_client import Counter

from cordial.types.v1 import types_pb2

CONTACT_OUTCOMES = Counter(
    "cordial_contact_outcomes_total",
    "Contacts through a point (contacted) and who answered (right_party, wrong_party), "
    "per tenant, point source and channel; RPC rate = right_party / contacted.",
    ["tenant", "source", "channel", "outcome"],
)


class PrometheusOutcomes:
    """Counts outcomes in this process's registry (Prometheus sums the instances)."""

    def count(self, tenant: str, source: str, channel: int, outcome: str) -> None:
        """One more outcome."""
        name = types_pb2.Channel.Name(channel).removeprefix("CHANNEL_").lower() if channel else "unknown"
        CONTACT_OUTCOMES.labels(tenant, source, name, outcome).inc()
