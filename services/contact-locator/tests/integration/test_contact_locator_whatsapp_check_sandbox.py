"""WhatsApp contacts check against the sandbox over a real socket, kept on FerretDB: a non-user is blocked on
WhatsApp (the number the Cloud API would answer 131026 for), a user recorded, and the cache answers the second
time without asking the provider."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
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
from cordial_contact_locator.domain.directory import Directory
from cordial_contact_locator.domain.verification import Verifier
from cordial_contact_locator.domain.verification_jobs import VerificationJobs
from cordial_contact_locator.domain.whatsapp_check import NOT_ON_WHATSAPP_CHECK, CheckFailure, WhatsAppChecker
from cordial_core.clock import SystemClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.rate_cells import LocalRate
from cordial_core.rate_limit import TokenBucket
from cordial_core.store import TenantCollection
from cordial_stack.fixtures import sandbox_fixtures

TOKEN = "integration-sandbox-token-whatsapp-check"
sandbox_url, http = sandbox_fixtures(TOKEN)
CIPHER = PersonalDataCipher(Fernet.generate_key().decode(), "lookup-key-for-tests")
PHONE, WHATSAPP = types_pb2.CONTACT_KIND_PHONE, types_pb2.CHANNEL_WHATSAPP
NOT_USER, USER, OPTED_OUT = "+5511987650001", "+5511987650002", "+5511987650003"
TTL = timedelta(days=30)


def instance(
    db: AsyncDatabase[dict], http: httpx.AsyncClient, url: str
) -> tuple[VerificationJobs, Directory, ContactPointRepository]:
    """Verification with the contacts check as one contact-locator instance wires it, on the shared database."""
    clock = SystemClock()
    points = ContactPointRepository(TenantCollection(db["contact_points"]), CIPHER, clock)
    budgets = MongoBudgets(TenantCollection(db["verification_budgets"]))
    verifier = Verifier(
        TwilioLookup(http, url, "ACtest", TOKEN, clock),
        MongoVerificationCache(TenantCollection(db["line_lookups"]), CIPHER, clock),
        budgets,
        clock,
        LocalRate(TokenBucket(rate=1000, burst=50, now=clock.now().timestamp()), clock),
        ttl=TTL,
        monthly_budget=1000,
    )
    checker = WhatsAppChecker(
        HttpWhatsAppCheck(http, url, TOKEN),
        MongoWhatsAppCheckCache(TenantCollection(db["whatsapp_checks"]), CIPHER, clock),
        clock,
        budgets,
        tenants={"t1"},
        ttl=TTL,
        monthly_budget=1000,
    )
    batches = MongoBatches(TenantCollection(db["verification_batches"]), CIPHER)
    jobs = VerificationJobs(verifier, points, batches, clock, whatsapp=checker)
    return jobs, Directory(points, clock, CIPHER.lookup_hash), points


async def _queries(http: httpx.AsyncClient, url: str) -> dict[str, int]:
    return dict((await http.get(f"{url}/sandbox/whatsapp/contacts")).json()["queries"])


async def test_non_user_blocked_user_recorded_and_the_cache_answers_the_second_time(
    mongo_db: AsyncDatabase[dict], http: httpx.AsyncClient, sandbox_url: str
) -> None:
    marked = await http.post(f"{sandbox_url}/sandbox/whatsapp/non-users", json={"numbers": [NOT_USER, OPTED_OUT]})
    assert marked.status_code == 200
    jobs, directory, points = instance(mongo_db, http, sandbox_url)
    recorded = await directory.record_supplied("t1", "d1", "p1", [(PHONE, n) for n in (NOT_USER, USER)], "client")
    await jobs.verify_points("t1", recorded)

    by_value = {p.value: p for p in await points.of_debtor("t1", "p1")}
    assert by_value[NOT_USER].exclusion(WHATSAPP) == NOT_ON_WHATSAPP_CHECK
    assert by_value[NOT_USER].on_whatsapp is False
    assert by_value[NOT_USER].exclusion(types_pb2.CHANNEL_SMS) == ""
    assert by_value[USER].on_whatsapp is True
    assert by_value[USER].whatsapp_checked_at is not None
    assert by_value[USER].exclusion(WHATSAPP) == ""
    assert await _queries(http, sandbox_url) == {"5511987650001": 1, "5511987650002": 1}

    # Another instance (a restart) and another debtor with the same number: the cache answers.
    jobs, directory, points = instance(mongo_db, http, sandbox_url)
    again = await directory.record_supplied("t1", "d2", "p2", [(PHONE, USER)], "client")
    await jobs.verify_points("t1", again)
    [point] = await points.of_debtor("t1", "p2")
    assert point.on_whatsapp is True
    assert await _queries(http, sandbox_url) == {"5511987650001": 1, "5511987650002": 1}


async def test_the_check_never_overwrites_an_opt_out_and_other_tenants_are_not_asked(
    mongo_db: AsyncDatabase[dict], http: httpx.AsyncClient, sandbox_url: str
) -> None:
    await http.post(f"{sandbox_url}/sandbox/whatsapp/non-users", json={"numbers": [OPTED_OUT]})
    jobs, directory, points = instance(mongo_db, http, sandbox_url)
    [opted] = await directory.record_supplied("t1", "d3", "p3", [(PHONE, OPTED_OUT)], "client")
    await directory.opt_out("t1", opted.id, WHATSAPP, "reply")
    await jobs.verify_points("t1", [opted])
    [point] = await points.of_debtor("t1", "p3")
    assert point.on_whatsapp is False
    assert point.exclusion(WHATSAPP).startswith("opted out")

    elsewhere = await directory.record_supplied("t2", "d4", "p4", [(PHONE, USER)], "client")
    await jobs.verify_points("t2", elsewhere)
    assert "5511987650002" not in await _queries(http, sandbox_url)


async def test_a_bad_token_is_a_check_failure(http: httpx.AsyncClient, sandbox_url: str) -> None:
    with pytest.raises(CheckFailure, match="401"):
        await HttpWhatsAppCheck(http, sandbox_url, "wrong").check([USER])
