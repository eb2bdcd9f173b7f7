"""The treatment path step by step: day offsets and events, the latest overdue step only, pauses, hardship, spacing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cordial.events.v1 import actions_pb2, messages_pb2
from cordial.types.v1 import types_pb2
from cordial_core.clock import ControllableClock
from cordial_core.events import unpack_payload
from cordial_core.ids import stable_id
from cordial_core.money import Money
from cordial_strategy.adapters.memory import MemoryCases, MemoryDebtors, MemoryStrategyStore
from cordial_strategy.domain.book import Activation, Share, StrategyBook, StrategyVersion
from cordial_strategy.domain.debtor import Hold, HoldKind
from cordial_strategy.domain.guard import ContactGuard
from cordial_strategy.domain.installments import InstallmentPlan, due_on
from cordial_strategy.domain.path import PathProgress, next_step
from cordial_strategy.domain.ruler import Ruler
from cordial_strategy.domain.strategies import OfferSet, SegmentRule, StepSpec, Strategy

SMS = types_pb2.CHANNEL_SMS
T0 = datetime(2024, 3, 5, 13, 0, tzinfo=UTC)  # Tuesday 10:00 in São Paulo
SP = "America/Sao_Paulo"
DAY = timedelta(days=1)
PATH = [
    StepSpec("hello", ("whatsapp", "sms"), "reminder", day_offset=0, tone="friendly", offer_set="standard"),
    StepSpec("nudge", ("sms",), "reminder", day_offset=3, offer_set="standard"),
    StepSpec("formal", ("sms",), "reminder", day_offset=10, tone="formal", offer_set="standard"),
    StepSpec("answer", ("whatsapp",), "reminder", on_event="reply.received"),
    StepSpec("retry", ("sms",), "reminder", on_event="message.failed", day_offset=1),
]


def test_day_steps_fall_due_at_their_offset_to_the_minute() -> None:
    progress = PathProgress(started_at=T0)
    due, later = next_step(PATH, progress, set(), T0)
    assert due is not None
    assert (due.key, due.trigger) == ("hello", "day 0 after entering the path")
    assert later == T0 + 3 * DAY
    assert next_step(PATH, progress, {"hello"}, T0 + 3 * DAY - timedelta(minutes=1)) == (None, T0 + 3 * DAY)
    due, later = next_step(PATH, progress, {"hello"}, T0 + 3 * DAY)
    assert due is not None
    assert (due.key, later) == ("nudge", T0 + 10 * DAY)
    assert next_step(PATH, progress, {"hello", "nudge", "formal"}, T0 + 30 * DAY) == (None, None)
    assert next_step(PATH, PathProgress(), set(), T0) == (None, None)  # not on the path yet


def test_only_the_latest_overdue_day_step_fires_and_the_earlier_are_skipped() -> None:
    due, _ = next_step(PATH, PathProgress(started_at=T0), set(), T0 + 12 * DAY)
    assert due is not None
    assert (due.key, due.skipped) == ("formal", ("hello", "nudge"))


def test_event_steps_answer_each_occurrence_once_and_may_wait_days_after_it() -> None:
    progress = PathProgress(started_at=T0)
    assert not PathProgress().happened("reply.received", T0)  # before the path: ignored
    progress.happened("reply.received", T0 + DAY)
    due, _ = next_step(PATH, progress, {"hello"}, T0 + DAY)
    assert due is not None
    assert (due.key, due.trigger) == ("answer", "on reply.received")
    progress.served["answer"] = 1
    assert next_step(PATH, progress, {"hello"}, T0 + DAY)[0] is None
    progress.happened("reply.received", T0 + 2 * DAY)
    progress.happened("reply.received", T0 + 2 * DAY)  # two unanswered: one answer
    due, _ = next_step(PATH, progress, {"hello"}, T0 + 2 * DAY)
    assert due is not None
    assert due.key == "answer#2"
    progress.served["answer"] = 3
    progress.happened("message.failed", T0 + 2 * DAY)
    assert next_step(PATH, progress, {"hello"}, T0 + 3 * DAY - timedelta(seconds=1)) == (None, T0 + 3 * DAY)
    due, _ = next_step(PATH, progress, {"hello"}, T0 + 3 * DAY)
    assert due is not None
    assert (due.key, due.trigger) == ("retry", "on message.failed, 1 days after")  # before the day-3 nudge


STRATEGY = Strategy(
    segments=[SegmentRule("all")],
    paths={"all": PATH},
    offer_sets=[OfferSet("standard", (3, 6), down_payment_bps=2_000)],
)


async def make() -> tuple[Ruler, ContactGuard, MemoryCases, ControllableClock]:
    store, clock, cases = MemoryStrategyStore(), ControllableClock(T0), MemoryCases()
    book = StrategyBook(store, clock, frozenset({"reminder"}))
    store.versions[("t1", 1)] = StrategyVersion("t1", 1, STRATEGY, T0)
    store.activations["t1"] = Activation((Share(1, 100),), T0)
    guard = ContactGuard(MemoryDebtors(), clock)
    ruler = Ruler(cases, guard, clock, book=book)
    await ruler.debt_placed("t1", "d1", "p1", "Loja", Money(30_000, "BRL"), SP, country="BR", state="SP")
    await ruler.contact_verified("t1", "d1", "p1")
    return ruler, guard, cases, clock


def requested(cases: MemoryCases) -> list[actions_pb2.ActionRequested]:
    found = [unpack_payload(e.envelope) for e in cases.events if e.type == "action.requested"]
    return [p for p in found if isinstance(p, actions_pb2.ActionRequested)]


async def test_the_ruler_runs_the_whole_path_on_its_schedule_each_step_once() -> None:
    ruler, _, cases, clock = await make()
    assert [p.step for p in requested(cases)] == ["hello"]
    assert requested(cases)[0].tone == "friendly"
    assert requested(cases)[0].locale == "pt-BR"  # the client gave the country
    assert list(requested(cases)[0].installment_counts) == [3, 6]
    case = cases.cases[("t1", "d1")]
    assert case.next_due_at == T0 + 3 * DAY  # the durable schedule of the next step
    clock.set(T0 + 3 * DAY - timedelta(minutes=1))
    assert await ruler.run_due() == 0
    clock.set(T0 + 3 * DAY)
    assert await ruler.run_due() == 1
    assert await ruler.run_due() == 0  # not twice
    await ruler.reevaluate("t1", "d1")
    assert [p.step for p in requested(cases)] == ["hello", "nudge"]
    assert requested(cases)[1].action_id == stable_id("t1", "d1", "nudge")
    record = cases.cases[("t1", "d1")].actions["nudge"]
    assert record.decision.values["trigger"] == "day 3 after entering the path"
    assert record.decision.values["offer_set"] == "standard: installments 3, 6; down payment 2000 bps"
    assert cases.cases[("t1", "d1")].next_due_at == T0 + 10 * DAY


async def test_an_event_step_answers_and_a_second_step_the_same_day_waits_for_tomorrow() -> None:
    ruler, _, cases, clock = await make()
    clock.advance(timedelta(hours=2))
    await ruler.happened("t1", "d1", "reply.received")
    assert [p.step for p in requested(cases)] == ["hello"]
    record = cases.cases[("t1", "d1")].actions["answer"]
    assert (record.state, record.decision.rule) == ("deferred", "step_spacing")
    tomorrow = datetime(2024, 3, 6, 11, 0, tzinfo=UTC)  # Wednesday 08:00 in São Paulo
    assert record.decision.next_allowed_at == tomorrow
    assert cases.cases[("t1", "d1")].next_due_at == tomorrow
    clock.set(tomorrow)
    assert await ruler.run_due() == 1
    assert [p.step for p in requested(cases)] == ["hello", "answer"]
    await ruler.happened("t1", "d1", "reply.received")  # already answered today: waits, then answer#2
    assert cases.cases[("t1", "d1")].actions["answer#2"].decision.rule == "step_spacing"


async def test_settlement_ends_the_path_and_an_agreement_pauses_it() -> None:
    ruler, guard, cases, clock = await make()
    await guard.place_hold("p1", Hold(HoldKind.AGREEMENT, "t1/d1", T0, reason="agreement a1"))
    clock.set(T0 + 3 * DAY)
    await ruler.run_due()
    nudge = cases.cases[("t1", "d1")].actions["nudge"]
    assert (nudge.state, nudge.decision.rule) == ("held", "hold_agreement")
    assert cases.cases[("t1", "d1")].next_due_at == T0 + 10 * DAY  # looks again at the next step's moment
    await guard.lift_hold("p1", HoldKind.AGREEMENT, "t1/d1")  # the agreement broke on day 11
    clock.set(T0 + 11 * DAY)
    await ruler.reevaluate("t1", "d1")
    assert [p.step for p in requested(cases)] == ["hello", "formal"]
    actions = cases.cases[("t1", "d1")].actions
    assert (actions["nudge"].state, actions["nudge"].decision.rule) == ("skipped", "step_superseded")
    await ruler.debt_settled("t1", "d1", "p1")
    clock.set(T0 + 40 * DAY)
    await ruler.happened("t1", "d1", "reply.received")
    await ruler.reevaluate("t1", "d1")
    assert [p.step for p in requested(cases)] == ["hello", "formal"]
    assert cases.cases[("t1", "d1")].next_due_at is None


async def test_after_a_hardship_pause_the_next_step_is_gentler_and_says_so() -> None:
    ruler, guard, cases, clock = await make()
    reply = messages_pb2.ReplyReceived(debtor_id="p1", debt_id="d1", intent=messages_pb2.REPLY_INTENT_CANNOT_PAY_NOW)
    clock.advance(DAY)
    await guard.reply("t1", reply)
    clock.set(T0 + 3 * DAY)
    await ruler.run_due()
    assert cases.cases[("t1", "d1")].actions["nudge"].decision.rule == "hold_hardship"
    clock.set(T0 + 31 * DAY - timedelta(minutes=1))
    await ruler.reevaluate("t1", "d1")
    assert [p.step for p in requested(cases)] == ["hello"]  # a minute before the pause ends
    clock.set(T0 + 31 * DAY)
    await ruler.reevaluate("t1", "d1")
    last = requested(cases)[-1]
    assert (last.step, last.tone, last.offer_set) == ("formal", "gentle", "standard-hardship")
    assert list(last.installment_counts) == [3, 6, 12]  # twice the plans; agreements bounds them by the policy
    values = cases.cases[("t1", "d1")].actions["formal"].decision.values
    assert values["tone"] == "gentle"
    assert values["hardship"].startswith("hardship pause ended")
    assert "policy minimum" in values["offer_set"]


def test_installments_fall_due_monthly_on_business_days() -> None:
    plan = InstallmentPlan("a1", "2024-01-31", 4)
    assert [due_on(plan, n).isoformat() for n in (1, 2, 3, 4)] == [
        "2024-01-31",
        "2024-02-29",  # the month's last day
        "2024-04-01",  # 31 March 2024 is a Sunday
        "2024-04-30",
    ]
    assert due_on(InstallmentPlan("a2", "2024-04-21", 1), 1).isoformat() == "2024-04-22"  # Tiradentes, a Sunday


async def test_an_agreement_in_good_standing_gets_only_installment_reminders() -> None:
    ruler, guard, cases, clock = await make()
    await guard.agreement_accepted("p1", "a1", ["t1/d1"])
    await ruler.agreement_accepted("t1", "d1", "a1", "2024-03-15", 3)
    opening = datetime(2024, 3, 13, 11, 0, tzinfo=UTC)  # two days before, when contact hours open (08:00)
    assert cases.cases[("t1", "d1")].next_due_at == opening
    clock.set(T0 + 3 * DAY)
    await ruler.reevaluate("t1", "d1")  # the path's day-3 step is paused
    assert [p.step for p in requested(cases)] == ["hello"]
    clock.set(opening - timedelta(minutes=1))
    assert await ruler.run_due() == 0
    clock.set(opening)
    assert await ruler.run_due() == 1
    assert [p.step for p in requested(cases)] == ["hello", "installment-1"]
    values = cases.cases[("t1", "d1")].actions["installment:a1:1"].decision.values
    assert values["installment"] == "1 of 3, due 2024-03-15"
    assert cases.cases[("t1", "d1")].next_due_at == datetime(2024, 4, 13, 11, 0, tzinfo=UTC)  # a Saturday, 08:00
    # Messaging's send-time check lets the reminder through the agreement's hold; a collection step, not.
    reminder_id = requested(cases)[-1].action_id
    assert (await ruler.check_contact("t1", "d1", SMS, "cp", reminder_id)).allowed is True
    assert (await ruler.check_contact("t1", "d1", SMS, "cp", "other")).rule == "hold_agreement"
    # Broken on day 20: no more reminders; the path resumes with its latest overdue step only.
    clock.set(T0 + 20 * DAY)
    await guard.agreement_ended("p1", "a1", ["t1/d1"], kept=False)
    await ruler.agreement_ended("t1", "d1", "a1")
    assert [p.step for p in requested(cases)] == ["hello", "installment-1", "formal"]
    assert cases.cases[("t1", "d1")].actions["nudge"].state == "skipped"
