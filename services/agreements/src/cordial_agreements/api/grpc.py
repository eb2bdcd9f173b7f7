"""The AgreementsService servicer: turns gRPC requests into ledger calls."""

from __future__ import annotations

from datetime import date

import grpc

from cordial.agreements.v1 import agreements_service_pb2 as pb
from cordial.agreements.v1 import agreements_service_pb2_grpc as pb_grpc
from cordial.types.v1 import types_pb2
from cordial_agreements.domain.debt import Debt, Debtor, DebtStatus
from cordial_agreements.domain.ledger import Ledger, Placement
from cordial_core.context import tenant_var
from cordial_core.errors import InvalidArgument
from cordial_core.money import Money

_STATUS = {
    DebtStatus.PLACED: pb.DEBT_STATUS_PLACED,
    DebtStatus.IN_COLLECTION: pb.DEBT_STATUS_IN_COLLECTION,
    DebtStatus.IN_AGREEMENT: pb.DEBT_STATUS_IN_AGREEMENT,
    DebtStatus.SETTLED: pb.DEBT_STATUS_SETTLED,
    DebtStatus.RECALLED: pb.DEBT_STATUS_RECALLED,
    DebtStatus.WRITTEN_OFF: pb.DEBT_STATUS_WRITTEN_OFF,
}


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


def debt_to_proto(debt: Debt) -> pb.Debt:
    """The tenant's view of a debt, without personal data."""
    message = pb.Debt(
        id=debt.id,
        client_reference=debt.client_reference,
        debtor_id=debt.debtor_id,
        status=_STATUS[debt.status],
        principal=debt.principal.to_proto(),
        balance=debt.balance.to_proto(),
        paid=debt.paid.to_proto(),
        due_date=debt.due_date.isoformat(),
    )
    message.placed_at.FromDatetime(debt.placed_at)
    if debt.settled_at is not None:
        message.settled_at.FromDatetime(debt.settled_at)
    return message


class AgreementsServicer(pb_grpc.AgreementsServiceServicer):
    """Debts and payments over gRPC."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger

    async def PlaceDebt(self, request: pb.PlaceDebtRequest, context: grpc.aio.ServicerContext) -> pb.PlaceDebtResponse:
        """Places a debt, once per client reference."""
        kind = "company" if request.debtor.kind == types_pb2.DEBTOR_KIND_COMPANY else "person"
        placement = Placement(
            client_reference=request.client_reference,
            debtor=Debtor(kind, request.debtor.document, request.debtor.name, request.debtor.time_zone),
            principal=_money(request.principal, "principal"),
            due_date=_date(request.due_date, "due_date"),
            creditor_name=request.creditor_name,
            contact_points=[(c.kind, c.value) for c in request.contact_points],
        )
        debt, created = await self._ledger.place(_tenant(), placement)
        return pb.PlaceDebtResponse(debt=debt_to_proto(debt), created=created)

    async def GetDebt(self, request: pb.GetDebtRequest, context: grpc.aio.ServicerContext) -> pb.GetDebtResponse:
        """One debt of the calling tenant."""
        return pb.GetDebtResponse(debt=debt_to_proto(await self._ledger.get(_tenant(), request.debt_id)))

    async def RecordPayment(
        self, request: pb.RecordPaymentRequest, context: grpc.aio.ServicerContext
    ) -> pb.RecordPaymentResponse:
        """Records a payment, once per payment reference."""
        debt, payment, created = await self._ledger.record_payment(
            _tenant(), request.debt_id, _money(request.amount, "amount"), request.payment_reference, request.source
        )
        return pb.RecordPaymentResponse(debt=debt_to_proto(debt), payment_id=payment.id, created=created)
