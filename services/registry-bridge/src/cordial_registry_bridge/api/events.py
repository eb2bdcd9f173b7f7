"""Event handlers of registry-bridge."""

from __future__ import annotations

from cordial.events.v1 import debts_pb2, envelope_pb2
from cordial_core.bus import Handler, dispatch
from cordial_core.events import unpack_payload
from cordial_registry_bridge.adapters.cases import BureauCaseRepository
from cordial_registry_bridge.domain.cases import close_on_settlement


def handlers(cases: BureauCaseRepository) -> Handler:
    """The handler for the topics registry-bridge listens to."""

    async def on_debt_settled(envelope: envelope_pb2.Envelope) -> None:
        settled = unpack_payload(envelope)
        assert isinstance(settled, debts_pb2.DebtSettled)
        case = await cases.get(envelope.tenant, settled.debt_id)
        await cases.put(close_on_settlement(case, envelope.tenant, settled.debt_id))

    return dispatch({"debt.settled": on_debt_settled})
