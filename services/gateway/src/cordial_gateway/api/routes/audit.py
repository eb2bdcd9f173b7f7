"""Agency API: the audit trail of messages sent to a debtor, with the text, contact point, provider id and states."""

from typing import Any

from fastapi import APIRouter, Depends, Query

from cordial.events.v1 import messages_pb2
from cordial.messaging.v1 import messaging_service_pb2 as pb
from cordial_gateway.adapters.clients import Client
from cordial_gateway.api.deps import BackendsDep, call_metadata, require_admin
from cordial_gateway.api.routes.templates import CHANNEL_NAMES

router = APIRouter(prefix="/agency/v1", tags=["audit"], dependencies=[Depends(require_admin)])


def _entry(entry: pb.AuditEntry) -> dict[str, Any]:
    state = messages_pb2.DeliveryState.Name(entry.delivery_state) if entry.delivery_state else ""
    return {
        "entry_id": entry.entry_id,
        "kind": entry.kind,
        "message_id": entry.message_id,
        "debt_id": entry.debt_id,
        "debtor_id": entry.debtor_id,
        "channel": CHANNEL_NAMES.get(entry.channel, ""),
        "contact_point_id": entry.contact_point_id,
        "to": entry.to,
        "provider": entry.provider,
        "provider_message_id": entry.provider_message_id,
        "text": entry.text,
        "template": entry.template,
        "template_version": entry.template_version,
        "delivery_state": state.removeprefix("DELIVERY_STATE_").lower(),
        "error_code": entry.error_code,
        "reason": entry.reason,
        "at": entry.at.ToDatetime().isoformat() + "Z",
    }


@router.get("/clients/{client_id}/audit")
async def audit_trail(
    client_id: str,
    wired: BackendsDep,
    debt_id: str = Query(default="", max_length=64),
    debtor_id: str = Query(default="", max_length=64),
) -> dict[str, Any]:
    """Every message sent for a debt or a debtor of the client, each delivery state and each action given up."""
    request = pb.ListAuditEntriesRequest(debt_id=debt_id, debtor_id=debtor_id)
    reply = await wired.messaging_stub().ListAuditEntries(request, metadata=call_metadata(Client(client_id, "")))
    return {"entries": [_entry(e) for e in reply.entries]}
