"""The ruler and the contact guard against real Kafka and FerretDB: events in, cases and decisions stored."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from google.protobuf.message import Message
from pymongo.asynchronous.database import AsyncDatabase

from cordial.events.v1 import agreements_pb2, contacts_pb2, debts_pb2, messages_pb2
from cordial.types.v1 import types_pb2
from cordial_core.bus import EventPublisher, ensure_topics
from cordial_core.clock import ControllableClock
from cordial_core.events import DEAD_LETTER_SUFFIX, new_event
from cordial_core.ids import new_id, stable_id
from cordial_core.money import Money
from cordial_core.store import TenantCollection
from cordial_stack.eventually import consumer_group, until
from cordial_stack.infra import Infra
from cordial_strategy.adapters.cases import CaseRepository
from cordial_strategy.adapters.debtors import DebtorRepository
from cordial_strategy.api.events import handlers
from cordial_strategy.domain.guard import ContactGuard
from cordial_strategy.domain.ruler import Ruler

# Tuesday 2024-03-05 10:00 in São Paulo.
INSIDE = datetime(2024, 3, 5, 13, 0, tzinfo=UTC)
SP = "America/Sao_Paulo"
SMS = types_pb2.CHANNEL_SMS
WA = types_pb2.CHANNEL_WHATSAPP


@dataclasses.dataclass
class Rig:
    """A ruler wired to FerretDB, consuming fresh topics on a real broker."""

    ruler: Ruler
    cases: CaseRepository
    debtors: DebtorRepository
    publish: Callable[[str, Message, str, str], Awaitable[None]]
    clock: ControllableClock


@pytest.fixture
async def rig(infra: Infra, mongo_db: AsyncDatabase[dict[str, Any]]) -> AsyncIterator[Rig]:
    """The strategy's handlers on a real consumer, with one fresh topic standing in for all three."""
    topic = f"strategy-{new_id()[:10]}"
    await ensure_topics(infra.kafka_bootstrap_servers, {topic: 3, topic + DEAD_LETTER_SUFFIX: 1})
    clock = ControllableClock(INSIDE)
    cases = CaseRepository(TenantCollection(mongo_db["cases"]), clock)
    await cases.ensure_indexes()
    debtors = DebtorRepository(TenantCollection(mongo_db["debtors"]))
    guard = ContactGuard(debtors, clock)
    ruler = Ruler(cases, guard, clock)
    publisher = EventPublisher(infra.kafka_bootstrap_servers)
    await publisher.start()
    group = new_id()
    consumer = consumer_group(
        infra.kafka_bootstrap_servers, mongo_db, group, [topic], handlers(ruler, guard), publisher
    )
    await consumer.start()

    async def publish(event_type: str, payload: Message, tenant: str, debt_id: str) -> None:
        event = new_event(event_type, payload, source="test", tenant=tenant, subject=debt_id, key="p1", clock=clock)
        await publisher.publish(dataclasses.replace(event, topic=topic))

    try:
        yield Rig(ruler, cases, debtors, publish, clock)
    finally:
        await consumer.stop()
        await publisher.stop()


async def _place(rig: Rig, tenant: str, debt_id: str) -> None:
    placed = debts_pb2.DebtPlaced(
        debt_id=debt_id, debtor_id="p1", creditor_name="Loja", balance=Money(9_900, "BRL").to_proto(), time_zone=SP
    )
    await rig.publish("debt.placed", placed, tenant, debt_id)
    verified = contacts_pb2.ContactVerified(debt_id=debt_id, debtor_id="p1", contact_point_id="cp1", channels=[SMS])
    await rig.publish("contact.verified", verified, tenant, debt_id)


async def _action_state(rig: Rig, tenant: str, debt_id: str) -> tuple[str, str] | None:
    case = await rig.cases.load(tenant, debt_id)
    record = case.actions.get("reminder-1") if case else None
    return (record.state, record.decision.rule) if record else None


async def test_ruler_requests_then_caps_holds_and_opt_outs_follow_the_events(
    rig: Rig, mongo_db: AsyncDatabase[dict[str, Any]]
) -> None:
    # A debt placed and a contact verified: one action requested, queued in the case's outbox.
    await _place(rig, "t1", "d1")

    async def requested() -> bool:
        return await _action_state(rig, "t1", "d1") == ("requested", "contact_policy")

    await until(requested, "the first action")
    doc = await mongo_db["cases"].find_one({"_id": "d1"})
    assert doc is not None
    assert [e["type"] for e in doc["_outbox"].values()] == ["action.requested"]
    action = stable_id("t1", "d1", "reminder-1")
    assert doc["action_ids"] == [action]

    # Messaging sends it: the send counts for the person across every client.
    sent = messages_pb2.MessageSent(message_id="m1", action_id=action, debt_id="d1", debtor_id="p1", channel=SMS)
    await rig.publish("message.sent", sent, "t1", "d1")

    async def counted() -> bool:
        return action in (await rig.debtors.load("p1")).contacts

    await until(counted, "the send counted")

    # Another client's debt of the same person: deferred by the daily cap, to the next window.
    await _place(rig, "t2", "d2")

    async def capped() -> bool:
        return await _action_state(rig, "t2", "d2") == ("deferred", "cap_per_day")

    await until(capped, "the cap")
    case = await rig.cases.load("t2", "d2")
    assert case is not None
    assert case.next_due_at == datetime(2024, 3, 6, 12, 0, tzinfo=UTC)

    # A dispute reply on a third debt, and a WhatsApp opt-out: both land on the person.
    reply = messages_pb2.ReplyReceived(
        debtor_id="p1", debt_id="d3", channel=SMS, intent=messages_pb2.REPLY_INTENT_DISPUTE
    )
    await rig.publish("reply.received", reply, "t1", "d3")
    opted = contacts_pb2.ContactOptedOut(debtor_id="p1", channel=WA, contact_point_id="cp1", source="keyword")
    await rig.publish("contact.opted_out", opted, "t1", "")

    async def recorded() -> bool:
        debtor = await rig.debtors.load("p1")
        return "dispute:t1/d3" in debtor.holds and str(WA) in debtor.opted_out_channels

    await until(recorded, "the hold and the opt-out")
    await _place(rig, "t1", "d3")

    async def held() -> bool:
        return await _action_state(rig, "t1", "d3") == ("held", "hold_dispute")

    await until(held, "the dispute hold")

    # Messaging's send-time check is stored under the action and explained.
    decision = await rig.ruler.check_contact("t1", "d1", WA, "cp1", action)
    assert decision.rule == "opted_out"
    _, record = await rig.ruler.explain("t1", action)
    assert [d.rule for d in record.history] == ["contact_policy", "opted_out"]
    assert record.history[-1].values["channel"] == "CHANNEL_WHATSAPP"


