"""Client API for offers and agreements: the menu for one debt or several of one debtor, accepting an offer,
reading and cancelling an agreement, and payments kept unapplied."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from cordial.agreements.v1 import agreements_service_pb2 as pb
from cordial.types.v1 import types_pb2
from cordial_gateway.adapters.offer_sets import strategy_offer_set
from cordial_gateway.api.deps import BackendsDep, Correlation, CurrentClient, call_metadata
from cordial_gateway.api.models import (
    AcceptIn,
    AgreementOut,
    CancelIn,
    DebtShareOut,
    InstallmentOut,
    MoneyOut,
    OfferLineOut,
    OfferOut,
    OffersIn,
    OffersOut,
    PaymentLinkOut,
    UnappliedPaymentOut,
    UnappliedPaymentsOut,
)

router = APIRouter(tags=["agreements"])


def _money(m: types_pb2.Money) -> MoneyOut:
    return MoneyOut(amount_minor=m.amount_minor, currency=m.currency)


def _installments(items: list[pb.Installment]) -> list[InstallmentOut]:
    return [
        InstallmentOut(number=i.number, due_date=i.due_date, amount=_money(i.amount), paid=_money(i.paid))
        for i in items
    ]


def offer_out(offer: pb.Offer) -> OfferOut:
    """The JSON view of an offer."""
    return OfferOut(
        id=offer.id,
        kind=offer.kind,
        debt_id=offer.debt_id,
        total=_money(offer.total),
        valid_until=offer.valid_until,
        lines=[OfferLineOut(label=line.label, amount_minor=line.amount_minor) for line in offer.lines],
        installments=_installments(list(offer.installments)),
        debt_ids=list(offer.debt_ids) or [offer.debt_id],
        terms=list(offer.terms),
    )


def agreement_out(agreement: pb.Agreement) -> AgreementOut:
    """The JSON view of an agreement."""
    return AgreementOut(
        id=agreement.id,
        state=pb.AgreementState.Name(agreement.state).removeprefix("AGREEMENT_STATE_").lower(),
        debt_ids=list(agreement.debt_ids),
        offer_id=agreement.offer_id,
        total=_money(agreement.total),
        paid=_money(agreement.paid),
        credit=_money(agreement.credit),
        grace_days=agreement.grace_days,
        installments=_installments(list(agreement.installments)),
        payment_links=[
            PaymentLinkOut(
                installment=link.installment,
                amount=_money(link.amount),
                due_date=link.due_date,
                txid=link.txid,
                pix_copia_e_cola=link.pix_copia_e_cola,
                boleto_digitable_line=link.boleto_digitable_line,
                boleto_barcode=link.boleto_barcode,
            )
            for link in agreement.payment_links
        ],
        shares=[
            DebtShareOut(debt_id=share.debt_id, amount=_money(share.amount), paid=_money(share.paid))
            for share in agreement.shares
        ],
        cancel_reason=agreement.cancel_reason,
        valid_until=agreement.valid_until,
    )


def unapplied_out(payment: pb.UnappliedPayment) -> UnappliedPaymentOut:
    """The JSON view of a payment kept unapplied."""
    return UnappliedPaymentOut(
        id=payment.id,
        reference=payment.reference,
        txid=payment.txid,
        debt_id=payment.debt_id,
        amount=_money(payment.amount),
        source=payment.source,
        reason=payment.reason,
        detail=payment.detail,
        received_at=payment.received_at.ToJsonString(),
    )


@router.get("/v1/debts/{debt_id}/offers")
async def list_offers(debt_id: str, client: CurrentClient, wired: BackendsDep) -> OffersOut:
    """Today's menu for a debt: in full, then the plans of the debt's treatment step (the strategy's offer set;
    3, 6, 12 by default) that the client's policy allows, with the set's down payment and discounts within the
    policy (each offer's `terms` says what was asked and what applies)."""
    metadata = call_metadata(client)
    counts, terms = await strategy_offer_set(wired.strategy, metadata, debt_id)
    request = pb.ListOffersRequest(debt_id=debt_id, installment_counts=counts, terms=terms)
    reply = await wired.agreements.ListOffers(request, metadata=metadata)
    return OffersOut(debt_id=debt_id, offers=[offer_out(o) for o in reply.offers])


@router.post("/v1/offers")
async def list_offers_for_debts(body: OffersIn, client: CurrentClient, wired: BackendsDep) -> OffersOut:
    """Today's menu for several debts of one debtor together: each offer covers them all in one agreement.

    The plans are the ones asked for, else those of the first debt's treatment step (the strategy's offer set,
    with its down payment and discounts within the policy).
    """
    metadata = call_metadata(client)
    counts, terms = list(body.installment_counts), None
    if not counts:
        counts, terms = await strategy_offer_set(wired.strategy, metadata, body.debt_ids[0])
    request = pb.ListOffersRequest(debt_ids=body.debt_ids, installment_counts=counts, terms=terms)
    reply = await wired.agreements.ListOffers(request, metadata=metadata)
    return OffersOut(debt_id=body.debt_ids[0], offers=[offer_out(o) for o in reply.offers])


@router.post("/v1/agreements", status_code=201)
async def accept_any_offer(
    body: AcceptIn, client: CurrentClient, wired: BackendsDep, response: Response, correlation: Correlation = None
) -> AgreementOut:
    """Accepts an offer by id, over every debt it covers; the same offer again returns the same agreement (200)."""
    request = pb.AcceptOfferRequest(offer_id=body.offer_id)
    reply = await wired.agreements.AcceptOffer(request, metadata=call_metadata(client, correlation))
    if not reply.created:
        response.status_code = 200
    return agreement_out(reply.agreement)


@router.post("/v1/agreements/proposals", status_code=201)
async def propose_offer(
    body: AcceptIn, client: CurrentClient, wired: BackendsDep, response: Response, correlation: Correlation = None
) -> AgreementOut:
    """Proposes an offer as an agreement: it holds its debts until the debtor accepts it or the offer expires."""
    request = pb.ProposeOfferRequest(offer_id=body.offer_id)
    reply = await wired.agreements.ProposeOffer(request, metadata=call_metadata(client, correlation))
    if not reply.created:
        response.status_code = 200
    return agreement_out(reply.agreement)


@router.post("/v1/agreements/{agreement_id}/accept")
async def accept_agreement(
    agreement_id: str, client: CurrentClient, wired: BackendsDep, correlation: Correlation = None
) -> AgreementOut:
    """The debtor accepts a proposed agreement; after its offer expired it is cancelled and refused (422)."""
    request = pb.AcceptAgreementRequest(agreement_id=agreement_id)
    reply = await wired.agreements.AcceptAgreement(request, metadata=call_metadata(client, correlation))
    return agreement_out(reply.agreement)


@router.post("/v1/agreements/{agreement_id}/cancel")
async def cancel_agreement(
    agreement_id: str, body: CancelIn, client: CurrentClient, wired: BackendsDep, correlation: Correlation = None
) -> AgreementOut:
    """Calls off a proposed, accepted or active agreement; its debts go back to collection; twice changes nothing."""
    request = pb.CancelAgreementRequest(agreement_id=agreement_id, reason=body.reason)
    reply = await wired.agreements.CancelAgreement(request, metadata=call_metadata(client, correlation))
    return agreement_out(reply.agreement)


@router.get("/v1/payments/unapplied")
async def unapplied_payments(
    client: CurrentClient, wired: BackendsDep, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> UnappliedPaymentsOut:
    """Payments that arrived for the client but could not be applied, newest first, each with the reason."""
    request = pb.ListUnappliedPaymentsRequest(limit=limit)
    reply = await wired.agreements.ListUnappliedPayments(request, metadata=call_metadata(client))
    return UnappliedPaymentsOut(payments=[unapplied_out(p) for p in reply.payments])


@router.post("/v1/debts/{debt_id}/agreements", status_code=201)
async def accept_offer(
    debt_id: str,
    body: AcceptIn,
    client: CurrentClient,
    wired: BackendsDep,
    response: Response,
    correlation: Correlation = None,
) -> AgreementOut:
    """Accepts an offer by id; the same offer again returns the same agreement with 200; an expired one is 422."""
    request = pb.AcceptOfferRequest(debt_id=debt_id, offer_id=body.offer_id)
    reply = await wired.agreements.AcceptOffer(request, metadata=call_metadata(client, correlation))
    if not reply.created:
        response.status_code = 200
    return agreement_out(reply.agreement)


@router.get("/v1/agreements/{agreement_id}")
async def get_agreement(agreement_id: str, client: CurrentClient, wired: BackendsDep) -> AgreementOut:
    """One of the client's agreements with each installment and what was paid against it."""
    request = pb.GetAgreementRequest(agreement_id=agreement_id)
    reply = await wired.agreements.GetAgreement(request, metadata=call_metadata(client))
    return agreement_out(reply.agreement)
