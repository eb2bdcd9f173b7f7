"""The audit trail of outbound contact: append-only entries of messages sent, delivery states and actions given up.

One entry per message sent and per delivery state it reached, and one per action given up unsent because the
contact policy stayed undecided past the limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from cordial.events.v1 import messages_pb2
from cordial.types.v1 import types_pb2
from cordial_core.ids import stable_id

SENT_ENTRY, DELIVERY_ENTRY, GIVEN_UP_ENTRY = "sent", "delivery", "given_up"


@dataclass(frozen=True)
class AuditEntry:
    """What was sent to whom through which provider, or a delivery state it reached; never changed once written."""

    id: str
    tenant: str
    kind: str
    message_id: str
    debt_id: str
    debtor_id: str
    channel: types_pb2.Channel
    contact_point_id: str
    to: str
    provider: str
    provider_message_id: str
    at: datetime
    text: str = ""
    template: str = ""
    template_version: int = 0
    delivery_state: messages_pb2.DeliveryState = messages_pb2.DELIVERY_STATE_UNSPECIFIED
    error_code: str = ""
    # Why the action was given up (GIVEN_UP_ENTRY: the policy's rule first), or an owed validation notice unsent.
    reason: str = ""


def entry_id(tenant: str, message_id: str, kind: str, state: int = 0) -> str:
    """One entry per message and kind (and delivery state): writing it again changes nothing."""
    return stable_id("audit", tenant, message_id, kind, str(state))


class OfAction(Protocol):
    """What an entry about an action's message names: the action is the message's id."""

    @property
    def tenant(self) -> str: ...
    @property
    def action_id(self) -> str: ...
    @property
    def debt_id(self) -> str: ...
    @property
    def debtor_id(self) -> str: ...


def action_entry(
    action: OfAction,
    kind: str,
    at: datetime,
    recipient: tuple[types_pb2.Channel, str, str],
    provider: tuple[str, str] = ("", ""),
    text: str = "",
    template: tuple[str, int] = ("", 0),
    reason: str = "",
) -> AuditEntry:
    """An entry of one kind about an action's message, to (channel, contact point, address) through a provider."""
    channel, contact_point_id, to = recipient
    return AuditEntry(
        entry_id(action.tenant, action.action_id, kind),
        action.tenant,
        kind,
        action.action_id,
        action.debt_id,
        action.debtor_id,
        channel,
        contact_point_id,
        to,
        provider[0],
        provider[1],
        at,
        text=text,
        template=template[0],
        template_version=template[1],
        reason=reason,
    )


class AuditTrail(Protocol):
    """Where audit entries are appended and read, per tenant."""

    async def append(self, entry: AuditEntry) -> None: ...
    async def entries(self, tenant: str, debt_id: str, debtor_id: str) -> list[AuditEntry]: ...
