"""Enrichment over a real socket to the sandbox's People API, cached on the debtor in FerretDB."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from pymongo.asynchronous.database import AsyncDatabase

from cordial_core.clock import ControllableClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.store import TenantCollection
from cordial_stack.fixtures import sandbox_fixtures
from cordial_strategy.adapters.debtors import DebtorRepository
from cordial_strategy.adapters.enrichment import HttpPublicData
from cordial_strategy.domain.enrichment import Enricher
from cordial_strategy.domain.profile import build_profile
from cordial_strategy.domain.strategies import SegmentRule, assign

TOKEN = "integration-sandbox-token-enrichment"
sandbox_url, http = sandbox_fixtures(TOKEN)
T0 = datetime(2024, 3, 5, 13, tzinfo=UTC)
CPF = "52998224725"


async def test_flags_learned_once_cached_with_time_and_used_by_segments(
    http: httpx.AsyncClient, sandbox_url: str, mongo_db: AsyncDatabase[dict[str, Any]]
) -> None:
    person = {"employed": False, "unemployment_benefit": True, "fgts_balance_minor": 123_456}
    await http.put(f"{sandbox_url}/sandbox/enrichment/{CPF}", json=person)
    cipher = PersonalDataCipher(Fernet.generate_key().decode(), "lookup")
    debtors = DebtorRepository(TenantCollection(mongo_db["debtors"]))
    enricher = Enricher(debtors, HttpPublicData(http, sandbox_url, TOKEN), cipher.decrypt, ControllableClock(T0))

    assert await enricher.debt_placed("p1", cipher.encrypt(CPF), False)
    assert not await enricher.debt_placed("p1", cipher.encrypt(CPF), False)
    assert (await http.get(f"{sandbox_url}/sandbox/enrichment")).json()["queries"] == {CPF: 1}

    debtor = await debtors.load("p1")
    assert debtor.public_data == {
        "employment": "unemployed",
        "unemployment_benefit": "true",
        "social_benefit": "false",
        "fgts_balance_minor": "123456",
    }
    assert debtor.public_data_learned_at is not None
    assert debtor.public_data_learned_at.replace(tzinfo=UTC) == T0
    assert debtor.public_data_source == "bigdatacorp"
    profile = build_profile(debtor, T0, False, debtor.public_data)
    rules = [SegmentRule("in hardship", flags=("hardship",)), SegmentRule("others")]
    assert assign(profile, rules) == ("in hardship", 0)
    stored = await mongo_db["debtors"].find_one({"_id": "p1"})
    assert CPF not in str(stored)  # the document is kept sealed, never in clear


async def test_wrong_token_fails_loudly_and_nothing_is_cached(
    http: httpx.AsyncClient, sandbox_url: str, mongo_db: AsyncDatabase[dict[str, Any]]
) -> None:
    cipher = PersonalDataCipher(Fernet.generate_key().decode(), "lookup")
    debtors = DebtorRepository(TenantCollection(mongo_db["debtors"]))
    enricher = Enricher(debtors, HttpPublicData(http, sandbox_url, "wrong"), cipher.decrypt, ControllableClock(T0))
    with pytest.raises(httpx.HTTPStatusError):
        await enricher.debt_placed("p2", cipher.encrypt(CPF), False)
    assert (await debtors.load("p2")).public_data_learned_at is None


async def test_stale_flags_are_asked_again_with_the_kept_sealed_document(
    http: httpx.AsyncClient, sandbox_url: str, mongo_db: AsyncDatabase[dict[str, Any]]
) -> None:
    await http.put(f"{sandbox_url}/sandbox/enrichment/{CPF}", json={"employed": False})
    cipher = PersonalDataCipher(Fernet.generate_key().decode(), "lookup")
    debtors = DebtorRepository(TenantCollection(mongo_db["debtors"]))
    clock = ControllableClock(T0)
    ttl = timedelta(days=30)
    enricher = Enricher(debtors, HttpPublicData(http, sandbox_url, TOKEN), cipher.decrypt, clock, ttl)
    assert await enricher.debt_placed("p3", cipher.encrypt(CPF), False)
    await http.put(f"{sandbox_url}/sandbox/enrichment/{CPF}", json={"employed": True})

    clock.set(T0 + ttl - timedelta(days=1))
    assert not await enricher.refresh("p3")
    clock.set(T0 + ttl)
    assert await enricher.refresh("p3")  # no new debt: the document kept (sealed) in FerretDB is used
    assert (await http.get(f"{sandbox_url}/sandbox/enrichment")).json()["queries"] == {CPF: 2}
    debtor = await debtors.load("p3")
    assert debtor.public_data["employment"] == "employed"
    assert debtor.public_data_learned_at is not None
    assert debtor.public_data_learned_at.replace(tzinfo=UTC) == T0 + ttl
    assert CPF not in str(await mongo_db["debtors"].find_one({"_id": "p3"}))
