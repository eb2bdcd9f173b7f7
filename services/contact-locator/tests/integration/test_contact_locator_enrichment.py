"""Enrichment as a contact-point source, over a real socket to the sandbox's People API, points on FerretDB."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from cryptography.fernet import Fernet
from pymongo.asynchronous.database import AsyncDatabase

from cordial.events.v1 import debts_pb2
from cordial.types.v1 import types_pb2
from cordial_contact_locator.adapters.contact_points import ContactPointRepository
from cordial_contact_locator.adapters.enrichment import HttpEnrichmentContacts
from cordial_contact_locator.api.events import handlers
from cordial_contact_locator.domain.directory import Directory
from cordial_contact_locator.domain.enrichment import ContactEnricher
from cordial_core.clock import ControllableClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.events import new_event
from cordial_core.store import TenantCollection
from cordial_stack.fixtures import sandbox_fixtures

TOKEN = "integration-sandbox-token-enrichment-contacts"
sandbox_url, http = sandbox_fixtures(TOKEN)
NOW = datetime(2024, 3, 4, 13, 0, tzinfo=UTC)
CPF = "52998224725"
WHATSAPP, SMS, EMAIL = types_pb2.CHANNEL_WHATSAPP, types_pb2.CHANNEL_SMS, types_pb2.CHANNEL_EMAIL


async def test_enrichment_points_recorded_with_source_and_time_normalised_and_planned(
    http: httpx.AsyncClient, sandbox_url: str, mongo_db: AsyncDatabase[dict]
) -> None:
    person = {"phones": ["11987654321", "119"], "emails": ["Ana@Example.com"]}
    await http.put(f"{sandbox_url}/sandbox/enrichment/{CPF}", json=person)
    clock = ControllableClock(NOW)
    cipher = PersonalDataCipher(Fernet.generate_key().decode(), "lookup-key-for-tests")
    points = ContactPointRepository(TenantCollection(mongo_db["contact_points"]), cipher, clock)
    directory = Directory(points, clock, cipher.lookup_hash)
    enricher = ContactEnricher(directory, points, HttpEnrichmentContacts(http, sandbox_url, TOKEN), cipher.decrypt)
    handle = handlers(directory, enricher=enricher)

    placed = debts_pb2.DebtPlaced(
        debt_id="d1",
        debtor_id="p1",
        sealed_document=cipher.encrypt(CPF),
        contact_points=[types_pb2.ContactPointInput(kind=types_pb2.CONTACT_KIND_PHONE, value="21 98765-4321")],
    )
    await handle(
        new_event("debt.placed", placed, source="agreements", tenant="t1", subject="d1", key="p1", clock=clock).envelope
    )
    # A second debt of the same debtor at the same client does not ask again.
    again = debts_pb2.DebtPlaced(debt_id="d2", debtor_id="p1", sealed_document=cipher.encrypt(CPF))
    await handle(
        new_event("debt.placed", again, source="agreements", tenant="t1", subject="d2", key="p1", clock=clock).envelope
    )
    assert (await http.get(f"{sandbox_url}/sandbox/enrichment")).json()["queries"] == {CPF: 1}

    known = await points.of_debtor("t1", "p1")
    by_value = {p.value: p for p in known}
    assert set(by_value) == {"+5521987654321", "+5511987654321", "+55 11 9", "Ana@example.com"}
    assert by_value["+5521987654321"].source == "client"
    enriched = [p for p in known if p.source == "enrichment:bigdatacorp"]
    assert len(enriched) == 3
    assert all(p.learned_at.replace(tzinfo=UTC) == NOW for p in enriched)
    assert not by_value["+55 11 9"].valid  # kept, marked invalid with the reason
    assert by_value["+55 11 9"].reason

    plan = await directory.plan("t1", "p1", [WHATSAPP, EMAIL])
    assert {(c.point.value, c.channel) for c in plan} == {
        ("+5521987654321", WHATSAPP),
        ("+5511987654321", WHATSAPP),
        ("Ana@example.com", EMAIL),
    }
    assert any(c.reason.startswith("enrichment:bigdatacorp supplied") for c in plan)

    # "Not me" on an enrichment point: never used again, even when the provider offers it anew (another client).
    await directory.not_me("t1", by_value["+5511987654321"].id)
    stored = await mongo_db["contact_points"].find_one({"_id": by_value["+5511987654321"].id})
    assert stored is not None
    await directory.record_supplied("t1", "d3", "p1", [(types_pb2.CONTACT_KIND_PHONE, "11987654321")], "client")
    values = {c.point.value for c in await directory.plan("t1", "p1", [WHATSAPP, SMS])}
    assert values == {"+5521987654321"}
    # Nothing of the document is stored.
    assert CPF not in str(await mongo_db["contact_points"].find({}).to_list())
