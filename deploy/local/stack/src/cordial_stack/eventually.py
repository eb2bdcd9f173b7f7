"""What integration tests share to wait for the real servers: polling until a condition holds, a test's consumer."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from cordial_core.bus import EventConsumer, EventPublisher, Handler
from cordial_core.store import MongoProcessedEvents


async def until(check: Callable[[], Any], what: str, within: float = 30) -> Any:
    """Polls a check (plain or async) until it answers something truthy, and returns that; fails naming what."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        found = check()
        if inspect.isawaitable(found):
            found = await found
        if found:
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{what} did not happen within {within}s")
        await asyncio.sleep(0.1)


def consumer_group(
    bootstrap_servers: str,
    db: AsyncDatabase[Any],
    group: str,
    topics: list[str],
    handler: Handler,
    publisher: EventPublisher,
) -> EventConsumer:
    """A consumer group keeping its processed ids in the test's database, retrying at once (not started)."""
    return EventConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=group,
        topics=topics,
        handler=handler,
        processed=MongoProcessedEvents(db, group),
        publisher=publisher,
        backoff_seconds=0.01,
    )
