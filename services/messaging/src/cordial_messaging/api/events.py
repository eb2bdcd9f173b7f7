"""Event handlers of messaging: turn requested actions into dispatches."""

from __future__ import annotations

from cordial.events.v1 import actions_pb2, envelope_pb2
from cordial_core.bus import Handler, dispatch
from cordial_core.events import unpack_payload
from cordial_core.money import Money
from cordial_messaging.domain.dispatch import ActionToSend, Dispatcher


def handlers(dispatcher: Dispatcher) -> Handler:
    """The handler for the topics messaging listens to."""

    async def on_action_requested(envelope: envelope_pb2.Envelope) -> None:
        requested = unpack_payload(envelope)
        assert isinstance(requested, actions_pb2.ActionRequested)
        await dispatcher.handle(
            ActionToSend(
                action_id=requested.action_id,
                tenant=envelope.tenant,
                debt_id=requested.debt_id,
                debtor_id=requested.debtor_id,
                channels=tuple(requested.channels),
                template=requested.template,
                balance=Money.from_proto(requested.balance),
                creditor_name=requested.creditor_name,
                tone=requested.tone,
                locale=requested.locale,
            )
        )

    return dispatch({"action.requested": on_action_requested})
