"""The AgreementsService servicer: turns gRPC requests into ledger calls."""

from __future__ import annotations

from datetime import date

import grpc

from cordial.agreements.v1 import agreements_service_pb2 as pb
from cordial.agreements.v1 import agreements_service_pb2_grpc as pb_grpc
from cordial.types.v1 import types_pb2
from cordial_agreements.api.wire import (
    agreement_to_proto,
    negotiation_from_proto,
    negotiation_to_proto,
    quote_to_proto,
    standing_to_proto,
    terms_from_proto,
    unapplied_to_proto,
)
from cordial_agreements.domain.balance import BalancePolicy, Breakdown, IndexTable
from cordial_agreements.domain.debt import Address, Debt, Debtor, DebtStatus, Payment
from cordial_agreements.domain.ledger import Ledger, Placement
from cordial_agreements.domain.negotiation import Negotiation, UnappliedPayment
from cordial_agreements.domain.standing import DebtStandings
from cordial_core.context import tenant_var
from cordial_core.errors import DomainError, InvalidArgument
from cordial_core.money import Money

_STATUS = {
    DebtStatus.PLACED: pb.DEBT_STATUS_PLACED,
    DebtStatus.IN_COLLECTION: pb.DEBT_STATUS_IN_COLLECTION,
    DebtStatus.IN_AGREEMENT: pb.DEBT_STATUS_IN_AGREEMENT,
    DebtStatus.SETTLED: pb.DEBT_STATUS_SETTLED,
    DebtStatus.RECALLED: pb.DEBT_STATUS_RECALLED,
    DebtStatus.WRITTEN_OFF: pb.DEBT_STATUS_WRITTEN_OFF,
}

_STATUS_NAMES = {proto: status.value for status, proto in _STATUS.items()}


def _tenant() -> str:
    tenant = tenant_var.get()
    assert tenant, "the interceptor binds the tenant"
    return tenant


def _money(message: types_pb2.Money, field: str) -> Money:
    try:
        return Money.from_proto(message)
    except ValueError as exc:
        raise InvalidArgument(str(exc), field=f"{field}.currency") from None


def _date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidArgument("must be an ISO date (YYYY-MM-DD)", field=field) from None


def _optional_date(value: str, field: str) -> date | None:
    return _date(value, field) if value else None


def _address(message: pb.Address) -> Address | None:
    if not message.ByteSize():
        return None
    return Address(
        street=message.street,
        number=message.number,
        complement=message.complement,
        district=message.district,
        city=message.city,
        state=message.state,
        postal_code=message.postal_code,
        country=message.country or "BR",
    )


def debtor_from_proto(message: pb.Debtor) -> Debtor:
    """The debtor of a placement request."""
    kind = "company" if message.kind == types_pb2.DEBTOR_KIND_COMPANY else "person"
    return Debtor(
        kind,
        message.document,
        message.name,
        message.time_zone,
        birth_date=_optional_date(message.birth_date, "debtor.birth_date"),
        address=_address(message.address),
    )


def breakdown_to_proto(b: Breakdown) -> pb.Balance:
    """A balance line by line."""

    def money(amount: int) -> types_pb2.Money:
        return types_pb2.Money(amount_minor=amount, currency=b.currency)

    return pb.Balance(
        as_of=b.as_of.isoformat(),
        principal=money(b.principal),
        correction=money(b.correction),
        late_fee=money(b.late_fee),
        interest=money(b.interest),
        paid=money(b.paid),
        total=money(b.total),
        overpaid=money(b.overpaid),
        days_late=b.days_late,
        months_corrected=b.months_corrected,
        late_fee_bps=b.late_fee_bps,
        monthly_interest_bps=b.monthly_interest_bps,
        index_name=b.index_name,
    )


def policy_to_proto(policy: BalancePolicy) -> pb.BalancePolicy:
    """The wire form of a balance policy; factors as exact decimal strings."""
    index = policy.correction
    return pb.BalancePolicy(
        late_fee_bps=policy.late_fee_bps,
        monthly_interest_bps=policy.monthly_interest_bps,
        index_name=index.name if index else "",
        monthly_factors={k: str(v) for k, v in index.monthly_factors.items()} if index else {},
    )


