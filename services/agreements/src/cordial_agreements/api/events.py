"""Event handlers of agreements: a debt enters collection when its first step is requested."""

from __future__ import annotations

from cordial.events.v1 import actions_pb2, envelope_pb2
from cordial_agreements.domain.ledger import Ledger
from cordial_core.bus import Handler, dispatch
from cordial_core.events import unpack_payload


def handlers(ledger: Ledger) -> Handler:
    """The handler for the topics agreements listens to."""

    async def on_action_requested(envelope: envelope_pb2.Envelope) -> None:
        requested = unpack_payload(envelope)
        assert isinstance(requested, actions_pb2.ActionRequested)
        await ledger.start_collection(envelope.tenant, requested.debt_id)

    return dispatch({"action.requested": on_action_requested})
