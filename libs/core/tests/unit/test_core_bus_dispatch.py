"""dispatch(): one handler per event type, the rest ignored."""

from __future__ import annotations

import pytest

from cordial.events.v1 import envelope_pb2
from cordial_core.bus import dispatch


async def test_routes_by_type_and_ignores_unknown() -> None:
    seen: list[tuple[str, str]] = []

    async def on_placed(env: envelope_pb2.Envelope) -> None:
        seen.append(("placed", env.id))

    async def on_settled(env: envelope_pb2.Envelope) -> None:
        seen.append(("settled", env.id))

    route = dispatch({"debt.placed": on_placed, "debt.settled": on_settled})
    await route(envelope_pb2.Envelope(id="1", type="debt.placed"))
    await route(envelope_pb2.Envelope(id="2", type="debt.settled"))
    await route(envelope_pb2.Envelope(id="3", type="message.sent"))
    await route(envelope_pb2.Envelope(id="4", type=""))
    await route(envelope_pb2.Envelope(id="5", type="debt.placed"))
    assert seen == [("placed", "1"), ("settled", "2"), ("placed", "5")]


async def test_handler_errors_propagate_so_the_consumer_retries() -> None:
    async def boom(env: envelope_pb2.Envelope) -> None:
        raise RuntimeError("down")

    route = dispatch({"debt.placed": boom})
    with pytest.raises(RuntimeError, match="down"):
        await route(envelope_pb2.Envelope(id="1", type="debt.placed"))
