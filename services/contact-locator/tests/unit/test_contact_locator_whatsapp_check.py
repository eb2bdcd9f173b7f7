"""WhatsApp contacts check: asked only for tenants that have one, in groups, never twice within the TTL, within
the tenant's verification budget; "invalid" blocks WhatsApp on the point, "valid" is recorded, a number the lookup
found invalid is not asked."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from cordial.types.v1 import types_pb2
from cordial_contact_locator.adapters.memory import MemoryContactPoints
from cordial_contact_locator.adapters.verification_memory import MemoryBudgets, MemoryCache
from cordial_contact_locator.domain.contact_point import ContactPoint
from cordial_contact_locator.domain.directory import plan_reason
from cordial_contact_locator.domain.reachability import Beta
from cordial_contact_locator.domain.verification import LineInfo, RateRefused, Verifier
from cordial_contact_locator.domain.verification_jobs import Batch, VerificationJobs, progress_counts
from cordial_contact_locator.domain.whatsapp_check import (
    NOT_ON_WHATSAPP_CHECK,
    CheckFailure,
    WhatsAppChecker,
    WhatsAppStatus,
    parse_tenants,
)
from cordial_core.clock import ControllableClock
from cordial_core.rate_cells import LocalRate
from cordial_core.rate_limit import TokenBucket

NOW = datetime(2024, 3, 5, 13, 0, tzinfo=UTC)
WHATSAPP = types_pb2.CHANNEL_WHATSAPP
TTL = timedelta(days=30)


class FakeCheck:
    """Numbers ending in 0001 are not on WhatsApp; a group holding one ending in 9999 fails."""

    def __init__(self) -> None:
        self.requests: list[list[str]] = []
        # How many more requests the provider refuses over its rate (429, 1015).
        self.refusals = 0

    async def check(self, numbers: list[str]) -> dict[str, bool]:
        self.requests.append(list(numbers))
        if self.refusals > 0:
            self.refusals -= 1
            raise RateRefused("contacts check answered 429: 1015 Too many requests")
        if any(n.endswith("9999") for n in numbers):
            raise CheckFailure("provider answered 503")
        return {n: not n.endswith("0001") for n in numbers}


class FakeStatuses:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], WhatsAppStatus] = {}

    async def get_many(self, tenant: str, numbers: list[str]) -> dict[str, WhatsAppStatus]:
        return {n: self.items[(tenant, n)] for n in numbers if (tenant, n) in self.items}

    async def put_many(self, tenant: str, statuses: list[WhatsAppStatus]) -> None:
        for status in statuses:
            self.items[(tenant, status.number)] = status


class FakeLookup:
    """Numbers ending in 0000 are invalid lines."""

    def __init__(self, clock: ControllableClock) -> None:
        self.clock = clock

    async def lookup(self, number: str) -> LineInfo:
        return LineInfo(number, not number.endswith("0000"), "mobile", "Vivo", self.clock.now())


class NoBatches:
    async def create(self, batch: Batch, numbers: list[str]) -> bool:
        return True

    async def save(self, batch: Batch) -> None:
        return None

    async def get(self, tenant: str, batch_id: str) -> Batch | None:
        return None

    async def numbers(self, tenant: str, batch_id: str) -> list[str]:
        return []


def point(pid: str, number: str, tenant: str = "t1") -> ContactPoint:
    return ContactPoint(pid, tenant, "p1", types_pb2.CONTACT_KIND_PHONE, number, True, "", "client", NOW)


def checker(
    tenants: str = "t1", group: int = 2, budget: int = 1000, budgets: MemoryBudgets | None = None
) -> tuple[WhatsAppChecker, FakeCheck, FakeStatuses, ControllableClock]:
    clock, check, statuses = ControllableClock(NOW), FakeCheck(), FakeStatuses()

    async def sleep(seconds: float) -> None:
        clock.advance(timedelta(seconds=seconds))

    found = WhatsAppChecker(
        check,
        statuses,
        clock,
        budgets if budgets is not None else MemoryBudgets(),
        tenants=parse_tenants(tenants),
        ttl=TTL,
        monthly_budget=budget,
        group=group,
        sleep=sleep,
    )
    return found, check, statuses, clock


def jobs(
    points: MemoryContactPoints,
    whatsapp: WhatsAppChecker,
    clock: ControllableClock,
    budgets: MemoryBudgets | None = None,
) -> VerificationJobs:
    verifier = Verifier(
        FakeLookup(clock),
        MemoryCache(),
        budgets if budgets is not None else MemoryBudgets(),
        clock,
        LocalRate(TokenBucket(1000, 100, NOW.timestamp()), clock),
        ttl=TTL,
        monthly_budget=1000,
    )
    return VerificationJobs(verifier, points, NoBatches(), clock, whatsapp=whatsapp)


def test_the_tenants_setting() -> None:
    assert parse_tenants("") == frozenset()
    assert parse_tenants(" t1, t2 ,") == {"t1", "t2"}
    assert checker("*")[0].serves("anyone")
    assert checker("t1")[0].serves("t1")
    assert not checker("t1")[0].serves("t2")
    assert not checker("")[0].serves("t1")


async def test_asked_in_groups_and_never_twice_within_the_ttl() -> None:
    found, check, _, clock = checker(group=2)
    numbers = ["+5511900000001", "+5511900000002", "+5511900000003"]

    first = await found.check_many("t1", numbers)
    assert check.requests == [numbers[:2], numbers[2:]]
    assert {n: s.on_whatsapp for n, s in first.items()} == dict(zip(numbers, [False, True, True], strict=True))

    clock.advance(TTL - timedelta(seconds=1))
    assert await found.check_many("t1", numbers) == first
    assert len(check.requests) == 2

    clock.advance(timedelta(seconds=1))
    await found.check_many("t1", numbers[:1])
    assert check.requests[-1] == numbers[:1]


async def test_a_tenant_without_a_check_provider_is_never_asked() -> None:
    found, check, _, _ = checker("t1")
    assert await found.check_many("t2", ["+5511900000002"]) == {}
    assert check.requests == []


async def test_a_failed_check_is_left_out_and_not_cached() -> None:
    found, check, statuses, _ = checker(group=1)
    answered = await found.check_many("t1", ["+5511900009999", "+5511900000002"])
    assert list(answered) == ["+5511900000002"]
    assert ("t1", "+5511900009999") not in statuses.items
    await found.check_many("t1", ["+5511900009999"])
    assert check.requests.count(["+5511900009999"]) == 2


async def test_verification_blocks_whatsapp_on_an_invalid_number_and_records_a_valid_one() -> None:
    found, check, _, clock = checker()
    not_user, user, dead_line = point("a", "+5511900000001"), point("b", "+5511900000002"), point("c", "+5511900000000")
    points = MemoryContactPoints([not_user, user, dead_line])

    await jobs(points, found, clock).verify_points("t1", [not_user, user, dead_line])

    assert not_user.blocked == {WHATSAPP: NOT_ON_WHATSAPP_CHECK}
    assert not_user.exclusion(WHATSAPP) == NOT_ON_WHATSAPP_CHECK
    assert user.on_whatsapp is True
    assert user.exclusion(WHATSAPP) == ""
    assert points.whatsapp["b"].checked_at == NOW
    # The line-type lookup already ruled the dead line out: the check is not asked about it.
    assert check.requests == [["+5511900000001", "+5511900000002"]]
    assert "c" not in points.whatsapp


async def test_a_batch_checks_the_numbers_its_points_carry() -> None:
    found, check, _, clock = checker(group=10)
    points = MemoryContactPoints([point("a", "+5511900000001"), point("b", "+5511900000002")])
    running = jobs(points, found, clock)

    batch = await running.start("t1", [], [])
    await running.wait(batch.id)

    assert {pid: s.on_whatsapp for pid, s in points.whatsapp.items()} == {"a": False, "b": True}
    assert check.requests == [["+5511900000001", "+5511900000002"]]


async def test_the_plan_says_a_point_is_on_whatsapp_per_the_check() -> None:
    checked = point("a", "+5511900000002")
    checked.on_whatsapp = True
    assert plan_reason(checked, WHATSAPP, Beta()).endswith("; on WhatsApp per the contacts check")
    assert "contacts check" not in plan_reason(checked, types_pb2.CHANNEL_SMS, Beta())


async def test_groups_are_paced_at_the_providers_request_rate() -> None:
    clock, check, statuses = ControllableClock(NOW), FakeCheck(), FakeStatuses()
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(timedelta(seconds=seconds))

    rate = LocalRate(TokenBucket(2.0, 1, NOW.timestamp()), clock, sleep)
    found = WhatsAppChecker(
        check, statuses, clock, MemoryBudgets(), tenants={"t1"}, ttl=TTL, monthly_budget=100, group=1, rate=rate
    )
    await found.check_many("t1", [f"+55119000000{n:02d}" for n in range(1, 5)])
    assert len(check.requests) == 4
    assert slept == [0.5, 0.5, 0.5], "the first request goes at once, the others 1/rate apart"


async def test_each_number_asked_spends_the_tenants_verification_budget_once_within_the_ttl() -> None:
    budgets = MemoryBudgets()
    found, check, _, _ = checker(group=2, budget=3, budgets=budgets)
    numbers = ["+5511900000002", "+5511900000003", "+5511900000004", "+5511900000005"]

    answered = await found.check_many("t1", numbers)

    assert sorted(answered) == numbers[:3], "the fourth number is past the budget: not asked, left out"
    assert check.requests == [numbers[:2], numbers[2:3]]
    assert budgets.spent[("t1", "2024-03")] == 3
    assert await found.check_many("t1", numbers[:3]) == answered, "the cache answers: nothing more is spent"
    assert budgets.spent[("t1", "2024-03")] == 3
    assert await found.check_many("t1", numbers[3:]) == {}
    assert len(check.requests) == 2
    assert budgets.spent[("t2", "2024-03")] == 0


async def test_an_unanswered_check_gives_its_numbers_back_to_the_budget() -> None:
    budgets = MemoryBudgets()
    found, _, _, _ = checker(group=2, budget=10, budgets=budgets)
    answered = await found.check_many("t1", ["+5511900009999", "+5511900000002", "+5511900000003"])
    assert list(answered) == ["+5511900000003"], "the group holding the failing number was not answered"
    assert budgets.spent[("t1", "2024-03")] == 1


async def test_lookups_and_checks_draw_on_one_budget_and_stop_at_it() -> None:
    budgets = MemoryBudgets()
    found, check, _, clock = checker(group=10, budget=3, budgets=budgets)
    phones = [point("a", "+5511900000002"), point("b", "+5511900000003")]
    points = MemoryContactPoints(phones)

    await jobs(points, found, clock, budgets).verify_points("t1", phones)

    # Two lookups, then one of the two checks: the budget of three is spent, and never passed.
    assert budgets.spent[("t1", "2024-03")] == 3
    assert check.requests == [["+5511900000002"]]
    assert set(points.whatsapp) == {"a"}


async def test_checks_are_counted_per_result() -> None:
    counted: list[tuple[str, str, int]] = []
    clock, statuses = ControllableClock(NOW), FakeStatuses()
    found = WhatsAppChecker(
        FakeCheck(),
        statuses,
        clock,
        MemoryBudgets(),
        tenants={"t1"},
        ttl=TTL,
        monthly_budget=2,
        group=1,
        counts=lambda tenant, result, count: counted.append((tenant, result, count)),
    )
    await found.check_many("t1", ["+5511900000002", "+5511900009999", "+5511900000003"])
    await found.check_many("t1", ["+5511900000002"])
    assert counted == [
        ("t1", "provider", 1),
        ("t1", "failed", 1),
        ("t1", "provider", 1),
        ("t1", "cache", 1),
    ]


async def test_a_check_refused_over_the_rate_is_asked_again_and_spends_the_budget_once() -> None:
    budgets = MemoryBudgets()
    found, check, _, clock = checker(group=10, budgets=budgets)
    check.refusals = 2
    answered = await found.check_many("t1", ["+5511900000001", "+5511900000002"])
    assert {n: s.on_whatsapp for n, s in answered.items()} == {"+5511900000001": False, "+5511900000002": True}
    assert len(check.requests) == 3
    assert clock.now() - NOW >= timedelta(seconds=0.1 + 0.2), "a growing pause before each new try"
    assert budgets.spent[("t1", "2024-03")] == 2


async def test_a_check_refused_at_every_try_answers_nothing_and_gives_the_budget_back() -> None:
    budgets = MemoryBudgets()
    found, check, statuses, _ = checker(group=10, budgets=budgets)
    check.refusals = 100
    assert await found.check_many("t1", ["+5511900000002"]) == {}
    assert len(check.requests) == 6
    assert budgets.spent[("t1", "2024-03")] == 0
    assert statuses.items == {}


async def test_a_batch_progress_counts_its_whatsapp_checks() -> None:
    found, _, _, clock = checker(group=1)
    carried = ["+5511900000001", "+5511900000002", "+5511900000000", "+5511900009999"]
    points = MemoryContactPoints([point(f"p{i}", number) for i, number in enumerate(carried)])
    running = jobs(points, found, clock)
    await found.check_many("t1", ["+5511900000002"])  # already known: the batch's check comes from the cache

    batch = await running.start("t1", [], [])
    await running.wait(batch.id)

    counts = progress_counts(batch.progress)
    assert {key: value for key, value in counts.items() if key.startswith("whatsapp")} == {
        "whatsapp_total": 4,
        "whatsapp_cached": 1,
        "whatsapp_paid": 1,
        "whatsapp_refused_budget": 0,
        "whatsapp_failed": 1,
        "whatsapp_skipped": 1,  # the lookup found +5511900000000 invalid: not asked
        "whatsapp_pending": 0,
    }
    assert (counts["paid"], counts["pending"]) == (4, 0)


async def test_a_number_two_callers_ask_about_at_once_is_asked_and_paid_for_once() -> None:
    budgets = MemoryBudgets()
    found, check, _, _ = checker(group=10, budgets=budgets)
    shared, own = "+5511900000002", "+5511900000003"

    first, second = await asyncio.gather(found.answers("t1", [shared]), found.answers("t1", [shared, own]))

    assert sorted(n for request in check.requests for n in request) == [shared, own], "each number asked once"
    assert sum(budgets.spent.values()) == 2, "one unit a number, not one a caller"
    assert first.statuses[shared].on_whatsapp
    assert second.statuses[shared].on_whatsapp
    assert first.counts["provider"] == 1
    assert second.counts == {"cache": 1, "provider": 1}, "the shared number cost the second caller nothing"
