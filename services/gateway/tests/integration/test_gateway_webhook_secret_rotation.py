"""Webhook secret rotation on real FerretDB: both secrets stored encrypted, read back with the overlap's end,
and only within the client's tenant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.fernet import Fernet
from pymongo.asynchronous.database import AsyncDatabase

from cordial_core.clock import ControllableClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.store import TenantCollection
from cordial_gateway.adapters.client_webhooks import DeliveryRepository, EndpointRepository
from cordial_gateway.domain.client_webhooks import RetryPolicy
from cordial_gateway.domain.notifier import Notifier

T0 = datetime(2026, 3, 3, 13, 0, tzinfo=UTC)


class Sender:
    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        return 200, ""


async def test_rotated_secret_and_the_previous_one_round_trip_encrypted(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    clock = ControllableClock(T0)
    endpoints = EndpointRepository(
        TenantCollection(mongo_db["webhook_endpoints"]), PersonalDataCipher(Fernet.generate_key().decode(), "k")
    )
    deliveries = DeliveryRepository(TenantCollection(mongo_db["webhook_deliveries"]), clock)
    notifier = Notifier(endpoints, deliveries, Sender(), clock, RetryPolicy())
    endpoint = await notifier.register("t1", "https://client.example/hooks", ["debt.settled"])
    assert await notifier.rotate("t2", endpoint.id, timedelta(hours=2)) is None
    rotated = await notifier.rotate("t1", endpoint.id, timedelta(hours=2))
    assert rotated is not None

    [stored] = await endpoints.of_tenant("t1")
    assert (stored.secret, stored.previous_secret) == (rotated.secret, endpoint.secret)
    assert stored.previous_until == T0 + timedelta(hours=2)
    assert stored.signing_secrets(T0 + timedelta(hours=1)) == [rotated.secret, endpoint.secret]
    raw = await mongo_db["webhook_endpoints"].find_one({"_id": endpoint.id})
    assert raw is not None
    assert endpoint.secret not in str(raw)
    assert rotated.secret not in str(raw)
