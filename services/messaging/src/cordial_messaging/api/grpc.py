"""The MessagingService servicer."""

from __future__ import annotations

import grpc

from cordial.messaging.v1 import messaging_service_pb2 as pb
from cordial.messaging.v1 import messaging_service_pb2_grpc as pb_grpc
from cordial_core.context import tenant_var
from cordial_messaging.adapters.messages import MessageRepository

# An uncertain message is one the provider may hold: not failed, not known sent.
_STATES = {
    "pending": pb.MESSAGE_STATE_PENDING,
    "uncertain": pb.MESSAGE_STATE_PENDING,
    "sent": pb.MESSAGE_STATE_SENT,
    "failed": pb.MESSAGE_STATE_FAILED,
}


class MessagingServicer(pb_grpc.MessagingServiceServicer):
    """Messages of a debt over gRPC."""

    def __init__(self, messages: MessageRepository) -> None:
        self._messages = messages

    async def ListMessages(
        self, request: pb.ListMessagesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListMessagesResponse:
        """Every message sent or attempted for a debt."""
        docs = await self._messages.of_debt(str(tenant_var.get()), request.debt_id)
        messages = []
        for doc in docs:
            message = pb.Message(
                message_id=doc["_id"],
                action_id=doc["_id"],
                debt_id=doc["debt_id"],
                channel=doc.get("channel", 0),
                state=_STATES[doc["state"]],
                provider_message_id=doc.get("provider_message_id", ""),
                text=self._messages.text_of(doc),
            )
            if doc.get("sent_at"):
                message.sent_at.FromDatetime(doc["sent_at"])
            messages.append(message)
        return pb.ListMessagesResponse(messages=messages)
