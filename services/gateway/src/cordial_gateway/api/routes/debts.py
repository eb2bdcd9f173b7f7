"""Client API for debts: place, read, balance, pay, recall, and the timeline."""

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from cordial.agreements.v1 import agreements_service_pb2 as pb
from cordial.types.v1 import types_pb2
from cordial_gateway.api import problems
from cordial_gateway.api.deps import BackendsDep, Correlation, CurrentClient, call_metadata
from cordial_gateway.api.models import (
    AddressIn,
    BalanceLine,
    BalanceOut,
    BatchIn,
    BatchItemOut,
    BatchOut,
    DebtDetailOut,
    DebtIn,
    DebtOut,
    DebtPage,
    DebtPatchIn,
    MoneyOut,
    PaymentIn,
    PaymentOut,
    PaymentRecordOut,
    RecallIn,
    TimelineEntry,
    TimelineMessage,
    TimelineOut,
)
from cordial_gateway.api.routes.agreements import agreement_out
from cordial_gateway.domain import batch

router = APIRouter(tags=["debts"])
DebtStatusName = Literal["placed", "in_collection", "in_agreement", "settled", "recalled", "written_off"]
# Items per PlaceDebts call: keeps each gRPC message small and the agreements service responsive.
BATCH_CHUNK = 500

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
        portfolio=debt.portfolio or "default",
        product=debt.product,
        origin_date=debt.origin_date or None,
    )


def _address(address: AddressIn | None) -> pb.Address | None:
    return pb.Address(**address.model_dump()) if address else None


def _cents(amount: int) -> str:
    return f"{amount // 100}.{amount % 100:02d}"


def balance_out(debt_id: str, b: pb.Balance) -> BalanceOut:
    """A balance as a debtor reads it: each line, the total, and one sentence of why."""
    lines = [
        BalanceLine(label="principal", amount_minor=b.principal.amount_minor),
        BalanceLine(label="monetary correction", amount_minor=b.correction.amount_minor),
        BalanceLine(label="late fee", amount_minor=b.late_fee.amount_minor),
        BalanceLine(label="late interest", amount_minor=b.interest.amount_minor),
        BalanceLine(label="paid", amount_minor=-b.paid.amount_minor),
    ]
    currency = b.total.currency
    terms = [
        f"{'-' if line.amount_minor < 0 else '+'} {line.label} {_cents(abs(line.amount_minor))}"
        for line in lines
        if line.amount_minor or line.label == "principal"
    ]
    explanation = (
        f"As of {b.as_of} ({b.days_late} days late): "
        + " ".join(terms).removeprefix("+ ")
        + f" = {_cents(b.total.amount_minor)} {currency}."
        + (f" Late fee {b.late_fee_bps / 100:g}%." if b.late_fee_bps else "")
        + (f" Interest {b.monthly_interest_bps / 100:g}% a month, pro rata die." if b.monthly_interest_bps else "")
        + (f" Corrected by {b.index_name} over {b.months_corrected} full months." if b.index_name else "")
    )
    return BalanceOut(
        debt_id=debt_id,
        as_of=b.as_of,
        currency=currency,
        lines=lines,
        total=_money(b.total),
        overpaid=_money(b.overpaid),
        days_late=b.days_late,
        months_corrected=b.months_corrected,
        late_fee_bps=b.late_fee_bps,
        monthly_interest_bps=b.monthly_interest_bps,
        index_name=b.index_name,
        explanation=explanation,
    )


def _contact_points(phones: list[str], emails: list[str]) -> list[types_pb2.ContactPointInput]:
    return [types_pb2.ContactPointInput(kind=types_pb2.CONTACT_KIND_PHONE, value=p) for p in phones] + [
        types_pb2.ContactPointInput(kind=types_pb2.CONTACT_KIND_EMAIL, value=e) for e in emails
    ]


