"""Event handlers of contact-locator: turn events into directory calls."""

from __future__ import annotations

from cordial.events.v1 import debts_pb2, envelope_pb2
from cordial_contact_locator.domain.directory import Directory
from cordial_core.bus import Handler, dispatch
from cordial_core.events import unpack_payload


def handlers(directory: Directory) -> Handler:
    """The handler for the topics contact-locator listens to."""

    async def on_debt_placed(envelope: envelope_pb2.Envelope) -> None:
        placed = unpack_payload(envelope)
        assert isinstance(placed, debts_pb2.DebtPlaced)
        supplied = [(c.kind, c.value) for c in placed.contact_points]
        await directory.record_supplied(envelope.tenant, placed.debt_id, placed.debtor_id, supplied, source="client")

    return dispatch({"debt.placed": on_debt_placed})
