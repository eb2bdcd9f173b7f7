"""An opt-out's confirmation answers the debtor's own message: strategy counts it toward no cap and no result, and
its delivery triggers no step, while an ordinary message's does."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from google.protobuf.message import Message

from cordial.events.v1 import messages_pb2
from cordial.types.v1 import types_pb2
from cordial_core.clock import ControllableClock
from cordial_core.events import EventSource, decode_envelope
from cordial_strategy.api.events import handlers
from cordial_strategy.domain.case import Case, Results


class Ruler:
    """Records every change the handlers ask of a case."""

    def __init__(self) -> None:
        self.case = Case("d1", "t1", "p1")
        self.changes: list[str] = []

    async def count(self, tenant: str, debt_id: str, change: Callable[[Results], None], event_id: str = "") -> Case:
        self.changes.append("count")
        change(self.case.results)
        return self.case

    async def happened(
        self, tenant: str, debt_id: str, event: str, event_id: str = "", count: Callable[[Results], None] | None = None
    ) -> Case:
        self.changes.append(event)
        return self.case


class Guard:
    """Records what would reach the person's contacts, which the caps count."""

    def __init__(self) -> None:
        self.recorded: list[str] = []

    async def message_sent(self, tenant: str, sent: Any) -> None:
        self.recorded.append(sent.message_id)


async def test_the_confirmation_and_its_receipts_reach_neither_caps_nor_path() -> None:
    ruler, guard = Ruler(), Guard()
    handle = handlers(ruler, guard)  # type: ignore[arg-type]
    source = EventSource("messaging", ControllableClock(datetime(2026, 3, 3, 13, 0, tzinfo=UTC)))

    async def publish(event_type: str, payload: Message) -> None:
        event = source.event(event_type, payload, tenant="t1", subject="d1", key="p1")
        await handle(decode_envelope(event.encode()))

    confirmed = messages_pb2.OptOutConfirmationSent(
        message_id="c1", debt_id="d1", debtor_id="p1", channel=types_pb2.CHANNEL_WHATSAPP, text="Pronto"
    )
    await publish("message.confirmation_sent", confirmed)
    delivered = messages_pb2.DELIVERY_STATE_DELIVERED
    receipt = messages_pb2.MessageDeliveryUpdated(message_id="c1", debt_id="d1", state=delivered, confirmation=True)
    await publish("message.delivery_updated", receipt)
    assert (guard.recorded, ruler.changes, ruler.case.results.messages_sent) == ([], [], 0)

    await publish("message.delivery_updated", messages_pb2.MessageDeliveryUpdated(debt_id="d1", state=delivered))
    assert ruler.changes == ["message.delivered"]  # an ordinary message's delivery still moves the path
