"""What every route depends on: the backends, the calling client, the admin check, call metadata."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import JSONResponse

from cordial.agreements.v1 import agreements_service_pb2_grpc as agreements_grpc
from cordial.contact_locator.v1 import contact_locator_service_pb2_grpc as contact_locator_grpc
from cordial.messaging.v1 import messaging_service_pb2_grpc as messaging_grpc
from cordial.strategy.v1 import strategy_service_pb2_grpc as strategy_grpc
from cordial_core.grpc_server import CORRELATION_KEY, TENANT_KEY
from cordial_core.ids import new_id
from cordial_gateway.adapters.clients import Client, ClientRepository
from cordial_gateway.adapters.messaging_hooks import MessagingHooks
from cordial_gateway.adapters.timeline import TimelineRepository
from cordial_gateway.api import problems
from cordial_gateway.domain.auth import bearer_token, is_admin
from cordial_gateway.domain.notifier import Notifier
from cordial_gateway.domain.portal_tokens import PortalTokens
from cordial_gateway.domain.webhooks import HookSecrets


@dataclass(frozen=True)
class Backends:
    """The stores and service stubs the routes call, wired once by the app module."""

    clients: ClientRepository
    agreements: agreements_grpc.AgreementsServiceStub
    timeline: TimelineRepository
    admin_token: str
    strategy: strategy_grpc.StrategyServiceStub
    hooks: MessagingHooks
    hook_secrets: HookSecrets
    notifier: Notifier
    # The largest principal (minor units) a placed debt may have.
    max_amount_minor: int = 100_000_000_000
    # Templates, creditor identity and the audit trail of messages; wired by the app.
    messaging: messaging_grpc.MessagingServiceStub | None = None
    contact_locator: contact_locator_grpc.ContactLocatorServiceStub | None = None
    portal_tokens: PortalTokens | None = None

    def messaging_stub(self) -> messaging_grpc.MessagingServiceStub:
        """The messaging service; always wired in the running app."""
        if self.messaging is None:
            raise RuntimeError("messaging is not wired")
        return self.messaging


class Unauthorized(Exception):
    """No valid credentials."""


def backends(request: Request) -> Backends:
    """The backends of the running app."""
    wired: Backends = request.app.state.backends
    return wired


BackendsDep = Annotated[Backends, Depends(backends)]


async def current_client(wired: BackendsDep, authorization: Annotated[str | None, Header()] = None) -> Client:
    """The creditor client whose API key came as a Bearer token; 401 otherwise."""
    key = bearer_token(authorization)
    client = await wired.clients.by_key(key) if key else None
    if client is None:
        raise Unauthorized()
    return client


async def require_admin(wired: BackendsDep, authorization: Annotated[str | None, Header()] = None) -> None:
    """Only the agency's admin token passes."""
    if not is_admin(bearer_token(authorization), wired.admin_token):
        raise Unauthorized()


CurrentClient = Annotated[Client, Depends(current_client)]
Correlation = Annotated[str | None, Header(alias="x-correlation-id")]


def call_metadata(client: Client, correlation: str | None = None) -> list[tuple[str, str]]:
    """gRPC metadata that scopes a call to the client's tenant and carries the correlation id."""
    return [(TENANT_KEY, client.id), (CORRELATION_KEY, correlation or new_id())]


def install_auth(app: FastAPI) -> None:
    """Answers missing or unknown credentials with 401 problem+json."""

    async def on_unauthorized(request: Request, exc: Unauthorized) -> JSONResponse:
        response = problems.problem(
            401, "unauthorized", "Unauthorized", "a valid API key is required as a Bearer token"
        )
        response.headers["WWW-Authenticate"] = "Bearer"
        return response

    app.add_exception_handler(Unauthorized, on_unauthorized)  # type: ignore[arg-type]
