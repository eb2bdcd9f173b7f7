"""Contact-locator keeps no processed ids: every event handled twice changes what it changed once, no more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cordial.events.v1 import contacts_pb2, debts_pb2, messages_pb2
from cordial.types.v1 import types_pb2
from cordial_contact_locator.adapters.memory import MemoryContactPoints
from cordial_contact_locator.api.events import handlers
from cordial_contact_locator.domain.directory import ContactOutcome, Directory
from cordial_contact_locator.domain.reachability import LEARNED_KEPT, learned_key
from cordial_core.clock import ControllableClock
from cordial_core.events import EventSource

NOW = datetime(2024, 3, 4, 12, 0, tzinfo=UTC)
PHONE, WHATSAPP, SMS = types_pb2.CONTACT_KIND_PHONE, types_pb2.CHANNEL_WHATSAPP, types_pb2.CHANNEL_SMS


class Outcomes:
    """Counts every outcome it is told of, keyed or not (so a second count shows)."""

    def __init__(self) -> None:
        self.counted: list[tuple[str, str]] = []

    async def count(self, outcome: ContactOutcome) -> bool:
        self.counted.append((outcome.outcome, outcome.event_id))
        return True


class Rig:
    """The group's handler on in-memory points, a point of p1's recorded, and its events made on one clock."""

    def __init__(self) -> None:
        self.clock = ControllableClock(NOW)
        self.points, self.outcomes = MemoryContactPoints(), Outcomes()
        self.directory = Directory(self.points, self.clock, lambda v: "h:" + v, self.outcomes)
        self.handle = handlers(self.directory)
        self.source = EventSource("messaging", self.clock)

    async def placed(self) -> str:
        placed = debts_pb2.DebtPlaced(debt_id="d1", debtor_id="p1")
        placed.contact_points.add(kind=PHONE, value="(11) 98765-4321")
        await self.handle(self.source.event("debt.placed", placed, tenant="t1", subject="d1", key="p1").envelope)
        [point_id] = self.points.points
        return point_id

    def reach(self, point_id: str, channel: int = WHATSAPP) -> tuple[float, float]:
        return self.points.points[point_id].reach[channel]


async def test_a_redelivered_receipt_or_reply_moves_the_reach_and_the_counts_once() -> None:
    rig = Rig()
    point_id = await rig.placed()
    read = messages_pb2.MessageDeliveryUpdated(
        contact_point_id=point_id, channel=WHATSAPP, state=messages_pb2.DELIVERY_STATE_READ
    )
    reply = messages_pb2.ReplyReceived(contact_point_id=point_id, channel=WHATSAPP, debt_id="d1", debtor_id="p1")
    receipt = rig.source.event("message.delivery_updated", read, tenant="t1", subject="d1", key="p1")
    answer = rig.source.event("reply.received", reply, tenant="t1", subject="d1", key="p1")
    for event in (receipt, receipt, answer, answer):
        await rig.handle(event.envelope)
    assert rig.reach(point_id) == (1.0 + 1 + 2, 1.0), "one read, one reply: Beta(4, 1)"
    assert rig.outcomes.counted == [("right_party", answer.id)]


async def test_a_redelivered_not_on_whatsapp_counts_its_failure_once() -> None:
    rig = Rig()
    point_id = await rig.placed()
    failed = messages_pb2.MessageDeliveryUpdated(
        contact_point_id=point_id, channel=WHATSAPP, state=messages_pb2.DELIVERY_STATE_FAILED, error_code="131026"
    )
    event = rig.source.event("message.delivery_updated", failed, tenant="t1", subject="d1", key="p1")
    await rig.handle(event.envelope)
    await rig.handle(event.envelope)
    assert rig.reach(point_id) == (1.0, 2.0)
    assert rig.points.points[point_id].blocked == {WHATSAPP: "not on WhatsApp (131026)"}


async def test_other_redelivered_events_change_nothing_more_than_once() -> None:
    rig = Rig()
    placed = debts_pb2.DebtPlaced(debt_id="d1", debtor_id="p1")
    placed.contact_points.add(kind=PHONE, value="(11) 98765-4321")
    event = rig.source.event("debt.placed", placed, tenant="t1", subject="d1", key="p1")
    await rig.handle(event.envelope)
    [point_id] = rig.points.points
    sent = messages_pb2.MessageSent(contact_point_id=point_id, channel=SMS, provider="sms")
    opted = contacts_pb2.ContactOptedOut(contact_point_id=point_id, channel=SMS, source="reply")
    events = [
        event,
        rig.source.event("message.sent", sent, tenant="t1", subject="d1", key="p1"),
        rig.source.event("contact.opted_out", opted, tenant="t1", subject="d1", key="p1"),
    ]
    for once in events:
        await rig.handle(once.envelope)
    point = rig.points.points[point_id]
    state = (point.blocked.copy(), point.providers.copy(), point.reach.copy(), point.learned_at)
    for again in events:
        await rig.handle(again.envelope)
    assert list(rig.points.points) == [point_id], "the point is keyed by its debtor and value"
    point = rig.points.points[point_id]
    assert (point.blocked, point.providers, point.reach, point.learned_at) == state
    # The count is told twice, with the event id both times: its store keeps one document per event and outcome.
    assert rig.outcomes.counted == [("contacted", events[1].id)] * 2


async def test_a_point_remembers_only_the_latest_events_it_learned_from() -> None:
    rig = Rig()
    point_id = await rig.placed()
    ids = []
    for _ in range(LEARNED_KEPT + 3):
        rig.clock.advance(timedelta(seconds=1))
        update = messages_pb2.MessageDeliveryUpdated(
            contact_point_id=point_id, channel=SMS, state=messages_pb2.DELIVERY_STATE_DELIVERED
        )
        event = rig.source.event("message.delivery_updated", update, tenant="t1", subject="d1", key="p1")
        await rig.handle(event.envelope)
        ids.append(event.id)
    learned = rig.points.points[point_id].reach_learned
    assert set(learned) == {learned_key(i) for i in ids[-LEARNED_KEPT:]}
    assert rig.reach(point_id, SMS) == (1.0 + LEARNED_KEPT + 3, 1.0)
