"""Contact points on FerretDB: opt-outs, removal and reachability survive a round trip."""

from __future__ import annotations

from datetime import UTC, datetime

from cryptography.fernet import Fernet
from pymongo.asynchronous.database import AsyncDatabase

from cordial.types.v1 import types_pb2
from cordial_contact_locator.adapters.contact_points import ContactPointRepository
from cordial_contact_locator.domain.directory import Directory
from cordial_core.clock import ControllableClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.store import TenantCollection

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
