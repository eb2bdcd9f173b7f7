"""The public REST edge: client API (/v1) and agency API (/agency/v1). Routes stay thin."""

from typing import Annotated

from fastapi import Depends, FastAPI, Header, Request, Response
from fastapi.responses import JSONResponse
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from cordial.agreements.v1 import agreements_service_pb2 as pb
from cordial.agreements.v1 import agreements_service_pb2_grpc as pb_grpc
from cordial.types.v1 import types_pb2
from cordial_core.grpc_server import CORRELATION_KEY, TENANT_KEY
from cordial_core.ids import new_id
from cordial_gateway.adapters.clients import Client, ClientRepository
from cordial_gateway.adapters.timeline import TimelineRepository
from cordial_gateway.api import problems
from cordial_gateway.api.models import (
    ClientIn,
    ClientOut,
    DebtIn,
    DebtOut,
    MoneyOut,
    PaymentIn,
    PaymentOut,
    TimelineEntry,
    TimelineOut,
)
from cordial_gateway.domain.auth import bearer_token, is_admin

_KINDS = {"person": types_pb2.DEBTOR_KIND_PERSON, "company": types_pb2.DEBTOR_KIND_COMPANY}


class _Unauthorized(Exception):
    """No valid credentials."""


class BodyLimit(BaseHTTPMiddleware):
    """Refuses bodies over the limit before anything reads them."""

    def __init__(self, app: object, max_bytes: int) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self._max = max_bytes

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self._max:
            return self._too_large()
        if request.method in ("POST", "PUT", "PATCH") and len(await request.body()) > self._max:
            return self._too_large()
        return await call_next(request)

    def _too_large(self) -> JSONResponse:
        detail = f"body: larger than {self._max} bytes"
        return problems.problem(
            413,
            "too-large",
            "The request body is too large",
            detail,
            [{"field": "body", "reason": f"larger than {self._max} bytes"}],
        )


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


def create_app(
    clients: ClientRepository,
    agreements: pb_grpc.AgreementsServiceStub,
    timeline: TimelineRepository,
    admin_token: str,
    max_body_bytes: int,
) -> FastAPI:
    """The FastAPI application with its routes, error handlers and body limit."""
    app = FastAPI(title="Cordial API", version="1.0.0", description="Client and agency API of Cordial.")
    problems.install(app)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)

    async def on_unauthorized(request: Request, exc: _Unauthorized) -> JSONResponse:
        response = problems.problem(
            401, "unauthorized", "Unauthorized", "a valid API key is required as a Bearer token"
        )
        response.headers["WWW-Authenticate"] = "Bearer"
        return response

    app.add_exception_handler(_Unauthorized, on_unauthorized)  # type: ignore[arg-type]

    async def current_client(authorization: Annotated[str | None, Header()] = None) -> Client:
        key = bearer_token(authorization)
        client = await clients.by_key(key) if key else None
        if client is None:
            raise _Unauthorized()
        return client

    async def admin(authorization: Annotated[str | None, Header()] = None) -> None:
        if not is_admin(bearer_token(authorization), admin_token):
            raise _Unauthorized()

    def metadata(client: Client, correlation: str | None) -> list[tuple[str, str]]:
        return [(TENANT_KEY, client.id), (CORRELATION_KEY, correlation or new_id())]

    ClientDep = Annotated[Client, Depends(current_client)]
    Correlation = Annotated[str | None, Header(alias="x-correlation-id")]

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/agency/v1/clients", status_code=201, dependencies=[Depends(admin)], tags=["agency"])
    async def create_client(body: ClientIn) -> ClientOut:
        """Creates a creditor client and returns its API key once."""
        client, key = await clients.create(body.name)
        return ClientOut(client_id=client.id, name=client.name, api_key=key)

    @app.post("/v1/debts", status_code=201, tags=["debts"])
    async def place_debt(
        body: DebtIn, client: ClientDep, response: Response, correlation: Correlation = None
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
                types_pb2.ContactPointInput(kind=types_pb2.CONTACT_KIND_PHONE, value=p)
                for p in body.contact_points.phones
            ]
            + [
                types_pb2.ContactPointInput(kind=types_pb2.CONTACT_KIND_EMAIL, value=e)
                for e in body.contact_points.emails
            ],
        )
        reply = await agreements.PlaceDebt(request, metadata=metadata(client, correlation))
        if not reply.created:
            response.status_code = 200
        return debt_out(reply.debt)

    @app.get("/v1/debts/{debt_id}", tags=["debts"])
    async def get_debt(debt_id: str, client: ClientDep) -> DebtOut:
        """One of the client's debts with its balance."""
        reply = await agreements.GetDebt(pb.GetDebtRequest(debt_id=debt_id), metadata=metadata(client, None))
        return debt_out(reply.debt)

    @app.post("/v1/debts/{debt_id}/payments", status_code=201, tags=["debts"])
    async def record_payment(
        debt_id: str, body: PaymentIn, client: ClientDep, response: Response, correlation: Correlation = None
    ) -> PaymentOut:
        """Records a payment made directly to the creditor; the same reference again changes nothing."""
        request = pb.RecordPaymentRequest(
            debt_id=debt_id,
            amount=types_pb2.Money(amount_minor=body.amount.amount_minor, currency=body.amount.currency),
            payment_reference=body.payment_reference,
            source="client",
        )
        reply = await agreements.RecordPayment(request, metadata=metadata(client, correlation))
        if not reply.created:
            response.status_code = 200
        return PaymentOut(payment_id=reply.payment_id, created=reply.created, debt=debt_out(reply.debt))

    @app.get("/v1/debts/{debt_id}/timeline", tags=["debts"])
    async def debt_timeline(debt_id: str, client: ClientDep) -> TimelineOut:
        """Every step of a debt with its time, oldest first."""
        await agreements.GetDebt(pb.GetDebtRequest(debt_id=debt_id), metadata=metadata(client, None))
        entries = await timeline.of_debt(client.id, debt_id)
        return TimelineOut(
            debt_id=debt_id,
            entries=[
                TimelineEntry(time=e["time"].isoformat(), type=e["type"], source=e["source"], summary=e["summary"])
                for e in entries
            ],
        )

    return app
