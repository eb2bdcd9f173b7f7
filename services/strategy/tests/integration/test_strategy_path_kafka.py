"""The multi-step ruler against real Kafka and FerretDB: a strategy's path step by step, each step once.

Events arrive on a real broker; cases, debtors and strategies live in FerretDB; the leased scheduler claims
due steps; a claimant that crashes after its claim loses nothing; an agreement pauses the path and its
breaking triggers a step; the agreement history lands in the debtor's profile.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from google.protobuf.message import Message
from pymongo.asynchronous.database import AsyncDatabase

from cordial.events.v1 import agreements_pb2, contacts_pb2, debts_pb2, messages_pb2
from cordial.types.v1 import types_pb2
from cordial_core.bus import EventPublisher, ensure_topics
from cordial_core.clock import ControllableClock
from cordial_core.events import DEAD_LETTER_SUFFIX, new_event
from cordial_core.ids import new_id
from cordial_core.money import Money
from cordial_core.store import TenantCollection
from cordial_stack.eventually import consumer_group, until
from cordial_stack.infra import Infra
from cordial_strategy.adapters.cases import CaseRepository
from cordial_strategy.adapters.debtors import DebtorRepository
from cordial_strategy.adapters.strategies import StrategyRepository
from cordial_strategy.api.events import handlers
from cordial_strategy.domain.book import Share, StrategyBook
from cordial_strategy.domain.guard import ContactGuard
from cordial_strategy.domain.profile import build_profile
from cordial_strategy.domain.ruler import LEASE, Ruler
from cordial_strategy.domain.strategies import SegmentRule, StepSpec, Strategy

T0 = datetime(2024, 3, 5, 13, 0, tzinfo=UTC)  # Tuesday 10:00 in São Paulo
DAY = timedelta(days=1)
SP = "America/Sao_Paulo"
STRATEGY = Strategy(
    segments=[SegmentRule("chronic", min_broken=1), SegmentRule("all")],
    paths={
        "all": [
            StepSpec("hello", ("whatsapp", "sms"), "reminder", day_offset=0, tone="friendly"),
            StepSpec("nudge", ("sms",), "reminder", day_offset=3),
            StepSpec("formal", ("sms",), "reminder", day_offset=6, tone="formal"),
            StepSpec("answer", ("whatsapp",), "reminder", on_event="reply.received"),
        ],
        "chronic": [StepSpec("after-break", ("sms",), "reminder", on_event="agreement.broken", tone="neutral")],
    },
)


@dataclasses.dataclass
class Rig:
    """A ruler with a strategy book on FerretDB, consuming a fresh topic on a real broker."""

    ruler: Ruler
    cases: CaseRepository
    debtors: DebtorRepository
    publish: Callable[[str, Message], Awaitable[None]]
    clock: ControllableClock
    db: AsyncDatabase[dict[str, Any]]


@pytest.fixture
async def rig(infra: Infra, mongo_db: AsyncDatabase[dict[str, Any]]) -> AsyncIterator[Rig]:
    """The strategy's handlers on a real consumer, with the client's strategy saved and active."""
    topic = f"strategy-path-{new_id()[:10]}"
    await ensure_topics(infra.kafka_bootstrap_servers, {topic: 3, topic + DEAD_LETTER_SUFFIX: 1})
    clock = ControllableClock(T0)
    cases = CaseRepository(TenantCollection(mongo_db["cases"]), clock)
    await cases.ensure_indexes()
    debtors = DebtorRepository(TenantCollection(mongo_db["debtors"]))
    guard = ContactGuard(debtors, clock)
    store = StrategyRepository(TenantCollection(mongo_db["strategies"]), TenantCollection(mongo_db["activations"]))
    book = StrategyBook(store, clock, frozenset({"reminder"}))
    saved = await book.save("t1", STRATEGY)
    await book.activate("t1", [Share(saved.version, 100)])
    ruler = Ruler(cases, guard, clock, book=book)
    publisher = EventPublisher(infra.kafka_bootstrap_servers)
    await publisher.start()
    group = new_id()
    consumer = consumer_group(
        infra.kafka_bootstrap_servers, mongo_db, group, [topic], handlers(ruler, guard), publisher
    )
    await consumer.start()

    async def publish(event_type: str, payload: Message) -> None:
        event = new_event(event_type, payload, source="test", tenant="t1", subject="d1", key="p1", clock=clock)
        await publisher.publish(dataclasses.replace(event, topic=topic))

    try:
        yield Rig(ruler, cases, debtors, publish, clock, mongo_db)
    finally:
        await consumer.stop()
        await publisher.stop()


async def _states(rig: Rig) -> dict[str, tuple[str, str]]:
    case = await rig.cases.load("t1", "d1")
    return {key: (a.state, a.decision.rule) for key, a in (case.actions if case else {}).items()}


async def test_the_path_runs_step_by_step_once_each_through_kafka_and_ferretdb(rig: Rig) -> None:
    placed = debts_pb2.DebtPlaced(
        debt_id="d1",
        debtor_id="p1",
        creditor_name="Loja",
        balance=Money(9_900, "BRL").to_proto(),
        time_zone=SP,
        debtor_country="BR",
        debtor_state="SP",
    )
    await rig.publish("debt.placed", placed)
    await rig.publish("contact.verified", contacts_pb2.ContactVerified(debt_id="d1", debtor_id="p1"))

    async def state_is(key: str, state: str, rule: str = "contact_policy") -> bool:
        return (await _states(rig)).get(key) == (state, rule)

    await until(lambda: state_is("hello", "requested"), "the day-0 step")
    case = await rig.cases.load("t1", "d1")
    assert case is not None
    assert case.next_due_at == T0 + 3 * DAY  # the next step's moment, stored for the scheduler

    # Day 3: the leased scheduler fires the nudge, once.
    rig.clock.set(T0 + 3 * DAY)
    assert await rig.ruler.run_due("a") == 1
    assert await rig.ruler.run_due("b") == 0
    assert (await _states(rig))["nudge"] == ("requested", "contact_policy")

    # Day 6 (a Monday): a claimant takes the case and crashes before saving; nothing fires until its lease runs out,
    # then another instance fires the step, once.
    rig.clock.set(T0 + 6 * DAY)
    claimed = await rig.cases.claim_due(rig.clock.now(), "crashed", LEASE, 10)
    assert [c.debt_id for c in claimed] == ["d1"]
    assert await rig.ruler.run_due("b") == 0
    assert "formal" not in await _states(rig)
    rig.clock.advance(LEASE)
    assert await rig.ruler.run_due("b") == 1
    assert await rig.ruler.run_due("c") == 0
    assert (await _states(rig))["formal"] == ("requested", "contact_policy")

    # An agreement pauses the path; when it breaks, the debtor is "chronic" and its step answers the break.
    accepted = agreements_pb2.AgreementAccepted(
        agreement_id="a1", debtor_id="p1", debt_ids=["d1"], installments=3, first_due_date="2024-03-25"
    )
    await rig.publish("agreement.accepted", accepted)

    async def on_hold() -> bool:
        found = await rig.cases.load("t1", "d1")
        held = "agreement:t1/d1" in (await rig.debtors.load("p1")).holds
        return held and found is not None and found.installments is not None

    await until(on_hold, "the agreement's hold and its installments")
    case = await rig.cases.load("t1", "d1")
    assert case is not None
    assert case.next_due_at == datetime(2024, 3, 23, 11, 0, tzinfo=UTC)  # installment 1's reminder, at 08:00
    rig.clock.set(T0 + 7 * DAY)
    broken = agreements_pb2.AgreementBroken(agreement_id="a1", debtor_id="p1", debt_ids=["d1"])
    await rig.publish("agreement.broken", broken)
    await until(lambda: state_is("after-break", "requested"), "the step on agreement.broken")
    debtor = await rig.debtors.load("p1")
    assert debtor.agreements == {"a1": "broken"}
    assert build_profile(debtor, rig.clock.now(), False).agreements_broken == 1
    case = await rig.cases.load("t1", "d1")
    assert case is not None
    assert case.segment == "chronic"
    assert case.installments is None  # no more reminders of a broken agreement
    assert case.actions["after-break"].decision.values["segment_rule"] == "segments[0]"

    # A reply: counted on the path, but the chronic segment's path has no step for it; nothing more is asked.
    reply = messages_pb2.ReplyReceived(debtor_id="p1", debt_id="d1", channel=types_pb2.CHANNEL_SMS)
    await rig.publish("reply.received", reply)

    async def path_says_reply() -> bool:
        found = await rig.cases.load("t1", "d1")
        return found is not None and found.path.triggers.get("reply.received") == 1

    await until(path_says_reply, "the reply counted on the path")
    doc = await rig.db["cases"].find_one({"_id": "d1"})
    assert doc is not None
    requested = [e for e in doc["_outbox"].values() if e["type"] == "action.requested"]
    assert len(requested) == 4  # hello, nudge, formal, after-break: each once
