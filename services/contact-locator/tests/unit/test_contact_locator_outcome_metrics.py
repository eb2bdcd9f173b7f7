"""The outcome counter for Prometheus moves only when the durable record of the outcome was new."""

from __future__ import annotations

from prometheus_client import REGISTRY

from cordial.types.v1 import types_pb2
from cordial_contact_locator.adapters.metrics import BothOutcomes, PrometheusOutcomes
from cordial_contact_locator.domain.directory import ContactOutcome


class KeyedRecords:
    """Keeps each event's outcome once, as MongoOutcomes does by its stable id."""

    def __init__(self) -> None:
        self.kept: set[tuple[str, str]] = set()

    async def count(self, outcome: ContactOutcome) -> bool:
        key = (outcome.event_id, outcome.outcome)
        if key in self.kept:
            return False
        self.kept.add(key)
        return True


def _counted(tenant: str) -> float:
    labels = {"tenant": tenant, "source": "client", "provider": "zenvia", "channel": "sms", "outcome": "contacted"}
    return REGISTRY.get_sample_value("cordial_contact_outcomes_total", labels) or 0.0


async def test_a_redelivered_event_is_counted_once_for_prometheus() -> None:
    outcomes = BothOutcomes(KeyedRecords(), PrometheusOutcomes())
    sent = ContactOutcome("t-metrics", "client", "zenvia", types_pb2.CHANNEL_SMS, "contacted", "e1")
    assert await outcomes.count(sent) is True
    assert await outcomes.count(sent) is False, "the same event again"
    assert _counted("t-metrics") == 1.0
    await outcomes.count(ContactOutcome("t-metrics", "client", "zenvia", types_pb2.CHANNEL_SMS, "contacted", "e2"))
    assert _counted("t-metrics") == 2.0
