"""pytest fixtures that give integration and end-to-end tests real Kafka, MongoDB and services."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from cordial_core.ids import new_id
from cordial_stack.infra import Infra, start_infra
from cordial_stack.paths import new_run_dir
from cordial_stack.platform import Platform, start_platform, start_sandbox


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    """Kafka and MongoDB for the whole test session, started once and always stopped."""
    run_dir = new_run_dir("test")
    started = start_infra(run_dir)
    # Past pytest's capture, so the log paths are on screen even when a test fails.
    print(
        f"\ninfra: kafka {started.kafka_bootstrap_servers}, mongodb {started.mongodb_uri}, logs {run_dir}/logs",
        file=sys.__stderr__,
    )
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
async def mongo_db(infra: Infra) -> AsyncIterator[AsyncDatabase[dict]]:
    """A database of its own for one test, dropped afterwards."""
    client: AsyncMongoClient[dict] = AsyncMongoClient(infra.mongodb_uri, tz_aware=True)
    name = f"test_{new_id()[:12]}"
    try:
        yield client[name]
    finally:
        await client.drop_database(name)
        await client.close()


def sandbox_fixtures(
    token: str, rates: dict[str, float] | None = None, timeout: float | httpx.Timeout = 10
) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """A test module's provider sandbox: its ``sandbox_url`` and ``http`` fixtures, bound in the module by
    ``sandbox_url, http = sandbox_fixtures(TOKEN)``.

    The sandbox runs as its own process for the module, accepting ``token`` and enforcing ``rates`` (requests a
    second per channel, e.g. ``{"lookup": 100}``); ``http`` is a client (with ``timeout``) on the sandbox reset
    for each test (the rates given at start stay).
    """

    @pytest.fixture(scope="module", name="sandbox_url")
    def sandbox_url() -> Iterator[str]:
        url, process = start_sandbox(new_run_dir("test"), token, rates=rates)
        try:
            yield url
        finally:
            process.stop()

    @pytest.fixture(name="http")
    async def http(sandbox_url: str) -> AsyncIterator[httpx.AsyncClient]:
        async with httpx.AsyncClient(timeout=timeout) as client:
            assert (await client.post(f"{sandbox_url}/sandbox/reset")).status_code == 200
            yield client

    return sandbox_url, http


def offset_to_business_hours(now: datetime) -> float:
    """Seconds from now to the next Tuesday 10:00 in São Paulo, inside every contact window."""
    local = now.astimezone(ZoneInfo("America/Sao_Paulo"))
    days = (1 - local.weekday()) % 7 or 7
    target = (local + timedelta(days=days)).replace(hour=10, minute=0, second=0, microsecond=0)
    return (target - local).total_seconds()


@pytest.fixture(scope="session")
def platform(infra: Infra) -> Iterator[Platform]:
    """The sandbox and six services as real processes, living on a weekday morning."""
    run_dir = new_run_dir("e2e")
    started = start_platform(infra, run_dir, offset_to_business_hours(datetime.now(UTC)))
    print(f"\nservices: logs {run_dir}/logs", file=sys.__stderr__)
    try:
        yield started
    finally:
        started.stop()
