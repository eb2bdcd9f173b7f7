"""Contact points on FerretDB: opt-outs (also across clients), removal and reachability survive a round trip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cryptography.fernet import Fernet
from pymongo.asynchronous.database import AsyncDatabase

from cordial.types.v1 import types_pb2
from cordial_contact_locator.adapters.contact_points import ContactPointRepository
from cordial_contact_locator.adapters.opted_out_values import OptedOutValueRepository
from cordial_contact_locator.domain.directory import Directory
from cordial_contact_locator.domain.whatsapp_check import NOT_ON_WHATSAPP_CHECK, WhatsAppStatus
from cordial_core.clock import ControllableClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.store import TenantCollection
from cordial_stack.commands import CommandLog

WHATSAPP, SMS = types_pb2.CHANNEL_WHATSAPP, types_pb2.CHANNEL_SMS


async def test_opt_out_not_me_and_reach_round_trip(mongo_db: AsyncDatabase[dict]) -> None:
    clock = ControllableClock(datetime(2024, 3, 4, 13, 0, tzinfo=UTC))
    cipher = PersonalDataCipher(Fernet.generate_key().decode(), "lookup-key-for-tests")
    repo = ContactPointRepository(TenantCollection(mongo_db["contact_points"]), cipher, clock)
    await repo.ensure_indexes()
    directory = Directory(repo, clock, cipher.lookup_hash)
    first, second = await directory.record_supplied(
        "t1",
        "d1",
        "p1",
        [(types_pb2.CONTACT_KIND_PHONE, "11 98765-4321"), (types_pb2.CONTACT_KIND_PHONE, "21 98765-4321")],
        "client",
    )
    await directory.opt_out("t1", first.id, WHATSAPP, "keyword")
    await directory.learn("t1", second.id, WHATSAPP, "read")
    await directory.learn("t1", second.id, WHATSAPP, "read")
    plan = await directory.plan("t1", "p1", [WHATSAPP, SMS])
    assert [(c.point.id, c.channel) for c in plan] == [(second.id, WHATSAPP), (first.id, SMS), (second.id, SMS)]
    assert plan[0].score == 3 / 4
    await directory.not_me("t1", second.id)
    assert [(c.point.id, c.channel) for c in await directory.plan("t1", "p1", [WHATSAPP, SMS])] == [(first.id, SMS)]
    assert await directory.plan("t2", "p1", [WHATSAPP, SMS]) == []


async def test_an_opt_out_at_one_client_keeps_the_value_off_that_channel_at_the_other(
    mongo_db: AsyncDatabase[dict],
) -> None:
    clock = ControllableClock(datetime(2024, 3, 4, 13, 0, tzinfo=UTC))
    cipher = PersonalDataCipher(Fernet.generate_key().decode(), "lookup-key-for-tests")
    repo = ContactPointRepository(TenantCollection(mongo_db["contact_points"]), cipher, clock)
    opted_out = OptedOutValueRepository(TenantCollection(mongo_db["opted_out_values"]))
    directory = Directory(repo, clock, cipher.lookup_hash, opted_out=opted_out)
    phone = types_pb2.CONTACT_KIND_PHONE
    [at_alfa] = await directory.record_supplied("alfa", "d1", "p1", [(phone, "11 98765-4321")], "client")
    [at_beta] = await directory.record_supplied("beta", "d2", "p1", [(phone, "+5511987654321")], "client")
    await directory.opt_out("alfa", at_alfa.id, SMS, "keyword")
    await directory.opt_out("alfa", at_alfa.id, SMS, "keyword")  # the event again: nothing changes
    assert [(c.point.id, c.channel) for c in await directory.plan("beta", "p1", [SMS, WHATSAPP])] == [
        (at_beta.id, WHATSAPP)
    ]
    [stored] = [doc async for doc in mongo_db["opted_out_values"].find({})]
    assert "987654321" not in str(stored)  # the value only by its keyed hash


async def test_a_debtors_points_are_found_through_their_roster_by_id(
    logged_db: tuple[AsyncDatabase[dict], CommandLog],
) -> None:
    db, log = logged_db
    clock = ControllableClock(datetime(2024, 3, 4, 13, 0, tzinfo=UTC))
    cipher = PersonalDataCipher(Fernet.generate_key().decode(), "lookup-key-for-tests")
    repo = ContactPointRepository(TenantCollection(db["contact_points"]), cipher, clock)
    directory = Directory(repo, clock, cipher.lookup_hash)
    phone, email = types_pb2.CONTACT_KIND_PHONE, types_pb2.CONTACT_KIND_EMAIL
    first = await directory.record_supplied("t1", "d1", "p1", [(phone, "11 98765-4321"), (email, "m@x.com")], "client")
    await directory.record_supplied("t1", "d2", "p2", [(phone, "21 98765-4321")], "client")
    clock.advance(timedelta(days=1))
    later = await directory.record_supplied(
        "t1", "d3", "p1", [(phone, "31 98765-4321"), (phone, "11 98765-4321")], "client"
    )
    await directory.record_supplied("t2", "d9", "p1", [(phone, "41 98765-4321")], "client")
    log.clear()
    found = await repo.of_debtor("t1", "p1")
    assert [p.id for p in found] == [first[0].id, first[1].id, later[0].id], "oldest first, each once"
    assert [p.id for p in await repo.of_debtor("t2", "p1")] != [p.id for p in found], "each tenant its own"
    assert await repo.of_debtor("t1", "nobody") == []
    await repo.set_whatsapp("t1", first[0].id, WhatsAppStatus("+5511987654321", False, clock.now()))
    assert log.scans("contact_points", "debtor_points") == []
    [point] = [p for p in await repo.of_debtor("t1", "p1") if p.id == first[0].id]
    assert point.blocked == {WHATSAPP: NOT_ON_WHATSAPP_CHECK}
