"""A service's background loops start once it runs and are cancelled when it stops, before its closers."""

from __future__ import annotations

import asyncio

from cordial_core.ids import new_id
from cordial_core.runtime import ServiceRuntime
from cordial_core.settings import ServiceSettings
from cordial_stack.infra import Infra


def _settings(infra: Infra) -> ServiceSettings:
    return ServiceSettings.model_validate(
        {
            "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap_servers,
            "MONGODB_URI": infra.mongodb_uri,
            "MONGODB_DATABASE": f"test_{new_id()[:12]}",
            "CORDIAL_DATA_KEY": "k" * 43 + "=",
            "CORDIAL_LOOKUP_KEY": "lookup",
            "GRPC_HOST": "127.0.0.1",
            "GRPC_PORT": 0,
            "METRICS_PORT": 0,
        }
    )


async def test_background_loop_runs_then_is_cancelled_before_the_closers(infra: Infra) -> None:
    runtime = ServiceRuntime("loops", _settings(infra))
    events: list[str] = []
    started = asyncio.Event()

    async def loop() -> None:
        events.append("started")
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            events.append("cancelled")
            raise

    async def closer() -> None:
        events.append("closed")

    runtime.run_in_background(loop)
    runtime.on_stop(closer)
    running = asyncio.create_task(runtime.run())
    await asyncio.wait_for(started.wait(), timeout=60)
    assert events == ["started"]
    runtime.request_stop()
    await asyncio.wait_for(running, timeout=60)
    assert events == ["started", "cancelled", "closed"]
