"""The MessagingService servicer."""

from __future__ import annotations

import grpc

from cordial.events.v1 import messages_pb2
from cordial.messaging.v1 import messaging_service_pb2 as pb
from cordial.messaging.v1 import messaging_service_pb2_grpc as pb_grpc
from cordial.types.v1 import types_pb2
from cordial_core.context import tenant_var
from cordial_core.errors import InvalidArgument
from cordial_messaging.adapters.messages import MessageRepository
from cordial_messaging.api.convert import audit_entry_pb, stored_template, template_pb
from cordial_messaging.domain.audit import AuditTrail
from cordial_messaging.domain.catalogue import TemplateBook
from cordial_messaging.domain.composer import Creditor, Creditors, checked_creditor
from cordial_messaging.domain.inbound import Inbound, Reply

# An uncertain message is one the provider may hold: not failed, not known sent.
_STATES = {
    "pending": pb.MESSAGE_STATE_PENDING,
    "uncertain": pb.MESSAGE_STATE_PENDING,
    "sent": pb.MESSAGE_STATE_SENT,
    "failed": pb.MESSAGE_STATE_FAILED,
    "blocked": pb.MESSAGE_STATE_BLOCKED,
}


class MessagingServicer(pb_grpc.MessagingServiceServicer):
    """Messages of a debt over gRPC."""

    def __init__(
        self,
        messages: MessageRepository,
        inbound: Inbound,
        book: TemplateBook,
        creditors: Creditors,
        audit: AuditTrail,
    ) -> None:
        self._messages = messages
        self._inbound = inbound
        self._book = book
        self._creditors = creditors
        self._audit = audit

    async def ValidateTemplate(
        self, request: pb.ValidateTemplateRequest, context: grpc.aio.ServicerContext
    ) -> pb.ValidateTemplateResponse:
        """The variables of a template that may be saved; InvalidArgument naming what is wrong otherwise."""
        variables = self._book.validate(stored_template(str(tenant_var.get()), request.template))
        return pb.ValidateTemplateResponse(variables=variables)

    async def SaveTemplate(
        self, request: pb.SaveTemplateRequest, context: grpc.aio.ServicerContext
    ) -> pb.SaveTemplateResponse:
        """Saves a checked template as the next version of its name, channel and locale."""
        saved = await self._book.save(stored_template(str(tenant_var.get()), request.template))
        return pb.SaveTemplateResponse(template=template_pb(saved))

    async def ListTemplates(
        self, request: pb.ListTemplatesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListTemplatesResponse:
        """The tenant's templates."""
        templates = await self._book.list(str(tenant_var.get()), request.all_versions)
        return pb.ListTemplatesResponse(templates=[template_pb(t) for t in templates])

    async def SetCreditor(
        self, request: pb.SetCreditorRequest, context: grpc.aio.ServicerContext
    ) -> pb.SetCreditorResponse:
        """Sets the creditor's name, address and document that messages disclose."""
        given = request.creditor
        creditor = checked_creditor(Creditor(given.name, given.address, given.document))
        saved = await self._creditors.put(str(tenant_var.get()), creditor)
        stored = pb.Creditor(name=saved.name, address=saved.address, document=saved.document)
        return pb.SetCreditorResponse(creditor=stored)

    async def ListAuditEntries(
        self, request: pb.ListAuditEntriesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListAuditEntriesResponse:
        """A debt's or a debtor's audit trail of messages sent and their delivery states."""
        if not request.debt_id and not request.debtor_id:
            raise InvalidArgument("debt_id or debtor_id is required", field="debt_id")
        entries = await self._audit.entries(str(tenant_var.get()), request.debt_id, request.debtor_id)
        return pb.ListAuditEntriesResponse(entries=[audit_entry_pb(e) for e in entries])

    async def RecordDeliveryReceipt(
        self, request: pb.RecordDeliveryReceiptRequest, context: grpc.aio.ServicerContext
    ) -> pb.RecordDeliveryReceiptResponse:
        """A provider's receipt becomes message.delivery_updated, once per state."""
        _require(provider=request.provider, provider_message_id=request.provider_message_id)
        if request.state == messages_pb2.DELIVERY_STATE_UNSPECIFIED:
            raise InvalidArgument("is required", field="state")
        matched, recorded = await self._inbound.receipt(
            str(tenant_var.get()), request.provider, request.provider_message_id, request.state, request.error_code
        )
        return pb.RecordDeliveryReceiptResponse(matched=matched, recorded=recorded)

    async def RecordReply(
        self, request: pb.RecordReplyRequest, context: grpc.aio.ServicerContext
    ) -> pb.RecordReplyResponse:
        """A debtor's reply becomes reply.received (and contact.opted_out for an opt-out word)."""
        _require(provider=request.provider, provider_message_id=request.provider_message_id, sender=request.sender)
        if request.channel == types_pb2.CHANNEL_UNSPECIFIED:
            raise InvalidArgument("is required", field="channel")
        reply = Reply(
            request.channel,
            request.provider,
            request.provider_message_id,
            request.sender,
            request.text,
            request.in_reply_to,
        )
        outcome = await self._inbound.reply(str(tenant_var.get()), reply)
        return pb.RecordReplyResponse(
            matched=outcome.matched, intent=outcome.intent, confirmation_sent=outcome.confirmation_sent
        )

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
                reason=doc.get("reason", ""),
            )
            if doc.get("sent_at"):
                message.sent_at.FromDatetime(doc["sent_at"])
            messages.append(message)
        return pb.ListMessagesResponse(messages=messages)


def _require(**fields: str) -> None:
    """Names the first required field left empty."""
    for name, value in fields.items():
        if not value:
            raise InvalidArgument("is required", field=name)