def placement_request(body: DebtIn, creditor_name: str) -> pb.PlaceDebtRequest:
    """The placement RPC of one debt."""
    return pb.PlaceDebtRequest(
        client_reference=body.client_reference,
        debtor=pb.Debtor(
            kind=_KINDS[body.debtor.kind],
            document=body.debtor.document,
            name=body.debtor.name,
            time_zone=body.debtor.time_zone,
            birth_date=body.debtor.birth_date.isoformat() if body.debtor.birth_date else "",
            address=_address(body.debtor.address),
        ),
        principal=types_pb2.Money(amount_minor=body.principal.amount_minor, currency=body.principal.currency),
        due_date=body.due_date.isoformat(),
        creditor_name=creditor_name,
        contact_points=_contact_points(body.contact_points.phones, body.contact_points.emails),
        portfolio=body.portfolio,
        product=body.product,
        origin_date=body.origin_date.isoformat() if body.origin_date else "",
    )


@router.post("/v1/debts", status_code=201, response_model=DebtOut)
async def place_debt(
    body: DebtIn, client: CurrentClient, wired: BackendsDep, response: Response, correlation: Correlation = None
) -> DebtOut | JSONResponse:
    """Places a debt; the same client_reference again returns the same debt with 200."""
    reason = batch.over_ceiling(body.principal.amount_minor, wired.max_amount_minor)
    if reason is not None:
        errors = [{"field": "principal.amount_minor", "reason": reason}]
        detail = f"principal.amount_minor: {reason}"
        return problems.problem(422, "validation", "The request is not valid", detail, errors)
    reply = await wired.agreements.PlaceDebt(
        placement_request(body, client.name), metadata=call_metadata(client, correlation)
    )
    if not reply.created:
        response.status_code = 200
    return debt_out(reply.debt)


@router.post("/v1/debts/batch")
async def place_debts(
    body: BatchIn, client: CurrentClient, wired: BackendsDep, correlation: Correlation = None
) -> BatchOut:
    """Places up to 10,000 debts: one result per item; accepted items are kept even when others are rejected."""
    results, valid = _check_items(body.items, wired.max_amount_minor)
    metadata = call_metadata(client, correlation)
    for start in range(0, len(valid), BATCH_CHUNK):
        chunk = valid[start : start + BATCH_CHUNK]
        request = pb.PlaceDebtsRequest(items=[placement_request(debt, client.name) for _, debt in chunk])
        reply = await wired.agreements.PlaceDebts(request, metadata=metadata)
        for outcome in reply.results:
            result = results[chunk[outcome.index][0]]
            if outcome.error_reason:
                result.reject(outcome.error_field, outcome.error_reason)
            else:
                result.status, result.debt_id = ("created" if outcome.created else "existing"), outcome.debt_id
    items = [BatchItemOut(**vars(r)) for r in results]
    counts = {s: sum(i.status == s for i in items) for s in ("created", "existing", "rejected")}
    return BatchOut(items=items, **counts)


def _check_items(items: list[dict[str, Any]], ceiling: int) -> tuple[list[batch.ItemResult], list[tuple[int, DebtIn]]]:
    """Each item validated on its own, then duplicates and the ceiling; the valid ones with their index."""
    results = [batch.ItemResult(i, str(item.get("client_reference", ""))[:100]) for i, item in enumerate(items)]
    parsed: dict[int, DebtIn] = {}
    for i, item in enumerate(items):
        try:
            parsed[i] = DebtIn.model_validate(item)
        except ValidationError as exc:
            for error in exc.errors():
                results[i].reject(".".join(str(p) for p in error["loc"]), error["msg"].removeprefix("Value error, "))
    for index, first in batch.duplicates([r.reference if i in parsed else "" for i, r in enumerate(results)]).items():
        results[index].reject("client_reference", f"repeats items[{first}].client_reference in this batch")
    for i, debt in parsed.items():
        if (reason := batch.over_ceiling(debt.principal.amount_minor, ceiling)) is not None:
            results[i].reject("principal.amount_minor", reason)
    return results, [(i, debt) for i, debt in parsed.items() if not results[i].errors]


