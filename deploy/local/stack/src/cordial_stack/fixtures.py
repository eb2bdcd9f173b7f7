"""pytest fixtures that give integration and end-to-end tests real Kafka, MongoDB and services."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from cordial_core.ids import new_id
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from cordial_stack.infra import Infra, start_infra
from cordial_stack.paths import new_run_dir
from cordial_stack.platform import Platform, start_platform


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    """Kafka and MongoDB for the whole test session, started once and always stopped."""
    run_dir = new_run_dir("test")
    started = start_infra(run_dir)
    print(f"\ninfra: kafka {started.kafka_bootstrap_servers}, mongodb {started.mongodb_uri}, logs {run_dir}/logs")
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


@pytest.fixture(scope="session")
def platform(infra: Infra) -> Iterator[Platform]:
    """The sandbox and six services as real processes, for end-to-end tests."""
    run_dir = new_run_dir("e2e")
    started = start_platform(infra, run_dir)
    try:
        yield started
    finally:
        started.stop()
