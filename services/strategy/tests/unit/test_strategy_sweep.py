"""The daily sweep: every open case looked at once a day, and written only when looking changed it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cordial_core.clock import ControllableClock
from cordial_core.events import Event
from cordial_core.money import Money
from cordial_strategy.adapters.memory import MemoryCases, MemoryDebtors
from cordial_strategy.domain.debtor import Hold, HoldKind
from cordial_strategy.domain.guard import ContactGuard
from cordial_strategy.domain.ruler import Case, Ruler

SP = "America/Sao_Paulo"
INSIDE = datetime(2024, 3, 4, 13, 0, tzinfo=UTC)  # Monday 10:00 in São Paulo
BALANCE = Money(15_000, "BRL")


class CountingCases(MemoryCases):
    """MemoryCases counting saves, and able to have an event change a case while the sweep looks at it."""

    def __init__(self) -> None:
        super().__init__()
        self.saves = 0
        self.raced: set[str] = set()

    async def save(self, case: Case, events: list[Event]) -> None:
        self.saves += 1
        if case.debt_id in self.raced:
            self.raced.discard(case.debt_id)
            self.cases[(case.tenant, case.debt_id)].version += 1  # as an event's save landing first
        await super().save(case, events)


async def _reachable(ruler: Ruler, debts: int) -> None:
    for i in range(debts):
        await ruler.debt_placed("t1", f"d{i}", f"p{i}", "Loja", BALANCE, SP)
        await ruler.contact_verified("t1", f"d{i}", f"p{i}")


async def test_a_sweep_that_finds_nothing_new_writes_nothing() -> None:
    clock = ControllableClock(INSIDE)
    cases = CountingCases()
    ruler = Ruler(cases, ContactGuard(MemoryDebtors(), clock), clock)
    await _reachable(ruler, 3)
    requested = cases.types().count("action.requested")
    assert requested == 3
    clock.advance(timedelta(days=1))  # the next step is days away: nothing to do today
    cases.saves = 0
    assert await ruler.sweep() == 3
    assert cases.saves == 0
    assert cases.types().count("action.requested") == requested


async def test_a_sweep_saves_what_it_changed_and_requests_a_step_a_lifted_hold_let_through() -> None:
    clock = ControllableClock(INSIDE)
    cases, debtors = CountingCases(), MemoryDebtors()
    guard = ContactGuard(debtors, clock)
    ruler = Ruler(cases, guard, clock)
    await guard.place_hold("p0", Hold(HoldKind.CEASE, "", clock.now()))
    await _reachable(ruler, 2)
    assert cases.types().count("action.requested") == 1  # p1 only: p0 asked not to be contacted
    await guard.lift_hold("p0", HoldKind.CEASE)
    clock.advance(timedelta(days=1))
    cases.saves = 0
    assert await ruler.sweep() == 2
    assert cases.saves == 1  # d0's step, requested now; d1 had nothing new
    assert cases.types().count("action.requested") == 2


async def test_a_case_an_event_changed_while_swept_keeps_the_events_save() -> None:
    clock = ControllableClock(INSIDE)
    cases, debtors = CountingCases(), MemoryDebtors()
    guard = ContactGuard(debtors, clock)
    ruler = Ruler(cases, guard, clock)
    await guard.place_hold("p0", Hold(HoldKind.CEASE, "", clock.now()))
    await _reachable(ruler, 1)
    await guard.lift_hold("p0", HoldKind.CEASE)
    clock.advance(timedelta(days=1))
    cases.raced.add("d0")
    assert await ruler.sweep() == 1  # the sweep's save lost to the event's and is dropped, not raised
    assert cases.types().count("action.requested") == 0
    assert cases.cases[("t1", "d0")].version == 3  # placed, verified, then the event's save
