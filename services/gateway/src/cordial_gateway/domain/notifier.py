"""The client-webhook use cases: endpoints a client manages, deliveries queued per event, sent and retried."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from cordial_core.clock import Clock
from cordial_core.ids import new_id, stable_id
from cordial_gateway.domain.client_webhooks import MAX_OVERLAP, NOTIFIED, Delivery, RetryPolicy, signature


@dataclass(frozen=True)
class Endpoint:
    """Where a client receives notifications, which ones, and the secret that signs them.

    After a rotation the previous secret still signs, beside the new one, until `previous_until`.
    """

    id: str
    tenant: str
    url: str
    events: list[str]
    secret: str
    created_at: datetime
    previous_secret: str = ""
    previous_until: datetime | None = None

    def signing_secrets(self, now: datetime) -> list[str]:
        """The secrets that sign a delivery now: the current one, then the previous during its overlap."""
        overlap = self.previous_secret and self.previous_until is not None and now < self.previous_until
        return [self.secret, self.previous_secret] if overlap else [self.secret]


class Endpoints(Protocol):
    """A client's webhook endpoints (a port)."""

    async def add(self, endpoint: Endpoint) -> None: ...
    async def of_tenant(self, tenant: str) -> list[Endpoint]: ...
    async def remove(self, tenant: str, endpoint_id: str) -> bool: ...
    async def rotate(self, endpoint: Endpoint) -> bool: ...


class Deliveries(Protocol):
    """Deliveries and their attempts (a port)."""

    async def add(self, delivery: Delivery) -> None: ...
    async def due(self, now: datetime, limit: int) -> list[Delivery]: ...
    async def save(self, delivery: Delivery) -> bool: ...
    async def of_tenant(self, tenant: str, limit: int) -> list[Delivery]: ...


class Sender(Protocol):
    """Posts a signed body to a URL; answers the status code (0 when unreachable) and an error (a port)."""

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]: ...


class Notifier:
    """Manages endpoints, queues one delivery per event and endpoint, sends what is due."""

    def __init__(
        self, endpoints: Endpoints, deliveries: Deliveries, sender: Sender, clock: Clock, policy: RetryPolicy
    ) -> None:
        self._endpoints = endpoints
        self._deliveries = deliveries
        self._sender = sender
        self._clock = clock
        self._policy = policy

    async def register(self, tenant: str, url: str, events: list[str]) -> Endpoint:
        """A new endpoint with a fresh secret (shown to the client once)."""
        endpoint = Endpoint(new_id(), tenant, url, events, _new_secret(), self._clock.now())
        await self._endpoints.add(endpoint)
        return endpoint

    async def endpoints(self, tenant: str) -> list[Endpoint]:
        """The client's endpoints."""
        return await self._endpoints.of_tenant(tenant)

    async def remove(self, tenant: str, endpoint_id: str) -> bool:
        """Stops notifying an endpoint; False when the client has no such endpoint."""
        return await self._endpoints.remove(tenant, endpoint_id)

    async def rotate(self, tenant: str, endpoint_id: str, overlap: timedelta) -> Endpoint | None:
        """A fresh secret for an endpoint (shown once); the current one keeps signing beside it for the overlap.

        Rotating again within an overlap drops the oldest secret: at most two sign at once. None when the
        client has no such endpoint.
        """
        if not timedelta(0) <= overlap <= MAX_OVERLAP:
            raise ValueError(f"overlap must be between 0 and {MAX_OVERLAP.days} days")
        endpoint = next((e for e in await self._endpoints.of_tenant(tenant) if e.id == endpoint_id), None)
        if endpoint is None:
            return None
        now = self._clock.now()
        rotated = replace(endpoint, secret=_new_secret(), previous_secret=endpoint.secret, previous_until=now + overlap)
        return rotated if await self._endpoints.rotate(rotated) else None

    async def enqueue(self, tenant: str, event_id: str, event_type: str, data: dict[str, Any]) -> int:
        """Queues the event for every endpoint subscribed to it; a repeated event queues nothing new."""
        if event_type not in NOTIFIED:
            return 0
        queued = 0
        for endpoint in await self._endpoints.of_tenant(tenant):
            if event_type not in endpoint.events:
                continue
            delivery_id = stable_id(tenant, "delivery", endpoint.id, event_id)
            body = json.dumps({"id": delivery_id, "type": event_type, "event_id": event_id, "data": data})
            now = self._clock.now()
            await self._deliveries.add(
                Delivery(delivery_id, tenant, endpoint.id, event_id, event_type, body, now, next_attempt_at=now)
            )
            queued += 1
        return queued

    async def deliver_due(self, limit: int = 50) -> int:
        """Sends every delivery that is due once; returns how many were attempted."""
        attempted = 0
        for delivery in await self._deliveries.due(self._clock.now(), limit):
            endpoint = next(
                (e for e in await self._endpoints.of_tenant(delivery.tenant) if e.id == delivery.endpoint_id), None
            )
            now = self._clock.now()
            if endpoint is None:
                delivery.status, delivery.next_attempt_at = "cancelled", None
            else:
                body = delivery.body.encode()
                headers = {
                    "content-type": "application/json",
                    "x-cordial-delivery": delivery.id,
                    "x-cordial-event": delivery.event_type,
                    "x-cordial-signature": signature(endpoint.signing_secrets(now), int(now.timestamp()), body),
                }
                status_code, error = await self._sender.post(endpoint.url, body, headers)
                delivery.record(now, status_code, error, self._policy)
                attempted += 1
            await self._deliveries.save(delivery)
        return attempted

    async def log(self, tenant: str, limit: int = 100) -> list[Delivery]:
        """The client's deliveries, newest first, each with its attempts."""
        return await self._deliveries.of_tenant(tenant, limit)


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)
