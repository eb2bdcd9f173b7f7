"""Verification on FerretDB and the sandbox's Lookup v2 over a real socket: a cache shared by instances and
restarts, a durable budget no two instances overspend, batch progress any instance reads, RPC rates.
"""

from __future__ import annotations

from datetime import timedelta

import httpx
from cryptography.fernet import Fernet
from pymongo.asynchronous.database import AsyncDatabase

from cordial.types.v1 import types_pb2
from cordial_contact_locator.adapters.contact_points import ContactPointRepository
from cordial_contact_locator.adapters.lookup import TwilioLookup
from cordial_contact_locator.adapters.outcomes import MongoOutcomes
from cordial_contact_locator.adapters.verification_store import MongoBatches, MongoBudgets, MongoVerificationCache
from cordial_contact_locator.domain.directory import ContactOutcome, Directory
from cordial_contact_locator.domain.right_party import PartyRate, RightPartyRates
from cordial_contact_locator.domain.verification import FROM_CACHE, LOOKED_UP, OVER_BUDGET, Verifier
from cordial_contact_locator.domain.verification_jobs import DONE, VerificationJobs, progress_counts
from cordial_core.clock import SystemClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.rate_cells import LocalRate
from cordial_core.rate_limit import TokenBucket
from cordial_core.store import TenantCollection
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
    assert progress_counts(read.progress) == {"cached": 1, "paid": 9, "refused_budget": 3, "failed": 0}
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
