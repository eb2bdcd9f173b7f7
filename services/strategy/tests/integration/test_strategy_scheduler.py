"""The durable scheduler on real FerretDB: leases, a crashed claimant, no double fire, the partitioned sweep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from cordial_core.clock import ControllableClock
from cordial_core.money import Money
from cordial_core.store import TenantCollection
from cordial_stack.commands import CommandLog
from cordial_strategy.adapters.cases import CaseRepository, sweep_bucket
from cordial_strategy.adapters.debtors import DebtorRepository
from cordial_strategy.domain.debtor import Hold, HoldKind
from cordial_strategy.domain.guard import ContactGuard
from cordial_strategy.domain.ruler import LEASE, Ruler

SP = "America/Sao_Paulo"
# Monday 2024-03-04 21:00 in São Paulo: after hours; the window opens Tuesday 09:00 (12:00 UTC).
OUTSIDE = datetime(2024, 3, 5, 0, 0, tzinfo=UTC)
WINDOW = datetime(2024, 3, 5, 12, 0, tzinfo=UTC)


def _rig(db: AsyncDatabase[dict[str, Any]], clock: ControllableClock) -> tuple[Ruler, CaseRepository, ContactGuard]:
    cases = CaseRepository(TenantCollection(db["cases"]), clock)
    guard = ContactGuard(DebtorRepository(TenantCollection(db["debtors"])), clock)
    return Ruler(cases, guard, clock), cases, guard


async def _deferred(ruler: Ruler, debt_id: str, debtor_id: str = "p1") -> None:
    await ruler.debt_placed("t1", debt_id, debtor_id, "Loja", Money(5_000, "BRL"), SP)
    await ruler.contact_verified("t1", debt_id, debtor_id)


async def _requested(db: AsyncDatabase[dict[str, Any]]) -> list[str]:
    return [
        event["type"]
        async for doc in db["cases"].find({})
        for event in (doc.get("_outbox") or {}).values()
        if event["type"] == "action.requested"
    ]


async def test_due_case_is_claimed_once_and_fires_once(mongo_db: AsyncDatabase[dict[str, Any]]) -> None:
    clock = ControllableClock(OUTSIDE)
    ruler, cases, _ = _rig(mongo_db, clock)
    await _deferred(ruler, "d1")
    assert await cases.claim_due(clock.now(), "a", LEASE, 10) == []
    clock.set(WINDOW)
    # Two instances in one process: the first claim wins, the second sees nothing while the lease runs.
    first = await cases.claim_due(clock.now(), "a", LEASE, 10)
    second = await cases.claim_due(clock.now(), "b", LEASE, 10)
    assert [c.debt_id for c in first] == ["d1"]
    assert second == []
    assert await ruler.run_due("b") == 0
    assert await _requested(mongo_db) == []


async def test_a_crashed_claimant_loses_nothing_and_nothing_fires_twice(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    clock = ControllableClock(OUTSIDE)
    ruler, cases, _ = _rig(mongo_db, clock)
    await _deferred(ruler, "d1")
    clock.set(WINDOW)
    crashed = await cases.claim_due(clock.now(), "crashed", LEASE, 10)  # claims, then dies before saving
    assert len(crashed) == 1
    clock.advance(LEASE - timedelta(seconds=1))
    assert await ruler.run_due("survivor") == 0
    clock.advance(timedelta(seconds=1))
    assert await ruler.run_due("survivor") == 1
    assert await _requested(mongo_db) == ["action.requested"]
    doc = await mongo_db["cases"].find_one({"_id": "d1"})
    assert doc is not None
    assert doc["lease_until"] is None
    assert doc["next_due_at"] is None
    # The crashed instance comes back with its stale copy: its save is refused, nothing fires again.
    stale = crashed[0]
    ruler_again, _, _ = _rig(mongo_db, clock)
    assert await ruler_again._evaluate_all([stale]) == 1
    assert await _requested(mongo_db) == ["action.requested"]
    assert await ruler.run_due("survivor") == 0


async def test_daily_sweep_partitions_split_the_cases_and_lift_released_holds(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    clock = ControllableClock(WINDOW)
    ruler, _, guard = _rig(mongo_db, clock)
    debts = [f"d{i}" for i in range(12)]
    for i, debt in enumerate(debts):
        await guard.place_hold(f"p{i}", Hold(HoldKind.CEASE, "", clock.now()))
        await _deferred(ruler, debt, f"p{i}")
    assert await _requested(mongo_db) == []
    for i in range(12):
        await guard.lift_hold(f"p{i}", HoldKind.CEASE)
    swept = [await ruler.sweep(p, 3) for p in range(3)]
    expected = [sum(1 for d in debts if sweep_bucket(d) % 3 == p) for p in range(3)]
    assert swept == expected
    assert sum(swept) == 12
    assert len(await _requested(mongo_db)) == 12
    # Once a day: the same day sweeps nothing again; the next day sweeps every open case again.
    assert [await ruler.sweep(p, 3) for p in range(3)] == [0, 0, 0]
    clock.advance(timedelta(days=1))
    assert sum([await ruler.sweep(p, 3) for p in range(3)]) == 12
    assert len(await _requested(mongo_db)) == 12


async def test_a_case_whose_due_time_moves_is_claimed_at_the_new_time_only(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    clock = ControllableClock(OUTSIDE)
    ruler, cases, _ = _rig(mongo_db, clock)
    await _deferred(ruler, "d1")
    case = await cases.load("t1", "d1")
    assert case is not None
    assert case.next_due_at == WINDOW
    # The case moves a day later (as a save after a hold would): listed again, and the old entry goes stale.
    later = WINDOW + timedelta(days=1)
    case.next_due_at = later
    await cases.save(case, [])
    clock.set(WINDOW)
    assert await cases.claim_due(clock.now(), "a", LEASE, 10) == []
    listed = await cases.directory.due_entries(WINDOW, WINDOW)
    assert listed == []  # the stale entry was pruned by the claimer that met it
    clock.set(later)
    assert [c.debt_id for c in await cases.claim_due(clock.now(), "a", LEASE, 10)] == ["d1"]


async def test_a_due_time_listed_late_is_still_claimed_and_the_floor_only_moves_forward(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    clock = ControllableClock(WINDOW + timedelta(hours=5))
    ruler, cases, _ = _rig(mongo_db, clock)
    assert await cases.claim_due(clock.now(), "a", LEASE, 10) == []  # records the floor at the current hour
    floor = await cases.directory.floor(clock.now())
    # Placed now with a due time hours in the past (the window opened earlier today): listed in this hour.
    await ruler.debt_placed("t1", "d1", "p1", "Loja", Money(5_000, "BRL"), SP)
    case = await cases.load("t1", "d1")
    assert case is not None
    case.next_due_at = WINDOW
    await cases.save(case, [])
    assert [c.debt_id for c in await cases.claim_due(clock.now(), "a", LEASE, 10)] == ["d1"]
    assert await cases.directory.floor(clock.now()) >= floor


async def test_cases_of_a_store_kept_before_the_directory_are_listed_at_start(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    clock = ControllableClock(OUTSIDE)
    ruler, _, _ = _rig(mongo_db, clock)
    await _deferred(ruler, "d1")
    await mongo_db[f"{mongo_db['cases'].name}_directory"].drop()  # as a store written before the directory
    again = CaseRepository(TenantCollection(mongo_db["cases"]), clock)
    await again.ensure_indexes()
    guard = ContactGuard(DebtorRepository(TenantCollection(mongo_db["debtors"])), clock)
    assert await Ruler(again, guard, clock).sweep() == 1
    clock.set(WINDOW)
    assert [c.debt_id for c in await again.claim_due(clock.now(), "a", LEASE, 10)] == ["d1"]


async def test_an_event_about_a_known_case_reads_it_by_id_once(
    logged_db: tuple[AsyncDatabase[dict[str, Any]], CommandLog],
) -> None:
    db, log = logged_db
    clock = ControllableClock(OUTSIDE)
    _, cases, _ = _rig(db, clock)
    created = await cases.load_or_new("t1", "d1", "p1")
    assert [e.debt_id for e in await cases.directory.roster(sweep_bucket("d1"))] == ["d1"], "listed when created"
    log.clear()
    known = await cases.load_or_new("t1", "d1", "p1")
    assert known.debt_id == created.debt_id
    assert [(collection, name) for collection, name, _ in log.sent] == [("cases", "find")]
    assert log.scans("cases") == []


async def test_an_idle_pass_reads_the_due_index_only_when_something_may_be_due(
    logged_db: tuple[AsyncDatabase[dict[str, Any]], CommandLog],
) -> None:
    db, log = logged_db
    clock = ControllableClock(OUTSIDE)
    ruler, cases, _ = _rig(db, clock)
    await _deferred(ruler, "d1")  # due at WINDOW

    def directory_reads() -> int:
        return sum(1 for collection, name, _ in log.sent if collection.endswith("_directory") and name == "find")

    assert await ruler.run_due("a") == 0
    assert directory_reads() > 0, "the first pass reads"
    log.clear()
    clock.advance(timedelta(seconds=20))
    assert await ruler.run_due("a") == 0
    assert log.sent == [], "nothing listed, nothing due, not yet time to look for other instances' entries"
    clock.advance(timedelta(seconds=11))
    assert await ruler.run_due("a") == 0
    assert directory_reads() > 0, "REREAD after the last read: what another instance listed is seen"
    log.clear()
    await _deferred(ruler, "d2", "p2")  # listed by this instance, due at WINDOW: no need to look before
    assert await ruler.run_due("a") == 0
    assert directory_reads() == 0
    # Another instance lists a case due now: seen within REREAD, when its own scheduler had not claimed it.
    other = CaseRepository(TenantCollection(db["cases"]), clock)
    late = await other.load_or_new("t1", "d3", "p3")
    late.next_due_at = clock.now()
    await other.save(late, [])
    clock.advance(timedelta(seconds=31))
    log.clear()
    assert [c.debt_id for c in await cases.claim_due(clock.now(), "a", LEASE, 10)] == ["d3"]
    clock.set(WINDOW)
    assert sorted(c.debt_id for c in await cases.claim_due(clock.now(), "a", LEASE, 10)) == ["d1", "d2"]


async def test_a_sweep_with_nothing_new_reads_each_case_once_and_writes_nothing(
    logged_db: tuple[AsyncDatabase[dict[str, Any]], CommandLog],
) -> None:
    db, log = logged_db
    clock = ControllableClock(WINDOW)
    ruler, _, _ = _rig(db, clock)
    for i in range(5):
        await _deferred(ruler, f"d{i}", f"p{i}")  # each first step requested now; the next is days away
    clock.advance(timedelta(days=1))
    log.clear()
    assert await ruler.sweep() == 5
    writes = [(collection, name) for collection, name, _ in log.sent if name in ("update", "insert", "delete")]
    assert writes == []
    assert sum(1 for collection, name, _ in log.sent if (collection, name) == ("cases", "find")) == 5
    assert log.scans("cases") == []
