"""Two contact-locator instances on FerretDB against the sandbox, which enforces the providers' rates: the lookup's
and the WhatsApp contacts check's rates are shared through rate cells (no request refused, no second over the
rate), and the check spends the tenant's verification budget, never past it; a request refused over the rate
anyway is asked again, and every number ends verified."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from cryptography.fernet import Fernet
from pymongo.asynchronous.database import AsyncDatabase

from cordial.types.v1 import types_pb2
from cordial_contact_locator.adapters.contact_points import ContactPointRepository
from cordial_contact_locator.adapters.lookup import TwilioLookup
from cordial_contact_locator.adapters.verification_store import (
    MongoBatches,
    MongoBudgets,
    MongoVerificationCache,
    MongoWhatsAppCheckCache,
)
from cordial_contact_locator.adapters.whatsapp_check import HttpWhatsAppCheck
from cordial_contact_locator.app import LOOKUP_PROVIDER, WHATSAPP_CHECK_PROVIDER
from cordial_contact_locator.domain.directory import Directory
from cordial_contact_locator.domain.verification import Verifier
from cordial_contact_locator.domain.verification_jobs import DONE, VerificationJobs, progress_counts
from cordial_contact_locator.domain.whatsapp_check import WhatsAppChecker
from cordial_core.clock import SystemClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.rate_cells import LocalRate, Pacer, SharedRate, cells_per_claim
from cordial_core.rate_limit import TokenBucket
from cordial_core.rate_slots import MongoRateSlots
from cordial_core.store import TenantCollection
from cordial_stack.fixtures import sandbox_fixtures

TOKEN = "integration-sandbox-token-shared-rate"
CIPHER = PersonalDataCipher(Fernet.generate_key().decode(), "lookup-key-for-tests")
TTL = timedelta(days=30)
PHONE = types_pb2.CONTACT_KIND_PHONE
# What the sandbox enforces over any one second, and what the instances are configured with between them: the
# cells start at most floor(rate) - 1 a second on average and floor(rate) in any second; the margin is for the
# network's jitter between a request's start and its arrival.
LOOKUP_LIMIT, LOOKUP_RATE = 20, 16
CHECK_LIMIT, CHECK_RATE = 4, 3
# The sandbox as its own process for the module, enforcing the lookup's and the contacts check's rates.
sandbox_url, http = sandbox_fixtures(TOKEN, rates={"lookup": LOOKUP_LIMIT, "whatsapp-contacts": CHECK_LIMIT})


def instance(
    db: AsyncDatabase[dict],
    url: str,
    budget: int,
    http: httpx.AsyncClient,
    pacers: tuple[Pacer, Pacer] | None = None,
    groups: tuple[int, int] = (10, 5),
) -> VerificationJobs:
    """Verification as one contact-locator instance wires it: its own store client objects and rate cells (or the
    lookup's and the check's pacers given), numbers verified together and asked about in one check (``groups``)."""
    clock = SystemClock()
    lookup_cells = MongoRateSlots(db["rate_slots"], clock, block=cells_per_claim(LOOKUP_RATE))
    check_cells = MongoRateSlots(db["rate_slots"], clock, block=cells_per_claim(CHECK_RATE))
    lookup_rate, check_rate = pacers or (
        SharedRate(lookup_cells, LOOKUP_PROVIDER, LOOKUP_RATE, clock),
        SharedRate(check_cells, WHATSAPP_CHECK_PROVIDER, CHECK_RATE, clock),
    )
    budgets = MongoBudgets(TenantCollection(db["verification_budgets"]))
    verifier = Verifier(
        TwilioLookup(http, url, "ACtest", TOKEN, clock),
        MongoVerificationCache(TenantCollection(db["line_lookups"]), CIPHER, clock),
        budgets,
        clock,
        lookup_rate,
        ttl=TTL,
        monthly_budget=budget,
    )
    checker = WhatsAppChecker(
        HttpWhatsAppCheck(http, url, TOKEN),
        MongoWhatsAppCheckCache(TenantCollection(db["whatsapp_checks"]), CIPHER, clock),
        clock,
        budgets,
        tenants={"t1"},
        ttl=TTL,
        monthly_budget=budget,
        group=groups[1],
        rate=check_rate,
    )
    points = ContactPointRepository(TenantCollection(db["contact_points"]), CIPHER, clock)
    batches = MongoBatches(TenantCollection(db["verification_batches"]), CIPHER)
    return VerificationJobs(verifier, points, batches, clock, group=groups[0], whatsapp=checker)


async def rates(http: httpx.AsyncClient, url: str) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = (await http.get(f"{url}/sandbox/rates")).json()["rates"]
    return found


async def test_two_instances_share_the_lookups_rate_and_the_sandbox_refuses_nothing(
    mongo_db: AsyncDatabase[dict], sandbox_url: str
) -> None:
    numbers = [f"+55119{i:08d}" for i in range(80)]
    # Each instance with its own HTTP client, as two processes would be.
    async with httpx.AsyncClient(timeout=10) as one_http, httpx.AsyncClient(timeout=10) as two_http:
        await one_http.post(f"{sandbox_url}/sandbox/reset")
        one, two = instance(mongo_db, sandbox_url, 1000, one_http), instance(mongo_db, sandbox_url, 1000, two_http)
        first, second = await one.start("t2", [], numbers[:40]), await two.start("t2", [], numbers[40:])
        await asyncio.gather(one.wait(first.id), two.wait(second.id))
        seen = (await rates(one_http, sandbox_url))["lookup"]
        ends = [await one.get("t2", first.id), await two.get("t2", second.id)]

    assert seen["rejected"] == 0, seen
    assert seen["accepted"] == 80
    assert seen["most_in_one_second"] <= LOOKUP_LIMIT
    for end in ends:
        assert end is not None
        assert end.state == DONE
        assert progress_counts(end.progress)["paid"] == 40


async def test_the_contacts_check_spends_the_budget_within_its_shared_rate(
    mongo_db: AsyncDatabase[dict], http: httpx.AsyncClient, sandbox_url: str
) -> None:
    clock = SystemClock()
    points = ContactPointRepository(TenantCollection(mongo_db["contact_points"]), CIPHER, clock)
    directory = Directory(points, clock, CIPHER.lookup_hash)
    recorded = [
        (await directory.record_supplied("t1", f"d{i}", f"p{i}", [(PHONE, f"+55119{i:08d}")], "client"))[0]
        for i in range(30)
    ]
    budget = 50  # 30 lookups, then 20 of the 30 checks, whichever instance asks first
    one, two = instance(mongo_db, sandbox_url, budget, http), instance(mongo_db, sandbox_url, budget, http)

    await asyncio.gather(one.verify_points("t1", recorded[:15]), two.verify_points("t1", recorded[15:]))

    month = clock.now().strftime("%Y-%m")
    assert await MongoBudgets(TenantCollection(mongo_db["verification_budgets"])).spent("t1", month) == budget
    asked = (await http.get(f"{sandbox_url}/sandbox/whatsapp/contacts")).json()["queries"]
    assert sum(asked.values()) == 20
    assert max(asked.values()) == 1
    assert (await http.get(f"{sandbox_url}/sandbox/lookups")).json()["total"] == 30
    seen = await rates(http, sandbox_url)
    assert seen["whatsapp-contacts"]["rejected"] == 0, seen
    assert seen["whatsapp-contacts"]["most_in_one_second"] <= CHECK_LIMIT
    checked = await MongoWhatsAppCheckCache(TenantCollection(mongo_db["whatsapp_checks"]), CIPHER, clock).get_many(
        "t1", [p.value for p in recorded]
    )
    assert len(checked) == 20

    # Within the TTL the cache answers for the checked numbers: nothing more is asked or spent.
    await instance(mongo_db, sandbox_url, budget, http).verify_points("t1", recorded)
    assert sum((await http.get(f"{sandbox_url}/sandbox/whatsapp/contacts")).json()["queries"].values()) == 20
    assert await MongoBudgets(TenantCollection(mongo_db["verification_budgets"])).spent("t1", month) == budget


async def test_requests_refused_over_the_providers_rate_are_asked_again_until_every_number_is_verified(
    mongo_db: AsyncDatabase[dict], http: httpx.AsyncClient, sandbox_url: str
) -> None:
    """An instance paced at twice the providers' limits (as when another client shares the account): the sandbox
    refuses some lookups and checks with its 429s (20429, 1015), each is asked again in a later slot, and every
    number ends looked up and checked, paid once, the batch's progress counting both."""
    clock = SystemClock()
    points = ContactPointRepository(TenantCollection(mongo_db["contact_points"]), CIPHER, clock)
    directory = Directory(points, clock, CIPHER.lookup_hash)
    for i in range(30):
        await directory.record_supplied("t1", f"d{i}", f"p{i}", [(PHONE, f"+55119{i:08d}")], "client")
    start = clock.now().timestamp()
    over = (
        LocalRate(TokenBucket(2.0 * LOOKUP_LIMIT, 1, start), clock),
        LocalRate(TokenBucket(2.0 * CHECK_LIMIT, 1, start), clock),
    )
    jobs = instance(mongo_db, sandbox_url, 100, http, pacers=over, groups=(30, 3))

    batch = await jobs.start("t1", [], [])
    await jobs.wait(batch.id)

    seen = await rates(http, sandbox_url)
    assert seen["lookup"]["rejected"] > 0, seen
    assert seen["whatsapp-contacts"]["rejected"] > 0, seen
    read = await MongoBatches(TenantCollection(mongo_db["verification_batches"]), CIPHER).get("t1", batch.id)
    assert read is not None
    counts = progress_counts(read.progress)
    assert (read.state, counts["paid"], counts["failed"], counts["pending"]) == (DONE, 30, 0, 0)
    assert (counts["whatsapp_total"], counts["whatsapp_paid"], counts["whatsapp_failed"]) == (30, 30, 0)
    assert counts["whatsapp_pending"] == 0
    paid = (await http.get(f"{sandbox_url}/sandbox/lookups")).json()
    assert (paid["total"], paid["per_number_max"]) == (30, 1)
    asked = (await http.get(f"{sandbox_url}/sandbox/whatsapp/contacts")).json()["queries"]
    assert (len(asked), max(asked.values())) == (30, 1)
    month = clock.now().strftime("%Y-%m")
    assert await MongoBudgets(TenantCollection(mongo_db["verification_budgets"])).spent("t1", month) == 60
