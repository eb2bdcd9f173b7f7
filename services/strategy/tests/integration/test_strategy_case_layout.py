"""Cases on real FerretDB: the body packed in one value, due entries packed in one string, and both as stored
before still read (a case saved again in the new layout); the events that changed a case are remembered in its
own write, so one handled again changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from cordial_core.clock import ControllableClock
from cordial_core.money import Money
from cordial_core.store import TenantCollection
from cordial_strategy.adapters.cases import BODY, PLAIN, CaseRepository, _fields
from cordial_strategy.adapters.debtors import DebtorRepository
from cordial_strategy.adapters.directory import due_id, hour_of
from cordial_strategy.domain.guard import ContactGuard
from cordial_strategy.domain.ruler import Ruler

SP = "America/Sao_Paulo"
OPEN = datetime(2024, 3, 5, 13, 0, tzinfo=UTC)  # Tuesday 10:00 in São Paulo


def _rig(db: AsyncDatabase[dict[str, Any]]) -> tuple[Ruler, CaseRepository]:
    clock = ControllableClock(OPEN)
    cases = CaseRepository(TenantCollection(db["cases"]), clock)
    guard = ContactGuard(DebtorRepository(TenantCollection(db["debtors"])), clock)
    return Ruler(cases, guard, clock), cases


async def _requested_case(ruler: Ruler) -> None:
    await ruler.debt_placed("t1", "d1", "p1", "Loja", Money(5_000, "BRL"), SP, state="SP")
    await ruler.contact_verified("t1", "d1", "p1")


async def test_the_body_is_one_packed_value(mongo_db: AsyncDatabase[dict[str, Any]]) -> None:
    ruler, cases = _rig(mongo_db)
    await _requested_case(ruler)
    doc = await mongo_db["cases"].find_one({"_id": "d1"})
    assert doc is not None
    assert set(doc) - {"_outbox", "_outbox_pending"} == {*PLAIN, BODY}
    case = await cases.load("t1", "d1")
    assert case is not None
    assert case.actions["reminder-1"].state == "requested"
    assert case.actions["reminder-1"].decision.values["jurisdiction"] == "BR-SP"
    assert case.balance == Money(5_000, "BRL")


async def test_the_events_that_changed_a_case_are_saved_with_it(mongo_db: AsyncDatabase[dict[str, Any]]) -> None:
    ruler, cases = _rig(mongo_db)
    await ruler.debt_placed("t1", "d1", "p1", "Loja", Money(5_000, "BRL"), SP, state="SP", event_id="e-placed")
    await ruler.contact_verified("t1", "d1", "p1", "e-verified")
    await ruler.happened("t1", "d1", "payment.received", "e-paid", lambda r: r.recovered(700))
    stored = await cases.load("t1", "d1")
    assert stored is not None
    assert stored.handled == ["e-placed", "e-verified", "e-paid"]
    # Each handled again, as after a crash before the offset commit: no write, nothing counted twice.
    await ruler.contact_verified("t1", "d1", "p1", "e-verified")
    assert await ruler.happened("t1", "d1", "payment.received", "e-paid", lambda r: r.recovered(700)) is None
    again = await cases.load("t1", "d1")
    assert again is not None
    assert again.results.recovered_minor == 700
    assert again.version == stored.version


async def test_a_case_stored_before_bodies_were_packed_is_read_and_repacked(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    ruler, cases = _rig(mongo_db)
    await _requested_case(ruler)
    case = await cases.load("t1", "d1")
    assert case is not None
    # The same case as it was stored before: every field plain, no body.
    await mongo_db["cases"].replace_one({"_id": "d1"}, {**_fields(case), "tenant": "t1"})
    old = await cases.load("t1", "d1")
    assert old == case
    await ruler.reevaluate("t1", "d1")
    doc = await mongo_db["cases"].find_one({"_id": "d1"})
    assert doc is not None
    assert set(doc) - {"_outbox", "_outbox_pending"} == {*PLAIN, BODY}
    again = await cases.load("t1", "d1")
    assert again is not None
    assert again.actions == case.actions
    assert again.version == case.version + 1


async def test_due_entries_are_packed_and_the_list_form_is_still_read(mongo_db: AsyncDatabase[dict[str, Any]]) -> None:
    directory = CaseRepository(TenantCollection(mongo_db["cases"]), ControllableClock(OPEN)).directory
    due = OPEN + timedelta(hours=1, microseconds=1_234_567)
    await directory.list_due("t1", "d1", due, 3, OPEN)
    # An entry as the directory wrote it before entries were packed: a list of four values.
    document_id = due_id(hour_of(due), 0)
    older = {"$set": {"entries.k-old": ["t2", "d2", due, 5]}}
    await mongo_db[f"{mongo_db['cases'].name}_directory"].update_one({"_id": document_id}, older, upsert=True)
    entries = {e.debt_id: e for e in await directory.due_entries(OPEN, due)}
    assert isinstance((await _stored(mongo_db, entries["d1"].document_id))[entries["d1"].key], str)
    assert (entries["d1"].tenant, entries["d1"].version) == ("t1", 3)
    # Kept to the millisecond, as BSON keeps the case's due time it is compared with.
    assert entries["d1"].due_at == due.replace(microsecond=due.microsecond // 1000 * 1000)
    assert (entries["d2"].tenant, entries["d2"].due_at, entries["d2"].version) == (
        "t2",
        due.replace(microsecond=234_000),
        5,
    )


async def _stored(db: AsyncDatabase[dict[str, Any]], document_id: str) -> dict[str, Any]:
    doc = await db[f"{db['cases'].name}_directory"].find_one({"_id": document_id})
    assert doc is not None
    return dict(doc["entries"])
