"""Messages messaging sends on its own (an opt-out's confirmation, a validation notice) are no step of a path: strategy
counts them toward no cap and no result, and their delivery is never taken for the step's outcome, while an ordinary
message's is. Receipts written before ``own_kind`` (``confirmation`` alone) are read the same way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from google.protobuf.message import Message

from cordial.events.v1 import messages_pb2
from cordial.types.v1 import types_pb2
from cordial_core.clock import ControllableClock
from cordial_core.events import EventSource, decode_envelope
from cordial_strategy.api.events import handlers
from cordial_strategy.domain.case import Case, Results

DELIVERED = messages_pb2.DELIVERY_STATE_DELIVERED
NOTICE = messages_pb2.OWN_MESSAGE_KIND_VALIDATION_NOTICE
CONFIRMATION = messages_pb2.OWN_MESSAGE_KIND_OPT_OUT_CONFIRMATION


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


def _publisher(ruler: Ruler, guard: Guard) -> Callable[[str, Message], Any]:
    handle = handlers(ruler, guard)  # type: ignore[arg-type]
    source = EventSource("messaging", ControllableClock(datetime(2026, 3, 3, 13, 0, tzinfo=UTC)))

    async def publish(event_type: str, payload: Message) -> None:
        event = source.event(event_type, payload, tenant="t1", subject="d1", key="p1")
        await handle(decode_envelope(event.encode()))

    return publish


@pytest.mark.parametrize("kind", [CONFIRMATION, NOTICE])
async def test_a_message_sent_on_its_own_and_its_receipts_reach_neither_caps_nor_path(kind: int) -> None:
    ruler, guard = Ruler(), Guard()
    publish = _publisher(ruler, guard)
    own = messages_pb2.OwnMessageSent(
        message_id="n1", debt_id="d1", debtor_id="p1", channel=types_pb2.CHANNEL_SMS, text="This is", kind=kind
    )
    await publish("message.own_sent", own)
    # As messaging publishes it: its kind, and confirmation too for consumers of the previous release.
    receipt = messages_pb2.MessageDeliveryUpdated(
        message_id="n1", debt_id="d1", state=DELIVERED, own_kind=kind, confirmation=True
    )
    await publish("message.delivery_updated", receipt)
    # Its kind alone (confirmation unset) is enough as well.
    await publish(
        "message.delivery_updated", messages_pb2.MessageDeliveryUpdated(debt_id="d1", state=DELIVERED, own_kind=kind)
    )
    assert (guard.recorded, ruler.changes, ruler.case.results.messages_sent) == ([], [], 0)

    await publish("message.delivery_updated", messages_pb2.MessageDeliveryUpdated(debt_id="d1", state=DELIVERED))
    assert ruler.changes == ["message.delivered"]  # an ordinary message's delivery still moves the path


async def test_a_confirmation_and_its_receipt_in_the_shape_before_own_messages_still_count_for_nothing() -> None:
    ruler, guard = Ruler(), Guard()
    publish = _publisher(ruler, guard)
    confirmed = messages_pb2.OptOutConfirmationSent(
        message_id="c1", debt_id="d1", debtor_id="p1", channel=types_pb2.CHANNEL_WHATSAPP, text="Pronto"
    )
    await publish("message.confirmation_sent", confirmed)
    receipt = messages_pb2.MessageDeliveryUpdated(message_id="c1", debt_id="d1", state=DELIVERED, confirmation=True)
    await publish("message.delivery_updated", receipt)
    assert (guard.recorded, ruler.changes, ruler.case.results.messages_sent) == ([], [], 0)
