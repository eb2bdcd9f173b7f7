"""A sent message and a reply are counted towards their variant from one change of the case: the first
contact and the first right-party reply once each, without reading the case beforehand (a reply is counted in the
change that answers it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from prometheus_client import REGISTRY

from cordial.events.v1 import messages_pb2
from cordial.types.v1 import types_pb2
from cordial_core.clock import ControllableClock
from cordial_core.events import EventSource, decode_envelope
from cordial_strategy.api.events import handlers
from cordial_strategy.domain.case import Case, Results

VARIANT = ("t-sent", "3", "challenger")


class OneCase:
    """A ruler holding one case, with only the calls the handlers may make (no read of the case alone)."""

    def __init__(self) -> None:
        self.case = Case("d1", "t-sent", "p1", strategy_scope="t-sent", strategy_version=3, variant="challenger")
        self.events: list[str] = []

    async def count(self, tenant: str, debt_id: str, change: Callable[[Results], None], event_id: str = "") -> Case:
        change(self.case.results)
        return self.case

    async def happened(
        self, tenant: str, debt_id: str, event: str, event_id: str = "", count: Callable[[Results], None] | None = None
    ) -> Case:
        if count is not None:
            count(self.case.results)
        self.events.append(event)
        return self.case


class Guard:
    async def message_sent(self, tenant: str, sent: Any) -> None:
        return None

    async def reply(self, tenant: str, reply: Any) -> None:
        return None


def _counted(result: str) -> float:
    labels = dict(zip(("scope", "version", "variant", "result"), (*VARIANT, result), strict=True))
    return REGISTRY.get_sample_value("cordial_strategy_variant_results_total", labels) or 0.0


async def test_the_first_contact_and_the_first_right_party_reply_count_once() -> None:
    ruler = OneCase()
    handle = handlers(ruler, Guard())
    source = EventSource("messaging", ControllableClock(datetime(2026, 3, 3, 13, 0, tzinfo=UTC)))

    async def publish(event_type: str, payload: Any) -> None:
        event = source.event(event_type, payload, tenant="t-sent", subject="d1", key="p1")
        await handle(decode_envelope(event.encode()))

    contacted, right_party = _counted("contacted"), _counted("right_party")
    for number in (1, 2):
        sent = messages_pb2.MessageSent(message_id=f"m{number}", debt_id="d1", channel=types_pb2.CHANNEL_SMS)
        await publish("message.sent", sent)
    for _ in (1, 2):
        await publish("reply.received", messages_pb2.ReplyReceived(debt_id="d1"))
    assert ruler.case.results.messages_sent == 2
    assert ruler.events == ["reply.received", "reply.received"]
    assert _counted("contacted") == contacted + 1
    assert _counted("right_party") == right_party + 1
