"""A consumer's fetch wait: aiokafka's 500 ms unless told (the chart's services keep it; the Kafka bench varies it)."""

from __future__ import annotations

from cordial_core.bus import EventConsumer, EventPublisher, ProcessedEvents


class _Nothing(ProcessedEvents):
    async def seen(self, event_id: str) -> bool:
        return False

    async def remember(self, event_id: str) -> None:
        return None


async def _handler(envelope: object) -> None:
    return None


def _consumer(**extra: int) -> EventConsumer:
    publisher = EventPublisher("127.0.0.1:9")
    return EventConsumer(
        bootstrap_servers="127.0.0.1:9",
        group_id="g",
        topics=["debts"],
        handler=_handler,
        processed=_Nothing(),
        publisher=publisher,
        **extra,  # type: ignore[arg-type]
    )


async def test_the_fetch_wait_is_aiokafkas_default_unless_told() -> None:
    assert _consumer()._consumer._fetch_max_wait_ms == 500
    assert _consumer(fetch_max_wait_ms=2000)._consumer._fetch_max_wait_ms == 2000