async def test_the_debtors_state_travels_with_debt_placed_into_the_stored_decision(rig: Rig) -> None:
    # Wednesday 08:30 in São Paulo: SP's law allows it, RJ's (from 09:00) does not.
    rig.clock.set(datetime(2024, 3, 6, 11, 30, tzinfo=UTC))
    for debt_id, state in (("d-sp", "SP"), ("d-rj", "RJ")):
        placed = debts_pb2.DebtPlaced(
            debt_id=debt_id,
            debtor_id="p1",
            creditor_name="Loja",
            balance=Money(9_900, "BRL").to_proto(),
            time_zone=SP,
            debtor_country="BR",
            debtor_state=state,
        )
        await rig.publish("debt.placed", placed, "t1", debt_id)
        verified = contacts_pb2.ContactVerified(debt_id=debt_id, debtor_id="p1", contact_point_id="cp1")
        await rig.publish("contact.verified", verified, "t1", debt_id)

    async def decided() -> bool:
        return all([await _action_state(rig, "t1", d) is not None for d in ("d-sp", "d-rj")])

    await until(decided, "both decisions")
    sp, rj = await rig.cases.load("t1", "d-sp"), await rig.cases.load("t1", "d-rj")
    assert sp is not None
    assert rj is not None
    assert (sp.state, rj.state) == ("SP", "RJ")
    assert sp.actions["reminder-1"].state == "requested"
    assert sp.actions["reminder-1"].decision.values["jurisdiction"] == "BR-SP"
    assert rj.actions["reminder-1"].state == "deferred"
    assert rj.actions["reminder-1"].decision.rule == "contact_hours"
    assert rj.next_due_at == datetime(2024, 3, 6, 12, 0, tzinfo=UTC)


async def test_installment_payments_from_agreements_events_move_the_reminder_to_the_next_unpaid(rig: Rig) -> None:
    await _place(rig, "t1", "d-ag")
    await until(lambda: _has_case(rig, "d-ag", lambda c: "reminder-1" in c.actions), "the first step")
    accepted = agreements_pb2.AgreementAccepted(
        agreement_id="a1", debtor_id="p1", debt_ids=["d-ag"], installments=3, first_due_date="2024-03-15"
    )
    await rig.publish("agreement.accepted", accepted, "t1", "d-ag")
    # Installment 1 (the down payment) is paid before its reminder's moment, installment 2 paid ahead with it.
    for number, due in ((1, "2024-03-15"), (2, "2024-04-15")):
        paid = agreements_pb2.AgreementInstallmentPaid(
            agreement_id="a1", debtor_id="p1", debt_ids=["d-ag"], number=number, installments=3, due_date=due
        )
        await rig.publish("agreement.installment_paid", paid, "t1", "d-ag")
    # Two days before 15 May, Monday 09:00 in São Paulo's zone (state unknown: RJ's start, the strictest).
    remind_3 = datetime(2024, 5, 13, 12, 0, tzinfo=UTC)
    await until(lambda: _has_case(rig, "d-ag", lambda c: c.next_due_at == remind_3), "the reminder moved to 3")
    case = await rig.cases.load("t1", "d-ag")
    assert case is not None
    assert case.installments is not None
    assert case.installments.paid == [1, 2]
    rig.clock.set(remind_3)
    assert await rig.ruler.run_due() == 1
    case = await rig.cases.load("t1", "d-ag")
    assert case is not None
    assert [k for k in case.actions if k.startswith("installment:")] == ["installment:a1:3"]
    paid = agreements_pb2.AgreementInstallmentPaid(agreement_id="a1", debtor_id="p1", debt_ids=["d-ag"], number=3)
    await rig.publish("agreement.installment_paid", paid, "t1", "d-ag")
    await until(lambda: _has_case(rig, "d-ag", lambda c: c.installments.paid == [1, 2, 3]), "all paid")
    assert (await rig.cases.load("t1", "d-ag")).next_due_at is None  # type: ignore[union-attr]


async def _has_case(rig: Rig, debt_id: str, check: Callable[[Any], bool]) -> bool:
    case = await rig.cases.load("t1", debt_id)
    return case is not None and check(case)
