"""Strategy keeps no processed ids: each case remembers the events that changed it in the same write, so an event
handled again (redelivered, or retried after its save) changes nothing twice, and a reply, a payment or an agreement
changes its case once."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.message import Message

from cordial.events.v1 import agreements_pb2, contacts_pb2, debts_pb2, envelope_pb2, messages_pb2
from cordial.types.v1 import types_pb2
from cordial_core.clock import ControllableClock
from cordial_core.events import EventSource, decode_envelope
from cordial_core.money import Money
from cordial_strategy.adapters.memory import MemoryCases, MemoryDebtors
from cordial_strategy.api.events import handlers
from cordial_strategy.domain.case import MAX_HANDLED, Case
from cordial_strategy.domain.guard import ContactGuard
from cordial_strategy.domain.ruler import Ruler

SP = "America/Sao_Paulo"
MONDAY = datetime(2024, 3, 4, 13, 0, tzinfo=UTC)  # 10:00 in São Paulo


class Rig:
    """The real handlers, ruler and guard on in-memory stores that check versions as the MongoDB ones do."""

    def __init__(self) -> None:
        self.clock = ControllableClock(MONDAY)
        self.cases = MemoryCases()
        guard = ContactGuard(MemoryDebtors(), self.clock)
        self.handle = handlers(Ruler(self.cases, guard, self.clock), guard)
        self.source = EventSource("test", self.clock)

    def envelope(self, event_type: str, payload: Message) -> envelope_pb2.Envelope:
        return decode_envelope(self.source.event(event_type, payload, tenant="t1", subject="d1", key="p1").encode())

    async def deliver(self, event_type: str, payload: Message) -> envelope_pb2.Envelope:
        envelope = self.envelope(event_type, payload)
        await self.handle(envelope)
        return envelope

    def case(self) -> Case:
        return self.cases.cases[("t1", "d1")]

    async def placed_and_reachable(self) -> None:
        placed = debts_pb2.DebtPlaced(
            debt_id="d1", debtor_id="p1", creditor_name="Loja", balance=Money(9_900, "BRL").to_proto(), time_zone=SP
        )
        await self.deliver("debt.placed", placed)
        verified = contacts_pb2.ContactVerified(debt_id="d1", debtor_id="p1", contact_point_id="cp1")
        await self.deliver("contact.verified", verified)


async def test_a_redelivered_event_changes_its_case_once() -> None:
    rig = Rig()
    await rig.placed_and_reachable()
    requested = len(rig.cases.events)
    sent = messages_pb2.MessageSent(
        message_id="m1", debt_id="d1", debtor_id="p1", action_id="a1", channel=types_pb2.CHANNEL_SMS
    )
    envelope = await rig.deliver("message.sent", sent)
    version = rig.case().version
    await rig.handle(envelope)  # redelivered after a crash before the offset commit
    assert rig.case().results.messages_sent == 1
    assert rig.case().results.cost_minor == 9
    assert rig.case().version == version  # not even saved again
    assert envelope.id in rig.case().handled
    assert len(rig.cases.events) == requested


async def test_a_redelivered_placement_and_verification_do_nothing_twice() -> None:
    rig = Rig()
    placed = debts_pb2.DebtPlaced(
        debt_id="d1", debtor_id="p1", creditor_name="Loja", balance=Money(9_900, "BRL").to_proto(), time_zone=SP
    )
    verified = contacts_pb2.ContactVerified(debt_id="d1", debtor_id="p1", contact_point_id="cp1")
    first, second = rig.envelope("debt.placed", placed), rig.envelope("contact.verified", verified)
    for envelope in (first, second, first, second):
        await rig.handle(envelope)
    assert rig.case().version == 2  # placement and verification, once each
    assert rig.case().handled == [first.id, second.id]


async def test_a_reply_and_a_payment_each_change_their_case_once_and_count_once() -> None:
    rig = Rig()
    await rig.placed_and_reachable()
    before = rig.case().version
    reply = await rig.deliver("reply.received", messages_pb2.ReplyReceived(debt_id="d1", debtor_id="p1"))
    assert rig.case().version == before + 1  # counted and answered in one write
    assert rig.case().results.right_party
    paid = debts_pb2.PaymentReceived(debt_id="d1", debtor_id="p1", amount=Money(4_000, "BRL").to_proto())
    payment = await rig.deliver("payment.received", paid)
    assert rig.case().version == before + 2
    await rig.handle(payment)
    await rig.handle(reply)
    assert rig.case().results.recovered_minor == 4_000
    assert rig.case().version == before + 2


async def test_an_agreement_accepted_and_broken_each_change_their_case_once() -> None:
    rig = Rig()
    await rig.placed_and_reachable()
    before = rig.case().version
    accepted = agreements_pb2.AgreementAccepted(
        agreement_id="ag1", debtor_id="p1", debt_ids=["d1"], first_due_date="2024-03-10", installments=3
    )
    accepted_envelope = await rig.deliver("agreement.accepted", accepted)
    await rig.handle(accepted_envelope)
    assert rig.case().version == before + 1
    assert rig.case().results.agreements == 1
    assert rig.case().installments is not None
    broken = agreements_pb2.AgreementBroken(agreement_id="ag1", debtor_id="p1", debt_ids=["d1"])
    await rig.deliver("agreement.broken", broken)
    assert rig.case().version == before + 2  # the break counted on the path and the plan ended in one write
    assert rig.case().installments is None
    assert rig.case().path.triggers.get("agreement.broken")


def test_a_case_remembers_only_its_latest_events() -> None:
    case = Case("d1", "t1", "p1")
    ids = [f"e{n}" for n in range(MAX_HANDLED + 5)]
    assert all(case.takes(event_id) for event_id in ids)
    assert not case.takes(ids[-1])
    assert case.handled == ids[-MAX_HANDLED:]
    assert case.takes("")  # a change no event caused is always taken, and nothing is remembered
    assert case.handled == ids[-MAX_HANDLED:]
