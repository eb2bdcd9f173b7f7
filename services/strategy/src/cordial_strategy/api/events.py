"""Event handlers of strategy: turn events into ruler and contact-guard calls."""

from __future__ import annotations

import logging
from datetime import UTC

from cordial.events.v1 import agreements_pb2, contacts_pb2, debts_pb2, envelope_pb2, messages_pb2, registry_pb2
from cordial.types.v1 import types_pb2
from cordial_core.bus import Handler, dispatch
from cordial_core.events import own_message_kind, unpack_payload
from cordial_core.money import Money
from cordial_strategy.adapters import metrics
from cordial_strategy.domain.case import Results
from cordial_strategy.domain.debtor import debt_key
from cordial_strategy.domain.enrichment import Enricher
from cordial_strategy.domain.guard import ContactGuard
from cordial_strategy.domain.ruler import COST_PER_CHANNEL, Escalation, Ruler

log = logging.getLogger(__name__)

TOPICS = ["debts", "contacts", "messages", "registry"]


def handlers(ruler: Ruler, guard: ContactGuard, enricher: Enricher | None = None) -> Handler:
    """The handler for the topics strategy listens to."""

    async def enrich(placed: debts_pb2.DebtPlaced) -> None:
        if enricher is None:
            return
        company = placed.debtor_kind == types_pb2.DEBTOR_KIND_COMPANY
        try:
            await enricher.debt_placed(placed.debtor_id, placed.sealed_document, company)
        except Exception:
            # Enrichment only sharpens the segment; without it the debt is still collected (asked again next time).
            log.warning("enrichment failed for debtor %s", placed.debtor_id, exc_info=True)

    async def on_debt_placed(envelope: envelope_pb2.Envelope) -> None:
        placed = unpack_payload(envelope)
        assert isinstance(placed, debts_pb2.DebtPlaced)
        await enrich(placed)
        await ruler.debt_placed(
            envelope.tenant,
            placed.debt_id,
            placed.debtor_id,
            placed.creditor_name,
            Money.from_proto(placed.balance),
            placed.time_zone,
            country=placed.debtor_country,
            state=placed.debtor_state,
            due_date=placed.due_date,
            company=placed.debtor_kind == types_pb2.DEBTOR_KIND_COMPANY,
            event_id=envelope.id,
        )

    async def on_contact_verified(envelope: envelope_pb2.Envelope) -> None:
        verified = unpack_payload(envelope)
        assert isinstance(verified, contacts_pb2.ContactVerified)
        await ruler.contact_verified(envelope.tenant, verified.debt_id, verified.debtor_id, envelope.id)

    async def on_debt_settled(envelope: envelope_pb2.Envelope) -> None:
        settled = unpack_payload(envelope)
        assert isinstance(settled, debts_pb2.DebtSettled)
        await ruler.debt_settled(envelope.tenant, settled.debt_id, settled.debtor_id)

    async def on_message_sent(envelope: envelope_pb2.Envelope) -> None:
        sent = unpack_payload(envelope)
        assert isinstance(sent, messages_pb2.MessageSent)
        await guard.message_sent(envelope.tenant, sent)
        cost = COST_PER_CHANNEL.get(sent.channel, 0)
        before: list[bool] = []  # contacted before, as the change found it (the last try's, on a retry)

        def sent_one(results: Results) -> None:
            before.append(results.contacted)
            results.message_sent(cost)

        case = await ruler.count(envelope.tenant, sent.debt_id, sent_one, envelope.id)
        metrics.count(case, "messages_sent")
        metrics.count(case, "cost", cost)
        if before and not before[-1]:
            metrics.count(case, "contacted")

    async def on_message_failed(envelope: envelope_pb2.Envelope) -> None:
        failed = unpack_payload(envelope)
        assert isinstance(failed, messages_pb2.MessageFailed)
        await guard.message_failed(failed)
        await ruler.happened(envelope.tenant, failed.debt_id, "message.failed", envelope.id)

    async def on_delivery(envelope: envelope_pb2.Envelope) -> None:
        update = unpack_payload(envelope)
        assert isinstance(update, messages_pb2.MessageDeliveryUpdated)
        # A message messaging sent on its own (an opt-out's confirmation, a validation notice) is no step of the path:
        # its delivery is not the step's outcome, and nothing follows from it.
        if update.state == messages_pb2.DELIVERY_STATE_DELIVERED and not own_message_kind(update):
            await ruler.happened(envelope.tenant, update.debt_id, "message.delivered", envelope.id)

    async def on_reply(envelope: envelope_pb2.Envelope) -> None:
        reply = unpack_payload(envelope)
        assert isinstance(reply, messages_pb2.ReplyReceived)
        await guard.reply(envelope.tenant, reply)
        if reply.debt_id and reply.intent != messages_pb2.REPLY_INTENT_NOT_ME:
            before: list[bool] = []  # the right party reached before, as the change found it

            def answered(results: Results) -> None:
                before.append(results.right_party)
                results.right_party = True

            # Counted and answered in one change of the case.
            case = await ruler.happened(envelope.tenant, reply.debt_id, "reply.received", envelope.id, answered)
            if before and not before[-1]:
                metrics.count(case, "right_party")

    async def on_payment(envelope: envelope_pb2.Envelope) -> None:
        payment = unpack_payload(envelope)
        assert isinstance(payment, debts_pb2.PaymentReceived)
        amount = payment.amount.amount_minor
        debt_id = payment.debt_id
        case = await ruler.happened(
            envelope.tenant, debt_id, "payment.received", envelope.id, lambda r: r.recovered(amount)
        )
        metrics.count(case, "recovered", amount)

    async def on_agreement_accepted(envelope: envelope_pb2.Envelope) -> None:
        accepted = unpack_payload(envelope)
        assert isinstance(accepted, agreements_pb2.AgreementAccepted)
        keys = [debt_key(envelope.tenant, d) for d in accepted.debt_ids]
        await guard.agreement_accepted(accepted.debtor_id, accepted.agreement_id, keys)
        for debt_id in accepted.debt_ids:
            case = await ruler.agreement_accepted(
                envelope.tenant,
                debt_id,
                accepted.agreement_id,
                accepted.first_due_date,
                accepted.installments,
                envelope.id,
            )
            metrics.count(case, "agreements")

    async def on_installment_paid(envelope: envelope_pb2.Envelope) -> None:
        paid = unpack_payload(envelope)
        assert isinstance(paid, agreements_pb2.AgreementInstallmentPaid)
        for debt_id in paid.debt_ids:
            await ruler.installment_paid(envelope.tenant, debt_id, paid.agreement_id, paid.number, envelope.id)

    async def on_agreement_broken(envelope: envelope_pb2.Envelope) -> None:
        broken = unpack_payload(envelope)
        assert isinstance(broken, agreements_pb2.AgreementBroken)
        keys = [debt_key(envelope.tenant, d) for d in broken.debt_ids]
        await guard.agreement_ended(broken.debtor_id, broken.agreement_id, keys, kept=False)
        for debt_id in broken.debt_ids:
            # The break is counted first, so the path resumes with the step that answers it.
            await ruler.agreement_ended(envelope.tenant, debt_id, broken.agreement_id, envelope.id, "agreement.broken")

    async def on_agreement_settled(envelope: envelope_pb2.Envelope) -> None:
        settled = unpack_payload(envelope)
        assert isinstance(settled, agreements_pb2.AgreementSettled)
        keys = [debt_key(envelope.tenant, d) for d in settled.debt_ids]
        await guard.agreement_ended(settled.debtor_id, settled.agreement_id, keys, kept=True)
        for debt_id in settled.debt_ids:
            await ruler.agreement_ended(envelope.tenant, debt_id, settled.agreement_id, envelope.id)

    async def on_opted_out(envelope: envelope_pb2.Envelope) -> None:
        opted = unpack_payload(envelope)
        assert isinstance(opted, contacts_pb2.ContactOptedOut)
        await guard.opted_out(opted.debtor_id, opted.channel, opted.source)

    async def on_debt_recalled(envelope: envelope_pb2.Envelope) -> None:
        recalled = unpack_payload(envelope)
        assert isinstance(recalled, debts_pb2.DebtRecalled)
        await ruler.debt_closed(envelope.tenant, recalled.debt_id, recalled.debtor_id, "debt recalled by the client")

    async def on_debt_written_off(envelope: envelope_pb2.Envelope) -> None:
        written_off = unpack_payload(envelope)
        assert isinstance(written_off, debts_pb2.DebtWrittenOff)
        await ruler.debt_closed(envelope.tenant, written_off.debt_id, written_off.debtor_id, "debt written off")

    async def on_notice_confirmed(envelope: envelope_pb2.Envelope) -> None:
        confirmed = unpack_payload(envelope)
        assert isinstance(confirmed, registry_pb2.BureauNoticeConfirmed)
        at = confirmed.confirmed_at.ToDatetime(tzinfo=UTC)
        await ruler.bureau_update(
            envelope.tenant, confirmed.debt_id, lambda e: setattr(e, "notice_confirmed_at", at), envelope.id
        )

    async def on_inscribed(envelope: envelope_pb2.Envelope) -> None:
        inscribed = unpack_payload(envelope)
        assert isinstance(inscribed, registry_pb2.BureauInscribed)
        await ruler.bureau_update(
            envelope.tenant, inscribed.debt_id, lambda e: setattr(e, "inscribed", True), envelope.id
        )

    async def on_removed(envelope: envelope_pb2.Envelope) -> None:
        removed = unpack_payload(envelope)
        assert isinstance(removed, registry_pb2.BureauRemoved)
        await ruler.bureau_update(envelope.tenant, removed.debt_id, lambda e: setattr(e, "removed", True), envelope.id)

    async def on_protest_notice(envelope: envelope_pb2.Envelope) -> None:
        sent = unpack_payload(envelope)
        assert isinstance(sent, registry_pb2.ProtestNoticeSent)
        at = sent.notice_sent_at.ToDatetime(tzinfo=UTC)
        until = sent.not_before.ToDatetime(tzinfo=UTC) if sent.HasField("not_before") else None

        def noticed(e: Escalation) -> None:
            e.protest_notice_at, e.protest_not_before = at, until

        await ruler.bureau_update(envelope.tenant, sent.debt_id, noticed, envelope.id)

    async def on_protested(envelope: envelope_pb2.Envelope) -> None:
        protested = unpack_payload(envelope)
        assert isinstance(protested, registry_pb2.ProtestRegistered)
        await ruler.bureau_update(
            envelope.tenant, protested.debt_id, lambda e: setattr(e, "protested", True), envelope.id
        )

    async def on_protest_cancelled(envelope: envelope_pb2.Envelope) -> None:
        cancelled = unpack_payload(envelope)
        assert isinstance(cancelled, registry_pb2.ProtestCancelled)
        if cancelled.reason == "agreement":  # settled or recalled: protest ends for good, nothing to start over
            await ruler.protest_withdrawn(envelope.tenant, cancelled.debt_id, envelope.id)

    return dispatch(
        {
            "bureau.notice_confirmed": on_notice_confirmed,
            "protest.cancelled": on_protest_cancelled,
            "protest.notice_sent": on_protest_notice,
            "protest.registered": on_protested,
            "bureau.inscribed": on_inscribed,
            "bureau.removed": on_removed,
            "debt.placed": on_debt_placed,
            "contact.verified": on_contact_verified,
            "debt.settled": on_debt_settled,
            "payment.received": on_payment,
            "message.sent": on_message_sent,
            "message.failed": on_message_failed,
            "message.delivery_updated": on_delivery,
            "agreement.accepted": on_agreement_accepted,
            "agreement.installment_paid": on_installment_paid,
            "agreement.broken": on_agreement_broken,
            "agreement.settled": on_agreement_settled,
            "reply.received": on_reply,
            "contact.opted_out": on_opted_out,
            "debt.recalled": on_debt_recalled,
            "debt.written_off": on_debt_written_off,
        }
    )
