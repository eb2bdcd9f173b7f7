"""Wire forms of negotiation policies, offers and agreements."""

from __future__ import annotations

from cordial.agreements.v1 import agreements_service_pb2 as pb
from cordial.types.v1 import types_pb2
from cordial_agreements.domain.agreement import Agreement, AgreementState
from cordial_agreements.domain.negotiation import Quote, UnappliedPayment
from cordial_agreements.domain.offers import DiscountBand, Installment, NegotiationPolicy, OfferTerms
from cordial_agreements.domain.payment_links import PaymentLink
from cordial_agreements.domain.standing import Standing, StandingKind

_STATES = {state: getattr(pb, f"AGREEMENT_STATE_{state.name}") for state in AgreementState}
_STANDINGS = {kind: getattr(pb, f"DEBT_STANDING_{kind.name}") for kind in StandingKind}


def negotiation_from_proto(message: pb.NegotiationPolicy) -> NegotiationPolicy:
    """A negotiation policy from the wire, validated field by field when built."""
    return NegotiationPolicy(
        bands=tuple(
            DiscountBand(b.min_days_past_due, b.fees_discount_bps, b.interest_discount_bps, b.principal_discount_bps)
            for b in message.bands
        ),
        min_down_payment_bps=message.min_down_payment_bps,
        max_installments=message.max_installments,
        min_installment_minor=message.min_installment_minor,
        offer_validity_days=message.offer_validity_days,
        grace_days=message.grace_days,
        max_renegotiations=message.max_renegotiations if message.HasField("max_renegotiations") else 1,
        renegotiation_down_payment_bps=message.renegotiation_down_payment_bps,
    )


def negotiation_to_proto(policy: NegotiationPolicy) -> pb.NegotiationPolicy:
    """The wire form of a negotiation policy."""
    return pb.NegotiationPolicy(
        bands=[
            pb.DiscountBand(
                min_days_past_due=b.min_days_past_due,
                fees_discount_bps=b.fees_discount_bps,
                interest_discount_bps=b.interest_discount_bps,
                principal_discount_bps=b.principal_discount_bps,
            )
            for b in policy.bands
        ],
        min_down_payment_bps=policy.min_down_payment_bps,
        max_installments=policy.max_installments,
        min_installment_minor=policy.min_installment_minor,
        offer_validity_days=policy.offer_validity_days,
        grace_days=policy.grace_days,
        max_renegotiations=policy.max_renegotiations,
        renegotiation_down_payment_bps=policy.renegotiation_down_payment_bps,
    )


def _installment(i: Installment, currency: str, paid: int = 0) -> pb.Installment:
    return pb.Installment(
        number=i.number,
        due_date=i.due_date.isoformat(),
        amount=types_pb2.Money(amount_minor=i.amount_minor, currency=currency),
        paid=types_pb2.Money(amount_minor=paid, currency=currency),
    )


def quote_to_proto(quote: Quote) -> pb.Offer:
    """An offer as shown, with its explaining lines."""
    offer = quote.offer
    return pb.Offer(
        id=quote.id,
        kind=quote.kind,
        debt_id=quote.debt_id,
        installments=[_installment(i, offer.currency) for i in offer.installments],
        lines=[pb.OfferLine(label=label, amount_minor=amount) for label, amount in offer.lines],
        total=types_pb2.Money(amount_minor=offer.total_minor, currency=offer.currency),
        valid_until=offer.valid_until.isoformat(),
        debt_ids=list(quote.debts),
        terms=list(offer.terms),
    )


def terms_from_proto(request: pb.ListOffersRequest) -> OfferTerms | None:
    """The offer set's terms a menu request carries; None when it asks for none (the policy's)."""
    if not request.HasField("terms"):
        return None
    t = request.terms
    terms = OfferTerms(
        t.offer_set,
        *(
            getattr(t, name) if t.HasField(name) else None
            for name in ("down_payment_bps", "fees_discount_bps", "interest_discount_bps", "principal_discount_bps")
        ),
    )
    return terms if terms.asks else None


def agreement_to_proto(agreement: Agreement) -> pb.Agreement:
    """An agreement and what was paid against each installment."""
    currency = agreement.currency

    def money(amount: int) -> types_pb2.Money:
        return types_pb2.Money(amount_minor=amount, currency=currency)

    return pb.Agreement(
        id=agreement.id,
        debtor_id=agreement.debtor_id,
        debt_ids=list(agreement.debt_ids),
        state=_STATES[agreement.state],
        installments=[_installment(i, currency, agreement.paid.get(i.number, 0)) for i in agreement.installments],
        total=money(agreement.total),
        paid=money(sum(agreement.paid.values())),
        credit=money(agreement.credit),
        offer_id=agreement.offer_id,
        grace_days=agreement.grace_days,
        payment_links=[_link(link, currency) for _, link in sorted(agreement.links.items())],
        shares=[
            pb.DebtShare(debt_id=d, amount=money(amount), paid=money(agreement.applied.get(d, 0)))
            for d, amount in agreement.shares.items()
        ],
        cancel_reason=agreement.cancel_reason,
        valid_until=agreement.valid_until.isoformat() if agreement.valid_until else "",
    )


def unapplied_to_proto(payment: UnappliedPayment) -> pb.UnappliedPayment:
    """A payment kept unapplied, with the reason."""
    message = pb.UnappliedPayment(
        id=payment.id,
        reference=payment.reference,
        txid=payment.txid,
        debt_id=payment.debt_id,
        amount=payment.amount.to_proto(),
        source=payment.source,
        reason=payment.reason,
        detail=payment.detail,
    )
    message.received_at.FromDatetime(payment.received_at)
    return message


def _link(link: PaymentLink, currency: str) -> pb.PaymentLink:
    return pb.PaymentLink(
        installment=link.installment,
        txid=link.txid,
        pix_copia_e_cola=link.pix_copia_e_cola,
        pix_location=link.pix_location,
        boleto_barcode=link.boleto_barcode,
        boleto_digitable_line=link.boleto_line,
        amount=types_pb2.Money(amount_minor=link.amount_minor, currency=currency),
        due_date=link.due_date.isoformat(),
    )


def standing_to_proto(standing: Standing) -> pb.GetDebtStandingResponse:
    """A debt's standing, with its agreement and next installment when it has them."""
    reply = pb.GetDebtStandingResponse(
        debt_id=standing.debt_id, standing=_STANDINGS[standing.kind], detail=standing.detail
    )
    agreement, unpaid = standing.agreement, standing.next_installment
    if agreement is not None and standing.kind != StandingKind.SETTLED:
        reply.agreement_id, reply.installments = agreement.id, len(agreement.installments)
        if unpaid is not None:
            paid = agreement.paid.get(unpaid.number, 0)
            reply.next_installment.CopyFrom(_installment(unpaid, agreement.currency, paid))
    return reply
