"""Verification on FerretDB and the sandbox's Lookup v2 over a real socket: a cache shared by instances and
restarts, a durable budget no two instances overspend, batch progress any instance reads, RPC rates.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from cordial.types.v1 import types_pb2
from cordial_contact_locator.adapters.contact_points import ContactPointRepository
from cordial_contact_locator.adapters.lookup import TwilioLookup
from cordial_contact_locator.adapters.outcomes import MongoOutcomes
from cordial_contact_locator.adapters.verification_store import MongoBatches, MongoBudgets, MongoVerificationCache
from cordial_contact_locator.domain.directory import ContactOutcome, Directory
from cordial_contact_locator.domain.right_party import PartyRate, RightPartyRates
from cordial_contact_locator.domain.verification import (
    FROM_CACHE,
    LOOKED_UP,
    OVER_BUDGET,
    BatchProgress,
    LineInfo,
    Verifier,
)
from cordial_contact_locator.domain.verification_jobs import DONE, RUNNING, Batch, VerificationJobs, progress_counts
from cordial_core.clock import SystemClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.pushdown import is_ferretdb
from cordial_core.rate_cells import LocalRate
from cordial_core.rate_limit import TokenBucket
from cordial_core.store import TenantCollection
from cordial_stack.commands import by_id
from cordial_stack.fixtures import sandbox_fixtures

TOKEN = "integration-sandbox-token-verification"
sandbox_url, http = sandbox_fixtures(TOKEN)
CIPHER = PersonalDataCipher(Fernet.generate_key().decode(), "lookup-key-for-tests")
PHONE, SMS, WHATSAPP = types_pb2.CONTACT_KIND_PHONE, types_pb2.CHANNEL_SMS, types_pb2.CHANNEL_WHATSAPP


def instance(db: AsyncDatabase[dict], http: httpx.AsyncClient, url: str, budget: int = 1000) -> Verifier:
    """A verifier as one contact-locator instance wires it: its own adapters on the shared database."""
    clock = SystemClock()
    return Verifier(
        TwilioLookup(http, url, "ACtest", TOKEN, clock),
        MongoVerificationCache(TenantCollection(db["line_lookups"]), CIPHER, clock),
        MongoBudgets(TenantCollection(db["verification_budgets"])),
        clock,
        LocalRate(TokenBucket(rate=500, burst=20, now=clock.now().timestamp()), clock),
        ttl=timedelta(days=30),
        monthly_budget=budget,
    )


async def paid(http: httpx.AsyncClient, url: str) -> int:
    total: int = (await http.get(f"{url}/sandbox/lookups")).json()["total"]
    return total


async def test_the_cache_answers_a_new_instance_and_keeps_no_number_in_clear(
    mongo_db: AsyncDatabase[dict], http: httpx.AsyncClient, sandbox_url: str
) -> None:
    first = await instance(mongo_db, http, sandbox_url).verify("t1", "+5511987654321")
    assert first.source == LOOKED_UP
    again = await instance(mongo_db, http, sandbox_url).verify("t1", "+5511987654321")
    assert again.source == FROM_CACHE
    assert again.info is not None
    assert (again.info.valid, again.info.line_type) == (True, "mobile")
    other_tenant = await instance(mongo_db, http, sandbox_url).verify("t2", "+5511987654321")
    assert other_tenant.source == LOOKED_UP
    assert await paid(http, sandbox_url) == 2
    stored = await mongo_db["line_lookups"].find_one({"tenant": "t1"})
    assert stored is not None
    assert "987654321" not in str(stored)


async def test_two_instances_share_one_budget_and_refuse_past_it(
    mongo_db: AsyncDatabase[dict], http: httpx.AsyncClient, sandbox_url: str
) -> None:
    one, two = instance(mongo_db, http, sandbox_url, budget=5), instance(mongo_db, http, sandbox_url, budget=5)
    numbers = [f"+55119{i:08d}" for i in range(8)]
    first = await one.batch("t1", numbers[:4], workers=4)
    second = await two.batch("t1", numbers[4:], workers=4)
    assert first.counts[LOOKED_UP] + second.counts[LOOKED_UP] == 5
    assert first.counts[OVER_BUDGET] + second.counts[OVER_BUDGET] == 3
    refused = await instance(mongo_db, http, sandbox_url, budget=5).verify("t1", "+5511900000099")
    assert (refused.source, refused.reason) == (OVER_BUDGET, "monthly verification budget of 5 spent")
    assert await paid(http, sandbox_url) == 5
    month = SystemClock().now().strftime("%Y-%m")
    assert await MongoBudgets(TenantCollection(mongo_db["verification_budgets"])).spent("t1", month) == 5
    assert (await instance(mongo_db, http, sandbox_url, budget=5).verify("t2", numbers[0])).source == LOOKED_UP


async def test_a_batch_of_the_tenants_points_reports_progress_to_any_instance(
    mongo_db: AsyncDatabase[dict], http: httpx.AsyncClient, sandbox_url: str
) -> None:
    clock = SystemClock()
    points = ContactPointRepository(TenantCollection(mongo_db["contact_points"]), CIPHER, clock)
    directory = Directory(points, clock, CIPHER.lookup_hash)
    supplied = [(PHONE, f"11 9{i:04d}-{i:04d}") for i in range(1, 13)] + [(PHONE, "11 3333-4444")]
    recorded = await directory.record_supplied("t1", "d1", "p1", supplied, "client")
    await directory.record_supplied("t2", "d9", "p9", [(PHONE, "11 98888-7777")], "client")
    verifier = instance(mongo_db, http, sandbox_url, budget=10)
    await verifier.verify("t1", recorded[-1].value)  # the landline: the batch finds it in the cache
    batches = MongoBatches(TenantCollection(mongo_db["verification_batches"]), CIPHER)
    jobs = VerificationJobs(verifier, points, batches, clock, group=4)
    started = await jobs.start("t1", [], [], reference="nightly")
    await jobs.wait(started.id)
    read = await MongoBatches(TenantCollection(mongo_db["verification_batches"]), CIPHER).get("t1", started.id)
    assert read is not None
    assert (read.state, read.progress.total, read.progress.done) == (DONE, 13, 13)
    assert (
        progress_counts(read.progress).items()
        >= {"cached": 1, "paid": 9, "refused_budget": 3, "failed": 0, "pending": 0}.items()
    )
    assert await batches.get("t2", started.id) is None
    assert await paid(http, sandbox_url) == 10
    plan = await directory.plan("t1", "p1", [SMS])
    landline = next(p for p in await points.of_debtor("t1", "p1") if p.value == "+551133334444")
    assert (landline.line_type, landline.blocked) == ("landline", {SMS: "line-type lookup: landline, no SMS"})
    assert landline.id not in {c.point.id for c in plan}
    verified = [p for p in await points.of_debtor("t1", "p1") if p.verified_at is not None]
    assert len(verified) == 10
    assert all(p.carrier for p in verified if p.line_type == "mobile")
    assert (await jobs.start("t1", [], [], reference="nightly")).id == started.id


async def test_outcomes_are_counted_once_per_event_and_read_as_rates(mongo_db: AsyncDatabase[dict]) -> None:
    outcomes = MongoOutcomes(TenantCollection(mongo_db["contact_outcomes"]), SystemClock())
    await outcomes.ensure_indexes()
    for event_id, outcome in [("e1", "contacted"), ("e1", "contacted"), ("e2", "contacted"), ("e3", "right_party")]:
        await outcomes.count(ContactOutcome("t1", "debtor", "whatsapp", WHATSAPP, outcome, event_id))
    await outcomes.count(ContactOutcome("t2", "client", "sms", SMS, "contacted", "e9"))
    rates = await RightPartyRates(outcomes).of_tenant("t1")
    assert rates == [PartyRate("debtor", "whatsapp", WHATSAPP, 2, 1, 0)]
    assert rates[0].rate == 0.5


class FilterLog:
    """A collection that records the filter of every read and update sent to the server, passing all on."""

    def __init__(self, raw: AsyncCollection[dict]) -> None:
        self._raw = raw
        self.filters: list[dict[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)

    def find(self, query: Mapping[str, Any], *args: Any, **kwargs: Any) -> Any:
        self.filters.append(dict(query))
        return self._raw.find(query, *args, **kwargs)

    async def find_one(self, query: Mapping[str, Any], *args: Any, **kwargs: Any) -> Any:
        self.filters.append(dict(query))
        return await self._raw.find_one(query, *args, **kwargs)

    async def update_one(self, query: Mapping[str, Any], *args: Any, **kwargs: Any) -> Any:
        self.filters.append(dict(query))
        return await self._raw.update_one(query, *args, **kwargs)


async def test_cache_budget_and_progress_are_read_and_written_by_id_alone_on_ferretdb(
    mongo_db: AsyncDatabase[dict],
) -> None:
    """FerretDB v1 on SQLite reads every document of a collection for any filter but ``_id`` alone: a cache read,
    a budget move or a progress save that named another field would cost more as the cache grows."""
    if not await is_ferretdb(mongo_db["line_lookups"]):
        pytest.skip("MongoDB keeps the whole filter in the server, where its indexes serve it")
    clock = SystemClock()
    logs = {name: FilterLog(mongo_db[name]) for name in ("line_lookups", "verification_budgets", "batches")}
    cache = MongoVerificationCache(TenantCollection(logs["line_lookups"]), CIPHER, clock)  # type: ignore[arg-type]
    budgets = MongoBudgets(TenantCollection(logs["verification_budgets"]))  # type: ignore[arg-type]
    batches = MongoBatches(TenantCollection(logs["batches"]), CIPHER)  # type: ignore[arg-type]
    numbers = [f"+55119{i:08d}" for i in range(40)]
    await cache.put_many("t1", [LineInfo(n, True, "mobile", "Vivo", clock.now()) for n in numbers[:30]])
    await cache.put_many("t1", [LineInfo(n, True, "landline", "Oi", clock.now()) for n in numbers[20:]])
    found = await cache.get_many("t1", numbers)
    assert len(found) == 40
    assert found[numbers[25]].line_type == "landline"
    assert await cache.get_many("t2", numbers) == {}, "another tenant's cache is not read"
    assert await budgets.reserve("t1", "2026-12", 30, 50) == 30
    await budgets.refund("t1", "2026-12", 5)
    assert await MongoBudgets(TenantCollection(mongo_db["verification_budgets"])).spent("t1", "2026-12") == 25
    batch = Batch("b1", "t1", RUNNING, BatchProgress(len(numbers)), clock.now(), clock.now())
    assert await batches.create(batch, numbers)
    batch.progress.done = 12
    await batches.save(batch)
    read = await batches.get("t1", "b1")
    assert read is not None
    assert read.progress.done == 12
    assert await batches.numbers("t1", "b1") == numbers

    scans = [f for log in logs.values() for f in log.filters if not by_id(f)]
    assert scans == [], "each read and update names one _id"
    stored = await mongo_db["batches"].find_one({"_id": "b1"})
    assert stored is not None
    assert "numbers_enc" not in stored, "the progress saved every few seconds does not carry the listed numbers"
