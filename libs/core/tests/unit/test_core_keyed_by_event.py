"""A consumer group whose handler keys its writes by the event id keeps no processed ids: no round trips."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from cordial_core.runtime import ServiceRuntime
from cordial_core.settings import ServiceSettings
from cordial_core.store import KeyedByEvent, MongoProcessedEvents


async def _handler(envelope: object) -> None:
    return None


@pytest.fixture
async def runtime() -> ServiceRuntime:
    settings = ServiceSettings.model_construct(
        kafka_bootstrap_servers="127.0.0.1:9",
        mongodb_uri=SecretStr("mongodb://127.0.0.1:9/?retryWrites=false"),
        mongodb_database="",
        data_key=SecretStr("k" * 43 + "="),
        lookup_key=SecretStr("lookup"),
        clock_file="",
        clock_offset_seconds=0.0,
    )
    return ServiceRuntime("unit", settings)


async def test_a_group_keyed_by_event_keeps_no_processed_ids(runtime: ServiceRuntime) -> None:
    runtime.consume(["actions"], _handler, group_suffix="timeline", keyed_by_event=True)
    runtime.consume(["actions"], _handler, group_suffix="other")
    keyed, other = (consumer._processed for consumer in runtime._consumers)
    assert isinstance(keyed, KeyedByEvent)
    assert isinstance(other, MongoProcessedEvents)
    await keyed.remember("e1")
    assert not await keyed.seen("e1"), "the handler's own keys make a redelivery harmless"
