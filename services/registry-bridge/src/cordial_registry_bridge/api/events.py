"""Event handlers of registry-bridge."""

from __future__ import annotations

from cordial.events.v1 import agreements_pb2, debts_pb2, envelope_pb2, registry_pb2
from cordial_core.bus import Handler, dispatch
from cordial_core.events import unpack_payload
from cordial_registry_bridge.domain.bridge import RegistryBridge

TOPICS = ["debts", "registry"]


def handlers(bridge: RegistryBridge) -> Handler:
    """The handler for the topics registry-bridge listens to."""

    async def on_debt_settled(envelope: envelope_pb2.Envelope) -> None:
        settled = unpack_payload(envelope)
        assert isinstance(settled, debts_pb2.DebtSettled)
        await bridge.settled(envelope.tenant, settled.debt_id, settled.debtor_id)

    async def on_escalation_requested(envelope: envelope_pb2.Envelope) -> None:
        requested = unpack_payload(envelope)
        assert isinstance(requested, registry_pb2.EscalationRequested)
        await bridge.requested(envelope.tenant, requested)

    async def on_debt_recalled(envelope: envelope_pb2.Envelope) -> None:
        recalled = unpack_payload(envelope)
        assert isinstance(recalled, debts_pb2.DebtRecalled)
        await bridge.recalled(envelope.tenant, recalled.debt_id, recalled.debtor_id)

    async def on_agreement_accepted(envelope: envelope_pb2.Envelope) -> None:
        accepted = unpack_payload(envelope)
        assert isinstance(accepted, agreements_pb2.AgreementAccepted)
        for debt_id in accepted.debt_ids:
            await bridge.agreement_accepted(envelope.tenant, debt_id)

    return dispatch(
        {
            "agreement.accepted": on_agreement_accepted,
            "debt.settled": on_debt_settled,
            "debt.recalled": on_debt_recalled,
            "escalation.requested": on_escalation_requested,
        }
    )