@router.get("/v1/debts")
async def list_debts(
    client: CurrentClient,
    wired: BackendsDep,
    status: DebtStatusName | None = None,
    portfolio: Annotated[str, Query(max_length=100)] = "",
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str, Query(max_length=500)] = "",
) -> DebtPage:
    """The client's debts in a stable order, filtered by status and portfolio; follow next_cursor for more."""
    request = pb.ListDebtsRequest(
        status=f"DEBT_STATUS_{status.upper()}" if status else pb.DEBT_STATUS_UNSPECIFIED,
        portfolio=portfolio,
        page_size=page_size,
        cursor=cursor,
    )
    reply = await wired.agreements.ListDebts(request, metadata=call_metadata(client))
    return DebtPage(debts=[debt_out(d) for d in reply.debts], next_cursor=reply.next_cursor or None)


@router.get("/v1/debts/{debt_id}")
async def get_debt(debt_id: str, client: CurrentClient, wired: BackendsDep) -> DebtDetailOut:
    """One of the client's debts with its balance line by line, agreements, payments and timeline."""
    reply = await wired.agreements.GetDebt(pb.GetDebtRequest(debt_id=debt_id), metadata=call_metadata(client))
    entries = await wired.timeline.of_debt(client.id, debt_id)
    return DebtDetailOut(
        **debt_out(reply.debt).model_dump(),
        breakdown=balance_out(debt_id, reply.balance),
        agreements=[agreement_out(a) for a in reply.agreements],
        payments=[
            PaymentRecordOut(
                id=p.id,
                reference=p.reference,
                amount=_money(p.amount),
                source=p.source,
                received_at=p.received_at.ToDatetime().isoformat() + "Z",
            )
            for p in reply.payments
        ],
        timeline=[_entry(e) for e in entries],
    )


@router.patch("/v1/debts/{debt_id}")
async def update_debt(
    debt_id: str, body: DebtPatchIn, client: CurrentClient, wired: BackendsDep, correlation: Correlation = None
) -> DebtOut:
    """Corrects the principal (a reason is required) and adds contact points; each change is in the timeline."""
    points = body.contact_points
    request = pb.UpdateDebtRequest(
        debt_id=debt_id,
        principal=types_pb2.Money(amount_minor=body.principal.amount_minor, currency=body.principal.currency)
        if body.principal
        else None,
        reason=body.reason,
        contact_points=_contact_points(points.phones, points.emails) if points else [],
    )
    reply = await wired.agreements.UpdateDebt(request, metadata=call_metadata(client, correlation))
    return debt_out(reply.debt)


def _entry(e: dict[str, Any]) -> TimelineEntry:
    message = e.get("message")
    return TimelineEntry(
        time=e["time"].isoformat(),
        type=e["type"],
        source=e["source"],
        summary=e["summary"],
        message=_message(message) if message else None,
    )


def _message(m: dict[str, Any]) -> TimelineMessage:
    """A message's part of its entry, each delivery state with its time."""
    fields = {k: v for k, v in m.items() if k != "deliveries"}
    return TimelineMessage(**fields, deliveries={state: at.isoformat() for state, at in m["deliveries"].items()})


@router.get("/v1/debts/{debt_id}/balance")
async def debt_balance(
    debt_id: str, client: CurrentClient, wired: BackendsDep, as_of: date | None = None
) -> BalanceOut:
    """What the debt owes as of a day (today in the debtor's time zone by default), line by line."""
    request = pb.GetBalanceRequest(debt_id=debt_id, as_of=as_of.isoformat() if as_of else "")
    reply = await wired.agreements.GetBalance(request, metadata=call_metadata(client))
    return balance_out(debt_id, reply.balance)


@router.post("/v1/debts/{debt_id}/recall")
async def recall_debt(
    debt_id: str,
    client: CurrentClient,
    wired: BackendsDep,
    body: RecallIn | None = None,
    correlation: Correlation = None,
) -> DebtOut:
    """Takes the debt back: every contact, offer and bureau action for it stops. Repeating it changes nothing."""
    request = pb.RecallDebtRequest(debt_id=debt_id, reason=body.reason if body else "")
    reply = await wired.agreements.RecallDebt(request, metadata=call_metadata(client, correlation))
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
        entries=[_entry(e) for e in entries],
    )
