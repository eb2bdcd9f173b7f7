"""Verification jobs: new phones annotated, batches counted (cached, paid, refused, failed), stale ones interrupted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cordial.types.v1 import types_pb2
from cordial_contact_locator.adapters.memory import MemoryContactPoints
from cordial_contact_locator.adapters.verification_memory import MemoryBudgets, MemoryCache
from cordial_contact_locator.domain.contact_point import ContactPoint
from cordial_contact_locator.domain.verification import LineInfo, LookupFailure, Verifier
from cordial_contact_locator.domain.verification_jobs import (
    DONE,
    INTERRUPTED,
    RUNNING,
    STALE_AFTER,
    Batch,
    VerificationJobs,
    line_blocks,
    progress_counts,
)
from cordial_core.clock import ControllableClock
from cordial_core.rate_cells import LocalRate
from cordial_core.rate_limit import TokenBucket

NOW = datetime(2024, 3, 5, 13, 0, tzinfo=UTC)
PHONE, EMAIL = types_pb2.CONTACT_KIND_PHONE, types_pb2.CONTACT_KIND_EMAIL
SMS, WHATSAPP = types_pb2.CHANNEL_SMS, types_pb2.CHANNEL_WHATSAPP


class FakeLookup:
    """Landlines end in 0000, failures in 9999; everything else is a mobile."""

    def __init__(self, clock: ControllableClock) -> None:
        self.clock = clock
        self.calls: list[str] = []

    async def lookup(self, number: str) -> LineInfo:
        self.calls.append(number)
        if number.endswith("9999"):
            raise LookupFailure("provider answered 503")
        kind = "landline" if number.endswith("0000") else "mobile"
        return LineInfo(number, True, kind, "Vivo", self.clock.now())


class FakeBatches:
    def __init__(self) -> None:
        self.saved: dict[str, Batch] = {}
        self.listed: dict[str, list[str]] = {}
        self.saves = 0

    async def create(self, batch: Batch, numbers: list[str]) -> bool:
        if batch.id in self.saved:
            return False
        self.saved[batch.id], self.listed[batch.id] = _copy(batch), list(numbers)
        return True

    async def save(self, batch: Batch) -> None:
        self.saves += 1
        self.saved[batch.id] = _copy(batch)

    async def get(self, tenant: str, batch_id: str) -> Batch | None:
        batch = self.saved.get(batch_id)
        return _copy(batch) if batch is not None and batch.tenant == tenant else None

    async def numbers(self, tenant: str, batch_id: str) -> list[str]:
        return self.listed[batch_id]


def _copy(batch: Batch) -> Batch:
    progress = type(batch.progress)(batch.progress.total, batch.progress.done, dict(batch.progress.counts))
    return Batch(batch.id, batch.tenant, batch.state, progress, batch.started_at, batch.heartbeat_at, batch.finished_at)


def point(pid: str, number: str, debtor: str = "p1", tenant: str = "t1", kind: int = PHONE) -> ContactPoint:
    return ContactPoint(pid, tenant, debtor, kind, number, True, "", "client", NOW)


def make(
    points: list[ContactPoint], budget: int = 1000
) -> tuple[VerificationJobs, FakeLookup, MemoryContactPoints, FakeBatches, ControllableClock, MemoryBudgets]:
    clock = ControllableClock(NOW)

    async def sleep(seconds: float) -> None:
        clock.advance(timedelta(seconds=seconds))

    lookup, budgets = FakeLookup(clock), MemoryBudgets()
    verifier = Verifier(
        lookup,
        MemoryCache(),
        budgets,
        clock,
        LocalRate(TokenBucket(100, 10, NOW.timestamp()), clock, sleep),
        ttl=timedelta(days=30),
        monthly_budget=budget,
    )
    fake_points, batches = MemoryContactPoints(points), FakeBatches()
    return (
        VerificationJobs(verifier, fake_points, batches, clock, group=4),
        lookup,
        fake_points,
        batches,
        clock,
        budgets,
    )


async def test_new_phone_points_are_verified_and_landlines_get_no_sms() -> None:
    mobile, landline, mail = (
        point("a", "+5511987654321"),
        point("b", "+551133330000"),
        point("c", "x@example.com", kind=EMAIL),
    )
    jobs, lookup, points, _, _, _ = make([mobile, landline, mail])
    results = await jobs.verify_points("t1", [mobile, landline, mail])
    assert [r.source for r in results] == ["provider", "provider"]
    assert points.points["a"].blocked == {}
    assert points.points["b"].blocked == {SMS: "line-type lookup: landline, no SMS"}
    await jobs.verify_points("t1", [mobile])
    assert lookup.calls == ["+5511987654321", "+551133330000"]


def test_an_invalid_number_blocks_every_phone_channel() -> None:
    blocked = line_blocks(LineInfo("+5511", False, "", "", NOW))
    assert set(blocked) == {SMS, WHATSAPP, types_pb2.CHANNEL_VOICE}


async def test_a_batch_counts_cached_paid_refused_and_failed_and_pays_each_number_once() -> None:
    tenant_points = [point(f"p{i}", f"+55119876{i:05d}", debtor=f"d{i}") for i in range(10)]
    # Two debtors share one number: one lookup, both annotated.
    tenant_points.append(point("shared", "+5511987600000", debtor="d99"))
    tenant_points.append(point("other-tenant", "+5511987611111", tenant="t2"))
    jobs, lookup, points, batches, _, budgets = make(tenant_points, budget=8)
    await jobs.verify_points("t1", [tenant_points[0]])
    listed = await jobs.start("t1", [], ["+55 11 98765-9999", "not a number"])
    await jobs.wait(listed.id)
    listed_done = await jobs.get("t1", listed.id)
    assert listed_done is not None
    assert (
        progress_counts(listed_done.progress).items()
        >= {"cached": 0, "paid": 0, "refused_budget": 0, "failed": 2, "pending": 0}.items()
    )
    batch = await jobs.start("t1", [], [])
    await jobs.wait(batch.id)
    done = await jobs.get("t1", batch.id)
    assert done is not None
    assert done.state == DONE
    assert done.progress.total == 10  # the tenant's distinct numbers (two debtors share one)
    assert (
        progress_counts(done.progress).items()
        >= {"cached": 1, "paid": 7, "refused_budget": 2, "failed": 0, "pending": 0}.items()
    )
    assert budgets.spent[("t1", "2024-03")] == 8  # the failed lookup was given back
    assert len(lookup.calls) == len(set(lookup.calls)) == 9
    assert "shared" in points.lines
    assert "p0" in points.lines
    assert "other-tenant" not in points.lines
    assert batches.saved[batch.id].state == DONE


async def test_a_batch_of_some_debtors_and_the_same_reference_twice() -> None:
    jobs, lookup, _, _, _, _ = make([point("a", "+5511987654321", "d1"), point("b", "+5511987654322", "d2")])
    batch = await jobs.start("t1", ["d2"], [], reference="ref-1")
    again = await jobs.start("t1", ["d2"], [], reference="ref-1")
    assert again.id == batch.id
    await jobs.wait(batch.id)
    assert lookup.calls == ["+5511987654322"]


async def test_a_batch_whose_heartbeat_stopped_reads_interrupted_and_restarts_from_the_cache() -> None:
    jobs, lookup, _, batches, clock, _ = make([point("a", "+5511987654321")])
    batch = await jobs.start("t1", [], [], reference="r")
    await jobs.wait(batch.id)
    stale = batches.saved[batch.id]
    stale.state, stale.heartbeat_at = RUNNING, clock.now()
    clock.advance(STALE_AFTER + timedelta(seconds=1))
    read = await jobs.get("t1", batch.id)
    assert read is not None
    assert read.state == INTERRUPTED
    restarted = await jobs.start("t1", [], [], reference="r")
    await jobs.wait(restarted.id)
    final = await jobs.get("t1", batch.id)
    assert final is not None
    assert (final.state, progress_counts(final.progress)["cached"]) == (DONE, 1)
    assert lookup.calls == ["+5511987654321"]
    assert await jobs.get("t2", batch.id) is None


async def test_each_verification_result_is_counted_for_operators() -> None:
    jobs, _, points, batches, clock, _ = make([point("a", "+5511987654321")], budget=1)
    counted: list[tuple[str, str]] = []
    counting = VerificationJobs(jobs._verifier, points, batches, clock, counts=lambda t, r: counted.append((t, r)))
    await counting.verify_points("t1", [point("a", "+5511987654321"), point("b", "+5511987654322")])
    batch = await counting.start("t1", [], [])
    await counting.wait(batch.id)
    assert counted == [("t1", "provider"), ("t1", "over_budget"), ("t1", "cache")]
