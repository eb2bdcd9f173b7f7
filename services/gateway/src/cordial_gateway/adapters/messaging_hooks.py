"""Hands verified provider notifications to messaging over gRPC, scoped to the tenant of the webhook URL."""

from __future__ import annotations

from cordial.messaging.v1 import messaging_service_pb2 as pb
from cordial.messaging.v1 import messaging_service_pb2_grpc as pb_grpc
from cordial.types.v1 import types_pb2
from cordial_core.grpc_server import CORRELATION_KEY, TENANT_KEY
from cordial_core.ids import new_id
from cordial_gateway.domain.webhooks import InboundReply, Receipt


class MessagingHooks:
    """Receipts and replies as messaging RPCs; each call carries the tenant in metadata."""

    def __init__(self, stub: pb_grpc.MessagingServiceStub) -> None:
        self._stub = stub

    async def deliver(
        self,
        tenant: str,
        provider: str,
        channel: types_pb2.Channel,
        receipts: list[Receipt],
        replies: list[InboundReply],
    ) -> None:
        """Records every receipt and reply of one notification; a failure makes the provider retry."""
        metadata = [(TENANT_KEY, tenant), (CORRELATION_KEY, new_id())]
        for receipt in receipts:
            await self._stub.RecordDeliveryReceipt(
                pb.RecordDeliveryReceiptRequest(
                    provider=provider,
                    provider_message_id=receipt.provider_message_id,
                    state=receipt.state,
                    error_code=receipt.error_code,
                ),
                metadata=metadata,
                timeout=10,
            )
        for reply in replies:
            await self._stub.RecordReply(
                pb.RecordReplyRequest(
                    channel=channel,
                    provider=provider,
                    provider_message_id=reply.provider_message_id,
                    sender=reply.sender,
                    text=reply.text,
                    in_reply_to=reply.in_reply_to,
                ),
                metadata=metadata,
                timeout=10,
            )
