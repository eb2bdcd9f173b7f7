"""Client API for debts: place, read, pay, and the timeline."""

from fastapi import APIRouter, Response

from cordial.agreements.v1 import agreements_service_pb2 as pb
from cordial.types.v1 import types_pb2
from cordial_gateway.api.deps import BackendsDep, Correlation, CurrentClient, call_metadata
from cordial_gateway.api.models import DebtIn, DebtOut, MoneyOut, PaymentIn, PaymentOut, TimelineEntry, TimelineOut

router = APIRouter(tags=["debts"])

_KINDS = {"person": types_pb2.DEBTOR_KIND_PERSON, "company": types_pb2.DEBTOR_KIND_COMPANY}


def _money(m: types_pb2.Money) -> MoneyOut:
    return MoneyOut(amount_minor=m.amount_minor, currency=m.currency)


def debt_out(debt: pb.Debt) -> DebtOut:
    """The JSON view of a debt."""
    return DebtOut(
        id=debt.id,
        client_reference=debt.client_reference,
        status=pb.DebtStatus.Name(debt.status).removeprefix("DEBT_STATUS_").lower(),
        principal=_money(debt.principal),
        balance=_money(debt.balance),
        paid=_money(debt.paid),
        due_date=debt.due_date,
        placed_at=debt.placed_at.ToDatetime().isoformat() + "Z",
        settled_at=debt.settled_at.ToDatetime().isoformat() + "Z" if debt.HasField("settled_at") else None,
    )


@router.post("/v1/debts", status_code=201)
async def place_debt(
    body: DebtIn, client: CurrentClient, wired: BackendsDep, response: Response, correlation: Correlation = None
) -> DebtOut:
    """Places a debt; the same client_reference again returns the same debt with 200."""
    request = pb.PlaceDebtRequest(
        client_reference=body.client_reference,
        debtor=pb.Debtor(
            kind=_KINDS[body.debtor.kind],
            document=body.debtor.document,
            name=body.debtor.name,
            time_zone=body.debtor.time_zone,
        ),
        principal=types_pb2.Money(amount_minor=body.principal.amount_minor, currency=body.principal.currency),
        due_date=body.due_date.isoformat(),
        creditor_name=client.name,
        contact_points=[
            types_pb2.ContactPointInput(kind=types_pb2.CONTACT_KIND_PHONE, value=p) for p in body.contact_points.phones
        ]
        + [types_pb2.ContactPointInput(kind=types_pb2.CONTACT_KIND_EMAIL, value=e) for e in body.contact_points.emails],
    )
    reply = await wired.agreements.PlaceDebt(request, metadata=call_metadata(client, correlation))
    if not reply.created:
        response.status_code = 200
    return debt_out(reply.debt)


@router.get("/v1/debts/{debt_id}")
async def get_debt(debt_id: str, client: CurrentClient, wired: BackendsDep) -> DebtOut:
    """One of the client's debts with its balance."""
    reply = await wired.agreements.GetDebt(pb.GetDebtRequest(debt_id=debt_id), metadata=call_metadata(client))
    return debt_out(reply.debt)


@router.post("/v1/debts/{debt_id}/payments", status_code=201)
async def record_payment(
    debt_id: str,
    body: PaymentIn,
    client: CurrentClient,
    wired: BackendsDep,
    response: Response,
    correlation: Correlation = None,
) -> PaymentOut:
    """Records a payment made directly to the creditor; the same reference again changes nothing."""
    request = pb.RecordPaymentRequest(
        debt_id=debt_id,
        amount=types_pb2.Money(amount_minor=body.amount.amount_minor, currency=body.amount.currency),
        payment_reference=body.payment_reference,
        source="client",
    )
    reply = await wired.agreements.RecordPayment(request, metadata=call_metadata(client, correlation))
    if not reply.created:
        response.status_code = 200
    return PaymentOut(payment_id=reply.payment_id, created=reply.created, debt=debt_out(reply.debt))


@router.get("/v1/debts/{debt_id}/timeline")
async def debt_timeline(debt_id: str, client: CurrentClient, wired: BackendsDep) -> TimelineOut:
    """Every step of a debt with its time, oldest first."""
    await wired.agreements.GetDebt(pb.GetDebtRequest(debt_id=debt_id), metadata=call_metadata(client))
    entries = await wired.timeline.of_debt(client.id, debt_id)
    return TimelineOut(
        debt_id=debt_id,
        entries=[
            TimelineEntry(time=e["time"].isoformat(), type=e["type"], source=e["source"], summary=e["summary"])
            for e in entries
        ],
    )