def policy_from_proto(message: pb.BalancePolicy) -> BalancePolicy:
    """A balance policy from the wire, validated."""
    factors = dict(message.monthly_factors)
    if factors and not message.index_name:
        raise InvalidArgument("names the index the factors belong to, e.g. IPCA", field="index_name")
    index = IndexTable.parse(message.index_name, factors) if message.index_name else None
    return BalancePolicy(message.late_fee_bps, message.monthly_interest_bps, index)


def payment_to_proto(payment: Payment) -> pb.PaymentRecord:
    """A payment recorded against a debt."""
    message = pb.PaymentRecord(
        id=payment.id, reference=payment.reference, amount=payment.amount.to_proto(), source=payment.source
    )
    message.received_at.FromDatetime(payment.received_at)
    return message


def debt_to_proto(debt: Debt, balance: Breakdown) -> pb.Debt:
    """The tenant's view of a debt, without personal data, with its balance as of a day."""
    message = pb.Debt(
        id=debt.id,
        client_reference=debt.client_reference,
        debtor_id=debt.debtor_id,
        status=_STATUS[debt.status],
        principal=debt.principal.to_proto(),
        balance=Money(balance.total, balance.currency).to_proto(),
        paid=debt.paid.to_proto(),
        due_date=debt.due_date.isoformat(),
        portfolio=debt.portfolio,
        product=debt.product,
        origin_date=debt.origin_date.isoformat() if debt.origin_date else "",
    )
    message.placed_at.FromDatetime(debt.placed_at)
    if debt.settled_at is not None:
        message.settled_at.FromDatetime(debt.settled_at)
    return message


def placement_from_proto(request: pb.PlaceDebtRequest) -> Placement:
    """A placement from the wire; bad dates and currencies name their field."""
    return Placement(
        client_reference=request.client_reference,
        debtor=debtor_from_proto(request.debtor),
        principal=_money(request.principal, "principal"),
        due_date=_date(request.due_date, "due_date"),
        creditor_name=request.creditor_name,
        contact_points=[(c.kind, c.value) for c in request.contact_points],
        portfolio=request.portfolio,
        product=request.product,
        origin_date=_optional_date(request.origin_date, "origin_date"),
    )


