"""Client API for webhooks: endpoints and their secrets, and the log of every delivery."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Response

from cordial_gateway.api import problems
from cordial_gateway.api.deps import BackendsDep, CurrentClient
from cordial_gateway.api.models import (
    DeliveryLogOut,
    DeliveryOut,
    RotateSecretIn,
    WebhookEndpointIn,
    WebhookEndpointOut,
    WebhookEndpointsOut,
)
from cordial_gateway.domain.client_webhooks import Delivery
from cordial_gateway.domain.notifier import Endpoint

router = APIRouter(tags=["webhooks"])


def _endpoint(endpoint: Endpoint, with_secret: bool = False) -> WebhookEndpointOut:
    until = endpoint.previous_until
    return WebhookEndpointOut(
        id=endpoint.id,
        url=endpoint.url,
        events=endpoint.events,
        created_at=endpoint.created_at.isoformat(),
        secret=endpoint.secret if with_secret else None,
        previous_secret_expires_at=until.isoformat() if until and endpoint.previous_secret else None,
    )


def _delivery(d: Delivery) -> DeliveryOut:
    return DeliveryOut(
        id=d.id,
        endpoint_id=d.endpoint_id,
        event_id=d.event_id,
        event_type=d.event_type,
        status=d.status,
        next_attempt_at=d.next_attempt_at.isoformat() if d.next_attempt_at else None,
        attempts=[
            {"at": str(a["at"]), "status_code": int(str(a["status_code"])), "error": str(a["error"])}
            for a in d.attempts
        ],
    )


@router.post("/v1/webhooks", status_code=201)
async def register_webhook(body: WebhookEndpointIn, client: CurrentClient, wired: BackendsDep) -> WebhookEndpointOut:
    """Adds an endpoint; its signing secret is shown in this answer only."""
    endpoint = await wired.notifier.register(client.id, body.url, body.events)
    return _endpoint(endpoint, with_secret=True)


@router.get("/v1/webhooks")
async def list_webhooks(client: CurrentClient, wired: BackendsDep) -> WebhookEndpointsOut:
    """The client's endpoints (without secrets)."""
    return WebhookEndpointsOut(endpoints=[_endpoint(e) for e in await wired.notifier.endpoints(client.id)])


@router.delete("/v1/webhooks/{endpoint_id}", status_code=204)
async def remove_webhook(endpoint_id: str, client: CurrentClient, wired: BackendsDep) -> Response:
    """Stops notifying an endpoint; deliveries still pending for it are cancelled."""
    if not await wired.notifier.remove(client.id, endpoint_id):
        return problems.problem(404, "not-found", "Not found", f"endpoint_id: no webhook endpoint {endpoint_id}")
    return Response(status_code=204)


@router.post("/v1/webhooks/{endpoint_id}/rotate-secret", response_model=WebhookEndpointOut)
async def rotate_secret(
    endpoint_id: str, body: RotateSecretIn, client: CurrentClient, wired: BackendsDep
) -> WebhookEndpointOut | Response:
    """A new signing secret (shown in this answer only); the old one keeps signing beside it for overlap_seconds."""
    endpoint = await wired.notifier.rotate(client.id, endpoint_id, timedelta(seconds=body.overlap_seconds))
    if endpoint is None:
        return problems.problem(404, "not-found", "Not found", f"endpoint_id: no webhook endpoint {endpoint_id}")
    return _endpoint(endpoint, with_secret=True)


@router.get("/v1/webhooks/deliveries")
async def delivery_log(
    client: CurrentClient, wired: BackendsDep, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> DeliveryLogOut:
    """Every delivery to the client's endpoints, newest first, each attempt with its answer."""
    return DeliveryLogOut(deliveries=[_delivery(d) for d in await wired.notifier.log(client.id, limit)])
