"""Installment reminders know what is paid: the next unpaid installment is reminded, none once all are paid."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from cordial.events.v1 import actions_pb2
from cordial_core.clock import ControllableClock
from cordial_core.events import unpack_payload
from cordial_core.money import Money
from cordial_strategy.adapters.memory import MemoryCases, MemoryDebtors
from cordial_strategy.domain.guard import ContactGuard
from cordial_strategy.domain.installments import InstallmentPlan, next_reminder
from cordial_strategy.domain.ruler import Ruler

SP = "America/Sao_Paulo"
T0 = datetime(2024, 3, 5, 13, 0, tzinfo=UTC)  # Tuesday 10:00 in São Paulo
# Installments of a1: 15 March, 15 April, 15 May 2024; reminders two days before, when contact hours open.
REMIND_2 = datetime(2024, 4, 13, 11, 0, tzinfo=UTC)  # Saturday 08:00
REMIND_3 = datetime(2024, 5, 13, 11, 0, tzinfo=UTC)  # Monday 08:00


def test_paid_installments_are_skipped_and_none_is_left_when_all_are_paid() -> None:
    plan = InstallmentPlan("a1", "2024-03-15", 3)
    tz = ZoneInfo(SP)
    assert next_reminder(plan, tz, T0) == (1, datetime(2024, 3, 13, tzinfo=tz))
    plan.installment_paid(1)
    assert next_reminder(plan, tz, T0) == (2, datetime(2024, 4, 13, tzinfo=tz))
    plan.installment_paid(3)  # paid ahead of time, before 2
    plan.installment_paid(3)  # redelivered
    plan.installment_paid(9)  # no such installment
    assert plan.paid == [1, 3]
    assert next_reminder(plan, tz, T0) == (2, datetime(2024, 4, 13, tzinfo=tz))
    plan.reminded = 2
    assert next_reminder(plan, tz, T0) is None  # 3 is paid: nothing left to remind
    plan.reminded = 0
    plan.installment_paid(2)
    assert plan.all_paid
    assert next_reminder(plan, tz, T0) is None


async def make() -> tuple[Ruler, ContactGuard, MemoryCases, ControllableClock]:
    cases, clock = MemoryCases(), ControllableClock(T0)
    guard = ContactGuard(MemoryDebtors(), clock)
    ruler = Ruler(cases, guard, clock)
    await ruler.debt_placed("t1", "d1", "p1", "Loja", Money(30_000, "BRL"), SP, country="BR", state="SP")
    await ruler.contact_verified("t1", "d1", "p1")
    await guard.agreement_accepted("p1", "a1", ["t1/d1"])
    await ruler.agreement_accepted("t1", "d1", "a1", "2024-03-15", 3)
    return ruler, guard, cases, clock


def reminders(cases: MemoryCases) -> list[str]:
    found = [unpack_payload(e.envelope) for e in cases.events if e.type == "action.requested"]
    return [p.step for p in found if isinstance(p, actions_pb2.ActionRequested) and p.step.startswith("installment")]


async def test_a_down_payment_paid_before_its_reminder_is_never_reminded() -> None:
    ruler, _, cases, clock = await make()
    clock.set(datetime(2024, 3, 12, 15, tzinfo=UTC))
    await ruler.installment_paid("t1", "d1", "a1", 1)
    assert cases.cases[("t1", "d1")].next_due_at == REMIND_2
    clock.set(datetime(2024, 3, 13, 12, tzinfo=UTC))  # installment 1's reminder moment
    assert await ruler.run_due() == 0
    clock.set(REMIND_2)
    assert await ruler.run_due() == 1
    assert reminders(cases) == ["installment-2"]
    values = cases.cases[("t1", "d1")].actions["installment:a1:2"].decision.values
    assert values["installment"] == "2 of 3, due 2024-04-15"


async def test_the_next_unpaid_is_reminded_and_none_once_all_are_paid() -> None:
    ruler, _, cases, clock = await make()
    clock.set(datetime(2024, 3, 13, 11, tzinfo=UTC))
    assert await ruler.run_due() == 1
    assert reminders(cases) == ["installment-1"]
    clock.set(datetime(2024, 3, 15, 15, tzinfo=UTC))
    await ruler.installment_paid("t1", "d1", "a1", 1)
    await ruler.installment_paid("t1", "d1", "a1", 2)  # paid ahead, with the down payment
    assert cases.cases[("t1", "d1")].next_due_at == REMIND_3
    clock.set(REMIND_2)
    await ruler.reevaluate("t1", "d1")
    assert reminders(cases) == ["installment-1"]  # 2 is paid: no reminder
    await ruler.installment_paid("t1", "d1", "other-agreement", 3)  # another agreement's: not this plan's
    assert cases.cases[("t1", "d1")].next_due_at == REMIND_3
    clock.set(datetime(2024, 5, 1, 15, tzinfo=UTC))
    await ruler.installment_paid("t1", "d1", "a1", 3)
    case = cases.cases[("t1", "d1")]
    assert case.installments is not None
    assert case.installments.all_paid
    assert case.next_due_at is None
    clock.set(REMIND_3 + timedelta(hours=1))
    await ruler.reevaluate("t1", "d1")
    assert await ruler.run_due() == 0
    assert reminders(cases) == ["installment-1"]