class AgreementsServicer(pb_grpc.AgreementsServiceServicer):
    """Debts, payments, offers and agreements over gRPC."""

    def __init__(self, ledger: Ledger, negotiation: Negotiation, standings: DebtStandings) -> None:
        self._ledger = ledger
        self._negotiation = negotiation
        self._standings = standings

    async def PlaceDebt(self, request: pb.PlaceDebtRequest, context: grpc.aio.ServicerContext) -> pb.PlaceDebtResponse:
        """Places a debt, once per client reference."""
        debt, created = await self._ledger.place(_tenant(), placement_from_proto(request))
        return pb.PlaceDebtResponse(debt=await self._view(debt), created=created)

    async def PlaceDebts(
        self, request: pb.PlaceDebtsRequest, context: grpc.aio.ServicerContext
    ) -> pb.PlaceDebtsResponse:
        """Places each item on its own in few round trips; a refused item names its field, never stops the others."""
        results: list[pb.PlaceDebtResult] = []
        valid: list[tuple[int, Placement]] = []
        for index, item in enumerate(request.items):
            try:
                valid.append((index, placement_from_proto(item)))
            except DomainError as exc:
                results.append(pb.PlaceDebtResult(index=index, error_field=exc.field or "", error_reason=exc.message))
        placed = await self._ledger.place_many(_tenant(), [p for _, p in valid])
        for (index, _), (debt, created, field, reason) in zip(valid, placed, strict=True):
            if debt is None:
                results.append(pb.PlaceDebtResult(index=index, error_field=field, error_reason=reason))
            else:
                results.append(pb.PlaceDebtResult(index=index, debt_id=debt.id, created=created))
        results.sort(key=lambda r: r.index)
        return pb.PlaceDebtsResponse(results=results)

    async def GetDebt(self, request: pb.GetDebtRequest, context: grpc.aio.ServicerContext) -> pb.GetDebtResponse:
        """One debt of the calling tenant with today's balance, its agreements and its payments."""
        debt, balance = await self._ledger.balance(_tenant(), request.debt_id)
        agreements = await self._negotiation.of_debt(debt.tenant, debt.id)
        return pb.GetDebtResponse(
            debt=debt_to_proto(debt, balance),
            balance=breakdown_to_proto(balance),
            agreements=[agreement_to_proto(a) for a in agreements],
            payments=[payment_to_proto(p) for p in debt.payments],
        )

    async def ListDebts(self, request: pb.ListDebtsRequest, context: grpc.aio.ServicerContext) -> pb.ListDebtsResponse:
        """A page of the calling tenant's debts."""
        status = _STATUS_NAMES.get(request.status, "")
        debts, cursor = await self._ledger.page(_tenant(), status, request.portfolio, request.cursor, request.page_size)
        policy = await self._ledger.balance_policy(_tenant())
        views = [debt_to_proto(d, d.breakdown(policy, self._ledger.today(d))) for d in debts]
        return pb.ListDebtsResponse(debts=views, next_cursor=cursor)

    async def UpdateDebt(
        self, request: pb.UpdateDebtRequest, context: grpc.aio.ServicerContext
    ) -> pb.UpdateDebtResponse:
        """Corrects the principal and adds contact points."""
        principal = _money(request.principal, "principal") if request.HasField("principal") else None
        contacts = [(c.kind, c.value) for c in request.contact_points]
        debt, changed = await self._ledger.update(_tenant(), request.debt_id, principal, request.reason, contacts)
        return pb.UpdateDebtResponse(debt=await self._view(debt), changed=changed)

    async def GetBalance(
        self, request: pb.GetBalanceRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetBalanceResponse:
        """The balance of a debt as of a date, line by line."""
        as_of = _optional_date(request.as_of, "as_of")
        _, balance = await self._ledger.balance(_tenant(), request.debt_id, as_of)
        return pb.GetBalanceResponse(balance=breakdown_to_proto(balance))

    async def SetBalancePolicy(
        self, request: pb.SetBalancePolicyRequest, context: grpc.aio.ServicerContext
    ) -> pb.SetBalancePolicyResponse:
        """Replaces the calling client's balance policy."""
        policy = await self._ledger.set_balance_policy(_tenant(), policy_from_proto(request.policy))
        return pb.SetBalancePolicyResponse(policy=policy_to_proto(policy))

    async def GetBalancePolicy(
        self, request: pb.GetBalancePolicyRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetBalancePolicyResponse:
        """The calling client's balance policy."""
        return pb.GetBalancePolicyResponse(policy=policy_to_proto(await self._ledger.balance_policy(_tenant())))

    async def RecallDebt(
        self, request: pb.RecallDebtRequest, context: grpc.aio.ServicerContext
    ) -> pb.RecallDebtResponse:
        """The client takes a debt back."""
        debt, changed = await self._negotiation.recall(_tenant(), request.debt_id, request.reason)
        return pb.RecallDebtResponse(debt=await self._view(debt), changed=changed)

    async def WriteOffDebt(
        self, request: pb.WriteOffDebtRequest, context: grpc.aio.ServicerContext
    ) -> pb.WriteOffDebtResponse:
        """The agency stops collecting a debt."""
        debt, changed = await self._negotiation.write_off(_tenant(), request.debt_id, request.reason)
        return pb.WriteOffDebtResponse(debt=await self._view(debt), changed=changed)

    async def _view(self, debt: Debt) -> pb.Debt:
        policy = await self._ledger.balance_policy(debt.tenant)
        return debt_to_proto(debt, debt.breakdown(policy, self._ledger.today(debt)))

    async def RecordPayment(
        self, request: pb.RecordPaymentRequest, context: grpc.aio.ServicerContext
    ) -> pb.RecordPaymentResponse:
        """Records a payment, once per payment reference; kept unapplied when asked and it cannot be applied."""
        amount = _money(request.amount, "amount")
        args = (_tenant(), request.debt_id, amount, request.payment_reference, request.source, request.txid)
        if not request.keep_unapplied:
            debt, payment, created = await self._negotiation.record_payment(*args)
            return pb.RecordPaymentResponse(debt=await self._view(debt), payment_id=payment.id, created=created)
        outcome = await self._negotiation.record_or_keep(*args)
        if isinstance(outcome[0], UnappliedPayment):
            return pb.RecordPaymentResponse(unapplied=unapplied_to_proto(outcome[0]), created=outcome[1])
        debt, payment, created = outcome
        return pb.RecordPaymentResponse(debt=await self._view(debt), payment_id=payment.id, created=created)

    async def SetNegotiationPolicy(
        self, request: pb.SetNegotiationPolicyRequest, context: grpc.aio.ServicerContext
    ) -> pb.SetNegotiationPolicyResponse:
        """Replaces the calling client's (or one portfolio's) negotiation policy."""
        policy = negotiation_from_proto(request.policy)
        saved = await self._negotiation.set_policy(_tenant(), policy, request.portfolio)
        return pb.SetNegotiationPolicyResponse(policy=negotiation_to_proto(saved))

    async def GetNegotiationPolicy(
        self, request: pb.GetNegotiationPolicyRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetNegotiationPolicyResponse:
        """The calling client's negotiation policy for a portfolio."""
        policy, configured = await self._negotiation.policy(_tenant(), request.portfolio)
        return pb.GetNegotiationPolicyResponse(policy=negotiation_to_proto(policy), configured=configured)

    async def ListOffers(
        self, request: pb.ListOffersRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListOffersResponse:
        """Today's menu for a debt."""
        counts, debt_ids = tuple(request.installment_counts), tuple(request.debt_ids)
        terms = terms_from_proto(request)
        quotes = await self._negotiation.offers(_tenant(), request.debt_id, counts, debt_ids, terms)
        return pb.ListOffersResponse(offers=[quote_to_proto(q) for q in quotes])

    async def AcceptOffer(
        self, request: pb.AcceptOfferRequest, context: grpc.aio.ServicerContext
    ) -> pb.AcceptOfferResponse:
        """Accepts an offer shown for a debt."""
        agreement, created = await self._negotiation.accept(_tenant(), request.debt_id, request.offer_id)
        return pb.AcceptOfferResponse(agreement=agreement_to_proto(agreement), created=created)

    async def GetAgreement(
        self, request: pb.GetAgreementRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetAgreementResponse:
        """One agreement of the calling tenant."""
        agreement = await self._negotiation.get(_tenant(), request.agreement_id)
        return pb.GetAgreementResponse(agreement=agreement_to_proto(agreement))

    async def CheckAgreements(
        self, request: pb.CheckAgreementsRequest, context: grpc.aio.ServicerContext
    ) -> pb.CheckAgreementsResponse:
        """Breaks the calling tenant's agreements overdue past their grace days."""
        return pb.CheckAgreementsResponse(broken=await self._negotiation.check(_tenant()))

    async def ProposeOffer(
        self, request: pb.ProposeOfferRequest, context: grpc.aio.ServicerContext
    ) -> pb.ProposeOfferResponse:
        """Proposes a shown offer as an agreement awaiting the debtor's acceptance."""
        agreement, created = await self._negotiation.accept(_tenant(), request.debt_id, request.offer_id, propose=True)
        return pb.ProposeOfferResponse(agreement=agreement_to_proto(agreement), created=created)

    async def AcceptAgreement(
        self, request: pb.AcceptAgreementRequest, context: grpc.aio.ServicerContext
    ) -> pb.AcceptAgreementResponse:
        """The debtor accepts a proposed agreement."""
        agreement, changed = await self._negotiation.accept_agreement(_tenant(), request.agreement_id)
        return pb.AcceptAgreementResponse(agreement=agreement_to_proto(agreement), changed=changed)

    async def CancelAgreement(
        self, request: pb.CancelAgreementRequest, context: grpc.aio.ServicerContext
    ) -> pb.CancelAgreementResponse:
        """Calls off a live agreement of the calling tenant."""
        agreement, changed = await self._negotiation.cancel(_tenant(), request.agreement_id, request.reason)
        return pb.CancelAgreementResponse(agreement=agreement_to_proto(agreement), changed=changed)

    async def ListUnappliedPayments(
        self, request: pb.ListUnappliedPaymentsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListUnappliedPaymentsResponse:
        """The calling tenant's payments kept unapplied, newest first."""
        kept = await self._negotiation.unapplied(_tenant(), request.limit or 100)
        return pb.ListUnappliedPaymentsResponse(payments=[unapplied_to_proto(p) for p in kept])

    async def GetDebtStanding(
        self, request: pb.GetDebtStandingRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetDebtStandingResponse:
        """A debt's standing now (open, in agreement, closed), read by id; NotFound for anyone else's debt."""
        if not request.debt_id:
            raise InvalidArgument("is required", field="debt_id")
        return standing_to_proto(await self._standings.of(_tenant(), request.debt_id))
