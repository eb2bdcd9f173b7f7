"""Templates, creditors, the audit trail and deferred sends on FerretDB, and a stored template sent to the sandbox."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
from cryptography.fernet import Fernet
from pymongo.asynchronous.database import AsyncDatabase

from cordial.types.v1 import types_pb2
from cordial_core.clock import ControllableClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.money import Money
from cordial_core.store import TenantCollection
from cordial_messaging.adapters.audit import AuditRepository
from cordial_messaging.adapters.catalogue import CreditorRepository, TemplateRepository
from cordial_messaging.adapters.messages import ORPHANED_AFTER, MessageRepository
from cordial_messaging.adapters.providers import WhatsAppCloud
from cordial_messaging.adapters.rate_slots import MongoRateSlots
from cordial_messaging.domain.audit import AuditEntry
from cordial_messaging.domain.catalogue import StoredTemplate, TemplateBook
from cordial_messaging.domain.composer import Composer, Creditor
from cordial_messaging.domain.dispatch import ActionToSend, Dispatcher, Recipient
from cordial_messaging.domain.throttle import Pace, Throttle
from cordial_stack.fixtures import sandbox_fixtures

TOKEN = "integration-sandbox-token"
sandbox_url, http = sandbox_fixtures(TOKEN, timeout=5)
NOW = datetime(2024, 3, 4, 13, 0, tzinfo=UTC)
CIPHER = PersonalDataCipher(Fernet.generate_key().decode(), "lookup-key")
WHATSAPP = types_pb2.CHANNEL_WHATSAPP
EN_BODY = (
    "Hello. {{ creditor }} would like you to know that {{ amount }} is open; details at {{ breakdown_link }}, "
    "ways to pay at {{ portal_link }}. {{ validation_notice }}"
)
ACTION = ActionToSend(
    "act-1", "t1", "d1", "p1", (WHATSAPP,), "reminder", Money(12345, "USD"), "Shop", tone="formal", locale="en"
)


def _template(body: str = EN_BODY, **overrides: object) -> StoredTemplate:
    fields: dict[str, object] = {
        "tenant": "t1",
        "name": "reminder",
        "channel": "whatsapp",
        "locale": "en",
        "tone": "formal",
        "jurisdiction": "US",
        "body": body,
        "first_communication": True,
    }
    fields.update(overrides)
    return StoredTemplate(**fields)  # type: ignore[arg-type]


async def test_templates_are_versioned_per_key_and_listed(mongo_db: AsyncDatabase[dict]) -> None:
    repo = TemplateRepository(TenantCollection(mongo_db["templates"]), ControllableClock(NOW))
    await repo.ensure_indexes()
    book = TemplateBook(repo)
    first = await book.save(_template())
    second = await book.save(_template(EN_BODY + " Thank you."))
    other_tone = await book.save(_template(tone="friendly"))
    await book.save(_template(tenant="t2"))
    assert (first.version, second.version, other_tone.version) == (1, 2, 3)
    latest = await repo.latest("t1", "reminder", "whatsapp", "en")
    assert latest is not None
    assert latest.version == 3
    formal = await repo.latest("t1", "reminder", "whatsapp", "en", "formal")
    assert formal is not None
    assert formal.body.endswith("Thank you.")
    assert [t.version for t in await book.list("t1", all_versions=True)] == [3, 2, 1]
    assert [t.version for t in await book.list("t1", all_versions=False)] == [3]
    assert await repo.latest("t3", "reminder", "whatsapp", "en") is None


async def test_the_creditors_document_is_kept_encrypted(mongo_db: AsyncDatabase[dict]) -> None:
    repo = CreditorRepository(TenantCollection(mongo_db["creditors"]), CIPHER, ControllableClock(NOW))
    await repo.put("t1", Creditor("Loja X", "Rua A, 1", "123.456.789-09"))
    await repo.put("t1", Creditor("Loja X", "Rua B, 2", "123.456.789-09"))
    assert await repo.get("t1") == Creditor("Loja X", "Rua B, 2", "123.456.789-09")
    assert await repo.get("t2") is None
    raw = [doc async for doc in mongo_db["creditors"].find({})]
    assert len(raw) == 1
    assert "123.456.789-09" not in repr(raw)


async def test_audit_entries_are_written_once_and_kept_encrypted(mongo_db: AsyncDatabase[dict]) -> None:
    repo = AuditRepository(TenantCollection(mongo_db["audit"]), CIPHER)
    await repo.ensure_indexes()
    entry = AuditEntry("e1", "t1", "sent", "m1", "d1", "p1", WHATSAPP, "cp", "+5511987654321", "wa", "w1", NOW, "Olá")
    await repo.append(entry)
    await repo.append(replace(entry, text="changed"))  # written again: the first stays
    assert await repo.entries("t1", "d1", "") == [entry]
    assert await repo.entries("t1", "", "p1") == [entry]
    assert await repo.entries("t2", "d1", "") == []
    raw = await mongo_db["audit"].find_one({"_id": "e1"})
    assert "987654321" not in repr(raw)
    assert "Olá" not in repr(raw)


async def test_a_deferred_message_is_due_once_under_a_lease(mongo_db: AsyncDatabase[dict]) -> None:
    repo = MessageRepository(TenantCollection(mongo_db["messages"]), CIPHER, ControllableClock(NOW))
    await repo.ensure_indexes()
    await repo.open(ACTION)
    await repo.defer(ACTION, NOW + timedelta(seconds=6))
    assert await repo.due(NOW, NOW + timedelta(seconds=60), 10) == []
    later = NOW + timedelta(seconds=6)
    assert await repo.due(later, later + timedelta(seconds=60), 10) == [ACTION]
    assert await repo.due(later, later + timedelta(seconds=60), 10) == []  # taken: held by the lease
    expired = later + timedelta(seconds=61)
    other = MessageRepository(TenantCollection(mongo_db["messages"]), CIPHER, ControllableClock(NOW), "other")
    assert await other.due(expired, expired + timedelta(seconds=60), 10) == []  # the owner's, not yet orphaned
    assert await repo.due(expired, expired + timedelta(seconds=60), 10) == [ACTION]
    orphaned = expired + timedelta(seconds=60) + ORPHANED_AFTER
    assert await other.due(orphaned, orphaned + timedelta(seconds=60), 10) == [ACTION]
    assert await repo.due(orphaned, orphaned + timedelta(seconds=60), 10) == []  # the other took it over
    expired = orphaned
    await repo.finish(ACTION, "sent", {}, [])
    assert await repo.due(expired + timedelta(days=1), expired, 10) == []


class OnePlan:
    async def plan(self, debtor_id: str, channels: tuple[int, ...]) -> list[Recipient]:
        return [Recipient("cp-1", WHATSAPP, "+15551234567")]


async def test_a_stored_template_goes_out_in_the_cloud_api_shape_and_into_the_audit_trail(
    mongo_db: AsyncDatabase[dict], http: httpx.AsyncClient, sandbox_url: str
) -> None:
    clock = ControllableClock(NOW)
    templates = TemplateRepository(TenantCollection(mongo_db["templates"]), clock)
    await TemplateBook(templates).save(_template())
    creditors = CreditorRepository(TenantCollection(mongo_db["creditors"]), CIPHER, clock)
    audit = AuditRepository(TenantCollection(mongo_db["audit"]), CIPHER)
    messages = MessageRepository(TenantCollection(mongo_db["messages"]), CIPHER, clock)
    whatsapp = WhatsAppCloud(http, sandbox_url, "v21.0", "100000000000001", TOKEN)
    dispatcher = Dispatcher(
        messages,
        OnePlan(),
        {WHATSAPP: whatsapp},
        clock,
        Composer(templates, creditors, "https://portal.example/p"),
        audit=audit,
    )
    await dispatcher.handle(ACTION)
    inbox = (await http.get(f"{sandbox_url}/sandbox/inbox", params={"to": "+15551234567"})).json()["messages"]
    [sent] = inbox
    template = sent["payload"]["template"]
    assert template["name"] == "cordial_reminder"
    assert template["language"] == {"code": "en"}
    [body] = template["components"]
    assert body["type"] == "body"
    values = [p["text"] for p in body["parameters"]]
    assert values[:4] == ["Shop", "US$ 123.45", "https://portal.example/p/d1/breakdown", "https://portal.example/p/d1"]
    assert "30 days" in values[4]
    [entry] = await audit.entries("t1", "d1", "")
    assert entry.provider_message_id == sent["id"]
    assert entry.to == "+15551234567"
    assert entry.text.startswith("Hello. Shop would like you to know that US$ 123.45 is open")
    assert entry.template_version == 1


async def test_shared_rate_cells_are_each_taken_once_across_instances(mongo_db: AsyncDatabase[dict]) -> None:
    clock = ControllableClock(NOW)
    first, second = MongoRateSlots(mongo_db["rate_slots"], clock), MongoRateSlots(mongo_db["rate_slots"], clock)
    await first.ensure_indexes()
    taken = await asyncio.gather(*(instance.take("wa", 1000) for instance in (first, second) for _ in range(20)))
    assert len(set(taken)) == 40, "every cell to one send only"
    assert min(taken) == 1000
    blocks = await mongo_db["rate_slots"].count_documents({})
    assert blocks == 6  # claimed eight at a time: 20 sends use three blocks in each instance
    assert await first.take("sms", 5) == 5  # per provider
    assert await first.take("wa", 900) not in taken, "a cell is never given out twice"
    assert await first.prune(NOW + timedelta(seconds=1)) == 7


async def test_each_providers_cells_are_claimed_a_quarter_second_at_a_time_as_messaging_wires_them(
    mongo_db: AsyncDatabase[dict],
) -> None:
    clock = ControllableClock(NOW)
    throttle = Throttle({"wa": Pace(rate=70, burst=1, per_recipient_seconds=7), "sms": Pace(30, 1, 7)})
    first, second = (MongoRateSlots(mongo_db["rate_slots"], clock, block=throttle.cells_per_claim) for _ in range(2))
    assert (first.block("wa"), first.block("sms"), first.block("mail")) == (18, 8, 20)  # cells of 1/69, 1/29, 1/79 s
    taken = await asyncio.gather(*(instance.take("wa", 18 * 383) for instance in (first, second) for _ in range(18)))
    assert len(set(taken)) == 36, "every cell to one send only"
    ids = sorted([doc["_id"] async for doc in mongo_db["rate_slots"].find({})])
    assert ids == ["wa:b18:383", "wa:b18:384"]  # one insert per instance serves its 18 sends
    assert await first.take("sms", 290) == 290
    assert await mongo_db["rate_slots"].count_documents({"_id": "sms:b8:36"}) == 1


async def test_a_throttle_with_shared_cells_spreads_two_instances_at_the_rate(mongo_db: AsyncDatabase[dict]) -> None:
    clock = ControllableClock(NOW)
    slots = [MongoRateSlots(mongo_db["rate_slots"], clock) for _ in range(2)]
    throttles = [Throttle({"wa": Pace(rate=11, burst=1, per_recipient_seconds=6)}) for _ in range(2)]
    now = NOW.timestamp()
    cells = [await throttles[i % 2].shared_cell(slots[i % 2], "wa", now) for i in range(20)]
    starts = sorted(round(start - now, 6) for start, _ in cells)
    assert len(set(starts)) == 20, "no cell twice"
    assert all(round(end - start, 6) == 0.1 for start, end in cells)  # cells of 1/(11-1) s


async def test_recipient_marks_are_taken_once_across_instances_under_a_keyed_hash(
    mongo_db: AsyncDatabase[dict],
) -> None:
    clock = ControllableClock(NOW)
    key_hash = PersonalDataCipher(Fernet.generate_key().decode(), "lookup").lookup_hash
    first, second = (MongoRateSlots(mongo_db["rate_slots"], clock, key_hash) for _ in range(2))
    throttle = Throttle({"wa": Pace(rate=80, burst=1, per_recipient_seconds=6)})
    now = NOW.timestamp()
    assert await throttle.shared_recipient_wait(first, "wa", "+5511987654321", now) == 0
    assert await throttle.shared_recipient_wait(second, "wa", "+5511987654321", now + 1) > 0
    assert await throttle.shared_recipient_wait(second, "wa", "+5521998765432", now + 1) == 0
    ids = [doc["_id"] async for doc in mongo_db["rate_slots"].find({})]
    assert len(ids) == 4  # windows k and k+1 of each person: the second send to the first took none
    assert not any("987654321" in i or "998765432" in i for i in ids), "no number in clear"
