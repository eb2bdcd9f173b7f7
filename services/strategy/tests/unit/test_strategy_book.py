"""Strategy book: versions per client with an agency default, activation, stable champion/challenger, pinning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cordial.events.v1 import messages_pb2
from cordial.types.v1 import types_pb2
from cordial_core.clock import ControllableClock
from cordial_core.errors import InvalidArgument, NotFound
from cordial_core.money import Money
from cordial_strategy.adapters.memory import MemoryCases, MemoryDebtors, MemoryStrategyStore
from cordial_strategy.domain.book import AGENCY, Activation, Share, StrategyBook, bucket, variant_of
from cordial_strategy.domain.debtor import HoldKind
from cordial_strategy.domain.guard import ContactGuard
from cordial_strategy.domain.ruler import Case, Ruler
from cordial_strategy.domain.strategies import SegmentRule, StepSpec, Strategy

NOW = datetime(2024, 3, 5, 13, 0, tzinfo=UTC)  # Tuesday 10:00 in São Paulo
TEMPLATES = frozenset({"reminder", "gentle"})


def strategy(template: str = "reminder", first: str = "remind") -> Strategy:
    return Strategy(
        segments=[
            SegmentRule("hardship", reasons=("lost_job",)),
            SegmentRule("forgot", max_days=10),
            SegmentRule("everyone"),
        ],
        paths={
            "hardship": [StepSpec("gentle-1", ("whatsapp",), "gentle", day_offset=0, tone="gentle")],
            "forgot": [StepSpec(first, ("whatsapp", "sms"), template, day_offset=0)],
            "everyone": [StepSpec("formal-1", ("sms",), "reminder", on_event="debt.placed", tone="formal")],
        },
        escalation=["prior_notice", "bureau_inscription"],
    )


def make() -> tuple[StrategyBook, MemoryStrategyStore, ControllableClock]:
    store, clock = MemoryStrategyStore(), ControllableClock(NOW)
    return StrategyBook(store, clock, TEMPLATES), store, clock


async def test_saving_numbers_versions_per_scope_and_rejects_invalid_strategies() -> None:
    book, _, _ = make()
    assert (await book.save("t1", strategy())).version == 1
    assert (await book.save("t1", strategy())).version == 2
    assert (await book.save(AGENCY, strategy())).version == 1
    with pytest.raises(InvalidArgument) as unknown:
        await book.save("t1", strategy(template="threatening"))
    assert unknown.value.field == "paths.forgot[0].template"
    versions, active = await book.versions("t1")
    assert [v.version for v in versions] == [1, 2]
    assert active is None


@pytest.mark.parametrize(
    ("shares", "field"),
    [
        ([], "shares"),
        ([Share(1, 60), Share(2, 30)], "shares"),
        ([Share(1, 100), Share(1, 0)], "shares[1].percent"),
        ([Share(1, 50), Share(1, 50)], "shares"),
    ],
)
async def test_a_split_must_be_whole(shares: list[Share], field: str) -> None:
    book, _, _ = make()
    await book.save("t1", strategy())
    await book.save("t1", strategy())
    with pytest.raises(InvalidArgument) as error:
        await book.activate("t1", shares)
    assert error.value.field == field


async def test_activating_an_unsaved_version_is_not_found() -> None:
    book, _, _ = make()
    await book.save("t1", strategy())
    with pytest.raises(NotFound) as error:
        await book.activate("t1", [Share(1, 50), Share(7, 50)])
    assert error.value.field == "shares[1].version"


async def test_a_client_without_its_own_strategy_gets_the_agency_default() -> None:
    book, _, _ = make()
    assert await book.assign("t1", "p1") is None
    await book.save(AGENCY, strategy())
    await book.activate(AGENCY, [Share(1, 100)])
    assigned = await book.assign("t1", "p1")
    assert assigned is not None
    assert (assigned.scope, assigned.version, assigned.variant) == (AGENCY, 1, "champion")
    await book.save("t1", strategy())
    await book.activate("t1", [Share(1, 100)])
    mine = await book.assign("t1", "p1")
    assert mine is not None
    assert mine.scope == "t1"


def test_the_split_is_stable_per_debtor_and_close_to_its_percentages() -> None:
    activation = Activation((Share(1, 80), Share(2, 20)), NOW)
    debtors = [f"debtor-{i}" for i in range(10_000)]
    first = [variant_of(activation, "t1", d) for d in debtors]
    assert first == [variant_of(activation, "t1", d) for d in debtors]
    challengers = sum(1 for version, _ in first if version == 2)
    assert 1_800 <= challengers <= 2_200
    assert {name for _, name in first} == {"champion", "challenger-v2"}
    # The bucket edges: 0-79 champion, 80-99 challenger.
    for d in debtors[:200]:
        assert (variant_of(activation, "t1", d)[0] == 2) == (bucket("t1", d) >= 80)


async def _ruler() -> tuple[Ruler, MemoryCases, StrategyBook, ControllableClock, ContactGuard]:
    book, _, clock = make()
    cases = MemoryCases()
    guard = ContactGuard(MemoryDebtors(), clock)
    return Ruler(cases, guard, clock, book=book), cases, book, clock, guard


async def _place(ruler: Ruler, debt_id: str, debtor_id: str, due: str = "2024-03-01") -> Case:
    await ruler.debt_placed("t1", debt_id, debtor_id, "Loja", Money(5_000, "BRL"), "", "BR", "SP", due_date=due)
    await ruler.contact_verified("t1", debt_id, debtor_id)
    case = await ruler.case("t1", debt_id)
    assert case is not None
    return case


async def test_a_debt_keeps_its_version_until_moved_and_the_decision_names_the_segment() -> None:
    ruler, cases, book, clock, _ = await _ruler()
    await book.save("t1", strategy(first="remind-v1"))
    await book.activate("t1", [Share(1, 100)])
    old = await _place(ruler, "d1", "p1")
    assert (old.strategy_version, old.variant, old.segment) == (1, "champion", "forgot")
    record = old.actions["remind-v1"]
    assert record.state == "requested"
    assert record.decision.values["segment"] == "forgot"
    assert record.decision.values["segment_rule"] == "segments[1]"
    assert record.decision.values["strategy"] == "t1 v1"

    await book.save("t1", strategy(first="remind-v2"))
    await book.activate("t1", [Share(2, 100)])
    clock.advance(timedelta(days=1))
    await ruler.reevaluate("t1", "d1")
    kept = await ruler.case("t1", "d1")
    assert kept is not None
    assert kept.strategy_version == 1
    new = await _place(ruler, "d2", "p2")
    assert new.strategy_version == 2
    assert "remind-v2" in new.actions

    moved = await ruler.move("t1", "d1", 2)
    assert (moved.strategy_version, moved.variant) == (2, "moved")
    with pytest.raises(NotFound):
        await ruler.move("t1", "d1", 9)
    assert cases.types().count("action.requested") == 2


async def test_the_profile_from_events_picks_the_segment() -> None:
    ruler, _, book, _, guard = await _ruler()
    await book.save("t1", strategy())
    await book.activate("t1", [Share(1, 100)])
    # Sixty days late: past the "forgot" window, so the catch-all's formal path.
    late = await _place(ruler, "d1", "p1", due="2024-01-05")
    assert late.segment == "everyone"
    assert late.actions["formal-1"].decision.values["profile"].startswith("60 days past due, 1 open")
    # The person said they lost their job: the hardship path, on a second client's debt too.
    reply = messages_pb2.ReplyReceived(
        debtor_id="p2", debt_id="x", channel=types_pb2.CHANNEL_SMS, intent=messages_pb2.REPLY_INTENT_CANNOT_PAY_NOW
    )
    await guard.reply("t2", reply)
    await guard.lift_hold("p2", HoldKind.HARDSHIP)
    hardship = await _place(ruler, "d2", "p2")
    assert hardship.segment == "hardship"
    assert hardship.actions["gentle-1"].decision.values["segment_rule"] == "segments[0]"


async def test_results_are_counted_per_variant() -> None:
    ruler, _, book, _, _ = await _ruler()
    await book.save("t1", strategy())
    await book.activate("t1", [Share(1, 100)])
    await _place(ruler, "d1", "p1")
    await _place(ruler, "d2", "p2")
    await ruler.count("t1", "d1", lambda r: r.message_sent(9))
    await ruler.count("t1", "d1", lambda r: r.message_sent(9))
    await ruler.count("t1", "d2", lambda r: r.recovered(5_000))
    assert await ruler.count("t1", "unknown", lambda r: r.recovered(1)) is None
    [result] = await ruler.variant_results("t1")
    assert (result.scope, result.version, result.variant, result.debts) == ("t1", 1, "champion", 2)
    assert (result.contacted, result.messages_sent, result.cost_minor) == (1, 2, 18)
    assert result.recovered_minor == 5_000
