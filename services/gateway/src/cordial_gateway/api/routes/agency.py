"""Agency API: what the agency's own staff configure."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from cordial.agreements.v1 import agreements_service_pb2 as pb
from cordial_gateway.adapters.clients import Client
from cordial_gateway.api.deps import BackendsDep, Correlation, call_metadata, require_admin
from cordial_gateway.api.models import (
    BalancePolicyIn,
    BalancePolicyOut,
    CheckOut,
    ClientIn,
    ClientOut,
    DebtOut,
    NegotiationPolicyIn,
    NegotiationPolicyOut,
    UnappliedPaymentsOut,
    WriteOffIn,
)
from cordial_gateway.api.routes.agreements import unapplied_out
from cordial_gateway.api.routes.debts import debt_out
from cordial_gateway.api.routes.templates import CreditorIn, set_creditor

router = APIRouter(prefix="/agency/v1", tags=["agency"], dependencies=[Depends(require_admin)])


@router.post("/clients", status_code=201)
async def create_client(body: ClientIn, wired: BackendsDep) -> ClientOut:
    """Creates a creditor client and returns its API key once; its address and document go to messaging."""
    client, key = await wired.clients.create(body.name)
    if body.creditor is not None:
        await set_creditor(client.id, CreditorIn(name=body.name, **body.creditor.model_dump()), wired)
    return ClientOut(client_id=client.id, name=client.name, api_key=key)


def _policy_out(policy: pb.BalancePolicy) -> BalancePolicyOut:
    return BalancePolicyOut(
        late_fee_bps=policy.late_fee_bps,
        monthly_interest_bps=policy.monthly_interest_bps,
        index_name=policy.index_name,
        monthly_factors=dict(policy.monthly_factors),
    )


@router.put("/clients/{client_id}/balance-policy")
async def set_balance_policy(client_id: str, body: BalancePolicyIn, wired: BackendsDep) -> BalancePolicyOut:
    """Sets a client's late fee, interest and correction index (factors as exact decimal strings)."""
    request = pb.SetBalancePolicyRequest(policy=pb.BalancePolicy(**body.model_dump()))
    reply = await wired.agreements.SetBalancePolicy(request, metadata=call_metadata(Client(client_id, "")))
    return _policy_out(reply.policy)


@router.get("/clients/{client_id}/balance-policy")
async def get_balance_policy(client_id: str, wired: BackendsDep) -> BalancePolicyOut:
    """A client's balance policy; no charges until one is set."""
    reply = await wired.agreements.GetBalancePolicy(
        pb.GetBalancePolicyRequest(), metadata=call_metadata(Client(client_id, ""))
    )
    return _policy_out(reply.policy)


@router.post("/clients/{client_id}/debts/{debt_id}/write-off")
async def write_off_debt(
    client_id: str, debt_id: str, body: WriteOffIn, wired: BackendsDep, correlation: Correlation = None
) -> DebtOut:
    """Stops collecting a debt; what was owed is kept in the event."""
    request = pb.WriteOffDebtRequest(debt_id=debt_id, reason=body.reason)
    reply = await wired.agreements.WriteOffDebt(request, metadata=call_metadata(Client(client_id, ""), correlation))
    return debt_out(reply.debt)


def _negotiation_out(policy: pb.NegotiationPolicy, configured: bool = True) -> NegotiationPolicyOut:
    return NegotiationPolicyOut.model_validate(
        {
            "bands": [
                {
                    "min_days_past_due": b.min_days_past_due,
                    "fees_discount_bps": b.fees_discount_bps,
                    "interest_discount_bps": b.interest_discount_bps,
                    "principal_discount_bps": b.principal_discount_bps,
                }
                for b in policy.bands
            ],
            "min_down_payment_bps": policy.min_down_payment_bps,
            "max_installments": policy.max_installments,
            "min_installment_minor": policy.min_installment_minor,
            "offer_validity_days": policy.offer_validity_days,
            "grace_days": policy.grace_days,
            "max_renegotiations": policy.max_renegotiations,
            "renegotiation_down_payment_bps": policy.renegotiation_down_payment_bps,
            "configured": configured,
        }
    )


@router.put("/clients/{client_id}/negotiation-policy")
async def set_negotiation_policy(
    client_id: str, body: NegotiationPolicyIn, wired: BackendsDep, portfolio: str = ""
) -> NegotiationPolicyOut:
    """Sets what a client lets the agency offer (for one portfolio with ?portfolio=); contradictions are 422."""
    policy = pb.NegotiationPolicy(
        bands=[pb.DiscountBand(**band.model_dump()) for band in body.bands],
        **body.model_dump(exclude={"bands"}),
    )
    request = pb.SetNegotiationPolicyRequest(policy=policy, portfolio=portfolio)
    reply = await wired.agreements.SetNegotiationPolicy(request, metadata=call_metadata(Client(client_id, "")))
    return _negotiation_out(reply.policy)


@router.get("/clients/{client_id}/negotiation-policy")
async def get_negotiation_policy(client_id: str, wired: BackendsDep, portfolio: str = "") -> NegotiationPolicyOut:
    """A client's negotiation policy (a portfolio's own, else the client's); pay in full until one is set."""
    request = pb.GetNegotiationPolicyRequest(portfolio=portfolio)
    reply = await wired.agreements.GetNegotiationPolicy(request, metadata=call_metadata(Client(client_id, "")))
    return _negotiation_out(reply.policy, reply.configured)


@router.post("/clients/{client_id}/agreements/check")
async def check_agreements(client_id: str, wired: BackendsDep) -> CheckOut:
    """Breaks the client's agreements with an installment overdue past the grace days (also done periodically)."""
    reply = await wired.agreements.CheckAgreements(
        pb.CheckAgreementsRequest(), metadata=call_metadata(Client(client_id, ""))
    )
    return CheckOut(broken=list(reply.broken))


@router.get("/clients/{client_id}/payments/unapplied")
async def unapplied_payments(
    client_id: str, wired: BackendsDep, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> UnappliedPaymentsOut:
    """A client's payments that arrived but could not be applied, newest first, each with the reason."""
    request = pb.ListUnappliedPaymentsRequest(limit=limit)
    reply = await wired.agreements.ListUnappliedPayments(request, metadata=call_metadata(Client(client_id, "")))
    return UnappliedPaymentsOut(payments=[unapplied_out(p) for p in reply.payments])
