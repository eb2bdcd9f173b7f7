"""Event handlers of contact-locator: turn events into directory calls."""

from __future__ import annotations

import logging

from cordial.events.v1 import contacts_pb2, debts_pb2, envelope_pb2, messages_pb2
from cordial.types.v1 import types_pb2
from cordial_contact_locator.domain.directory import Directory
from cordial_contact_locator.domain.enrichment import ContactEnricher
from cordial_contact_locator.domain.intake import ContactIntake
from cordial_contact_locator.domain.reachability import delivery_outcome, says_not_on_whatsapp
from cordial_core.bus import Handler, dispatch
from cordial_core.events import unpack_payload

log = logging.getLogger(__name__)


def handlers(
    directory: Directory, intake: ContactIntake | None = None, enricher: ContactEnricher | None = None
) -> Handler:
    """The handler for the topics contact-locator listens to."""
    # The intake records points and has their phones verified (when verification is configured).
    intake = intake or ContactIntake(directory, None)

    async def enrich(tenant: str, placed: debts_pb2.DebtPlaced) -> None:
        if enricher is None:
            return
        company = placed.debtor_kind == types_pb2.DEBTOR_KIND_COMPANY
        try:
            found = await enricher.debt_placed(
                tenant, placed.debt_id, placed.debtor_id, placed.sealed_document, company
            )
        except Exception:
            # The client's own points are recorded already; the provider is asked again with the next debt.
            log.warning("enrichment failed for debtor %s", placed.debtor_id, exc_info=True)
            return
        await intake.verify(tenant, found)

    async def on_debt_placed(envelope: envelope_pb2.Envelope) -> None:
        placed = unpack_payload(envelope)
        assert isinstance(placed, debts_pb2.DebtPlaced)
        supplied = [(c.kind, c.value) for c in placed.contact_points]
        await intake.record(envelope.tenant, placed.debt_id, placed.debtor_id, supplied, source="client")
        await enrich(envelope.tenant, placed)

    async def on_contacts_added(envelope: envelope_pb2.Envelope) -> None:
        added = unpack_payload(envelope)
        assert isinstance(added, debts_pb2.DebtContactsAdded)
        supplied = [(c.kind, c.value) for c in added.contact_points]
        await intake.record(envelope.tenant, added.debt_id, added.debtor_id, supplied, source="client")

    async def on_opted_out(envelope: envelope_pb2.Envelope) -> None:
        opted = unpack_payload(envelope)
        assert isinstance(opted, contacts_pb2.ContactOptedOut)
        await directory.opt_out(envelope.tenant, opted.contact_point_id, opted.channel, opted.source)

    async def on_delivery(envelope: envelope_pb2.Envelope) -> None:
        update = unpack_payload(envelope)
        assert isinstance(update, messages_pb2.MessageDeliveryUpdated)
        if says_not_on_whatsapp(update.channel, update.state, update.error_code):
            await directory.not_on_whatsapp(envelope.tenant, update.contact_point_id, update.channel, envelope.id)
            return
        outcome = delivery_outcome(update.state)
        if outcome is not None:
            await directory.learn(envelope.tenant, update.contact_point_id, update.channel, outcome, envelope.id)

    async def on_sent(envelope: envelope_pb2.Envelope) -> None:
        sent = unpack_payload(envelope)
        assert isinstance(sent, messages_pb2.MessageSent)
        await directory.contacted(envelope.tenant, sent.contact_point_id, sent.channel, sent.provider, envelope.id)

    async def on_reply(envelope: envelope_pb2.Envelope) -> None:
        reply = unpack_payload(envelope)
        assert isinstance(reply, messages_pb2.ReplyReceived)
        if reply.intent == messages_pb2.REPLY_INTENT_NOT_ME:
            await directory.not_me(envelope.tenant, reply.contact_point_id, reply.channel, envelope.id)
            return
        await directory.learn(envelope.tenant, reply.contact_point_id, reply.channel, "replied", envelope.id)
        offered = [(c.kind, c.value) for c in reply.offered_contacts]
        if offered:
            await intake.record(envelope.tenant, reply.debt_id, reply.debtor_id, offered, source="debtor")

    return dispatch(
        {
            "debt.placed": on_debt_placed,
            "debt.contacts_added": on_contacts_added,
            "contact.opted_out": on_opted_out,
            "message.delivery_updated": on_delivery,
            "reply.received": on_reply,
            "message.sent": on_sent,
        }
    )
