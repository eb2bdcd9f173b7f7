"""Client webhook endpoints (secrets encrypted at rest), deliveries in MongoDB, and the HTTP sender."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from cordial_core.clock import Clock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.store import Document, TenantCollection
from cordial_gateway.domain.client_webhooks import Delivery
from cordial_gateway.domain.notifier import Endpoint


class EndpointRepository:
    """A client's endpoints; the signing secret is encrypted like personal data."""

    def __init__(self, collection: TenantCollection, cipher: PersonalDataCipher) -> None:
        self.collection = collection
        self._cipher = cipher

    async def add(self, endpoint: Endpoint) -> None:
        """Stores a new endpoint."""
        doc = {
            "_id": endpoint.id,
            "url": endpoint.url,
            "events": endpoint.events,
            "secret_enc": self._cipher.encrypt(endpoint.secret),
            "created_at": endpoint.created_at,
            "active": True,
        }
        await self.collection.insert(endpoint.tenant, doc)

    async def of_tenant(self, tenant: str) -> list[Endpoint]:
        """The tenant's active endpoints, oldest first."""
        docs = await self.collection.find(tenant, {"active": True}, sort=[("created_at", 1), ("_id", 1)])
        return [self._from_doc(tenant, d) for d in docs]

    def _from_doc(self, tenant: str, d: Document) -> Endpoint:
        previous = d.get("previous_secret_enc")
        return Endpoint(
            d["_id"],
            tenant,
            d["url"],
            list(d["events"]),
            self._cipher.decrypt(d["secret_enc"]),
            d["created_at"],
            self._cipher.decrypt(previous) if previous else "",
            d.get("previous_until"),
        )

    async def rotate(self, endpoint: Endpoint) -> bool:
        """Stores a rotated secret and the previous one with the end of its overlap, both encrypted."""
        changes = {
            "secret_enc": self._cipher.encrypt(endpoint.secret),
            "previous_secret_enc": self._cipher.encrypt(endpoint.previous_secret),
            "previous_until": endpoint.previous_until,
        }
        return await self.collection.update(endpoint.tenant, {"_id": endpoint.id, "active": True}, changes)

    async def remove(self, tenant: str, endpoint_id: str) -> bool:
        """Deactivates an endpoint; False when the tenant has no such active endpoint."""
        return await self.collection.update(tenant, {"_id": endpoint_id, "active": True}, {"active": False})


class DeliveryRepository:
    """Deliveries with their attempt log, saved with an optimistic version."""

    def __init__(self, collection: TenantCollection, clock: Clock) -> None:
        self.collection = collection
        self._clock = clock

    async def ensure_indexes(self) -> None:
        """Due deliveries are found by status and time; a client's log by time."""
        await self.collection.raw.create_index([("status", 1), ("next_attempt_at", 1)])
        await self.collection.raw.create_index([("tenant", 1), ("created_at", -1)])

    async def add(self, delivery: Delivery) -> None:
        """Queues a delivery (a no-op when it is already queued)."""
        await self.collection.insert(delivery.tenant, self._to_doc(delivery))

    async def due(self, now: datetime, limit: int) -> list[Delivery]:
        """Pending deliveries due by now, across tenants (the dispatcher's internal sweep)."""
        query = {"status": "pending", "next_attempt_at": {"$lte": now}}
        cursor = self.collection.raw.find(query, sort=[("next_attempt_at", 1)], limit=limit)
        return [self._from_doc(d) async for d in cursor]

    async def save(self, delivery: Delivery) -> bool:
        """Writes the outcome unless another dispatcher got there first."""
        doc = self._to_doc(delivery)
        changes = {k: v for k, v in doc.items() if k in ("status", "next_attempt_at", "attempts")}
        changes["version"] = delivery.version + 1
        query = {"_id": delivery.id, "version": delivery.version}
        return await self.collection.update(delivery.tenant, query, changes)

    async def of_tenant(self, tenant: str, limit: int) -> list[Delivery]:
        """The tenant's deliveries, newest first."""
        docs = await self.collection.find(tenant, {}, sort=[("created_at", -1), ("_id", 1)], limit=limit)
        return [self._from_doc(d) for d in docs]

    @staticmethod
    def _to_doc(d: Delivery) -> Document:
        return {
            "_id": d.id,
            "endpoint_id": d.endpoint_id,
            "event_id": d.event_id,
            "event_type": d.event_type,
            "body": d.body,
            "created_at": d.created_at,
            "status": d.status,
            "next_attempt_at": d.next_attempt_at,
            "attempts": d.attempts,
            "version": d.version,
        }

    @staticmethod
    def _from_doc(doc: dict[str, Any]) -> Delivery:
        return Delivery(
            id=doc["_id"],
            tenant=doc["tenant"],
            endpoint_id=doc["endpoint_id"],
            event_id=doc["event_id"],
            event_type=doc["event_type"],
            body=doc["body"],
            created_at=doc["created_at"],
            status=doc["status"],
            next_attempt_at=doc.get("next_attempt_at"),
            attempts=list(doc.get("attempts", [])),
            version=doc.get("version", 0),
        )


class HttpSender:
    """Posts over HTTP; a timeout or refused connection is status 0 with the error's name."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        """The receiver's status code, or 0 and why nothing was answered."""
        try:
            response = await self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return 0, type(exc).__name__
        return response.status_code, "" if response.is_success else response.text[:200]
