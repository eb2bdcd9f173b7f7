"""Wires and starts the gateway: the REST edge, its gRPC health and the timeline projection."""

from __future__ import annotations

import asyncio
import logging

import httpx
import uvicorn
from pydantic import Field, SecretStr, field_validator

from cordial.agreements.v1 import agreements_service_pb2_grpc as pb_grpc
from cordial.contact_locator.v1 import contact_locator_service_pb2_grpc as contact_locator_grpc
from cordial.messaging.v1 import messaging_service_pb2_grpc as messaging_grpc
from cordial.strategy.v1 import strategy_service_pb2_grpc as strategy_grpc
from cordial_core.events import TOPIC_PARTITIONS
from cordial_core.grpc_server import open_channel
from cordial_core.portal_tokens import PortalTokens
from cordial_core.runtime import ServiceRuntime, run_service
from cordial_core.settings import ServiceSettings, load_settings
from cordial_core.store import TenantCollection
from cordial_gateway.adapters.client_webhooks import DeliveryRepository, EndpointRepository, HttpSender
from cordial_gateway.adapters.clients import ClientRepository
from cordial_gateway.adapters.messaging_hooks import MessagingHooks
from cordial_gateway.adapters.timeline import TimelineRepository
from cordial_gateway.api.deps import Backends
from cordial_gateway.api.events import client_notifications, timeline_projection
from cordial_gateway.api.http import create_app
from cordial_gateway.domain.client_webhooks import RetryPolicy
from cordial_gateway.domain.notifier import Notifier
from cordial_gateway.domain.webhooks import HookSecrets

SERVICE = "gateway"
log = logging.getLogger(__name__)


class GatewaySettings(ServiceSettings):
    """Where the HTTP edge listens, where the services it calls are, and the agency admin token."""

    http_host: str = Field(default="0.0.0.0", validation_alias="HTTP_HOST")
    http_port: int = Field(default=8080, validation_alias="HTTP_PORT")
    agreements_addr: str = Field(validation_alias="AGREEMENTS_ADDR")
    strategy_addr: str = Field(validation_alias="STRATEGY_ADDR")
    admin_token: SecretStr = Field(validation_alias="CORDIAL_ADMIN_TOKEN")
    max_body_bytes: int = Field(default=1_048_576, validation_alias="MAX_BODY_BYTES", gt=0)
    # POST /v1/debts/batch carries up to 10,000 debts.
    max_batch_body_bytes: int = Field(default=16 * 1_048_576, validation_alias="MAX_BATCH_BODY_BYTES", gt=0)
    # Client webhooks: how often due deliveries are sent, the first retry's wait (doubling, capped at an hour).
    client_webhook_dispatch_seconds: float = Field(
        default=5.0, gt=0, validation_alias="CLIENT_WEBHOOK_DISPATCH_SECONDS"
    )
    client_webhook_retry_base_seconds: float = Field(
        default=30.0, gt=0, validation_alias="CLIENT_WEBHOOK_RETRY_BASE_SECONDS"
    )
    # The largest principal (minor units) a placed debt may have; larger ones are refused as mistakes.
    max_debt_amount_minor: int = Field(default=100_000_000_000, validation_alias="MAX_DEBT_AMOUNT_MINOR", gt=0)
    messaging_addr: str = Field(validation_alias="MESSAGING_ADDR")
    contact_locator_addr: str = Field(validation_alias="CONTACT_LOCATOR_ADDR")
    # Unset webhook secrets refuse every notification of that provider.
    whatsapp_app_secret: SecretStr = Field(default=SecretStr(""), validation_alias="WHATSAPP_APP_SECRET")
    whatsapp_verify_token: SecretStr = Field(default=SecretStr(""), validation_alias="WHATSAPP_VERIFY_TOKEN")
    twilio_auth_token: SecretStr = Field(default=SecretStr(""), validation_alias="TWILIO_AUTH_TOKEN")
    hooks_public_url: str = Field(default="", validation_alias="HOOKS_PUBLIC_URL")
    pix_webhook_secret: SecretStr = Field(default=SecretStr(""), validation_alias="PIX_WEBHOOK_SECRET")

    @field_validator("admin_token")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < 16:
            raise ValueError("must be at least 16 characters")
        return value


async def dispatch_periodically(notifier: Notifier, interval: float) -> None:
    """Sends the client webhooks that are due, every interval."""
    while True:
        try:
            while await notifier.deliver_due():
                pass
        except Exception:  # a store hiccup must not stop deliveries; the next round retries
            log.exception("client webhook dispatch failed")
        await asyncio.sleep(interval)


async def main() -> None:
    """Starts the service and runs until SIGTERM."""
    settings = load_settings(GatewaySettings)
    runtime = ServiceRuntime(SERVICE, settings)
    clients = ClientRepository(runtime.db, runtime.cipher.lookup_hash, runtime.clock)
    await clients.ensure_indexes()
    timeline = TimelineRepository(runtime.outbox_collection("timeline"), runtime.cipher)
    await timeline.ensure_indexes()
    deliveries = DeliveryRepository(runtime.outbox_collection("webhook_deliveries"), runtime.clock)
    await deliveries.ensure_indexes()
    http = httpx.AsyncClient(timeout=10)
    notifier = Notifier(
        EndpointRepository(TenantCollection(runtime.db["webhook_endpoints"]), runtime.cipher),
        deliveries,
        HttpSender(http),
        runtime.clock,
        RetryPolicy(base_seconds=settings.client_webhook_retry_base_seconds),
    )
    channel = open_channel(settings.agreements_addr)
    messaging = open_channel(settings.messaging_addr)
    contact_locator = open_channel(settings.contact_locator_addr)
    backends = Backends(
        clients=clients,
        agreements=pb_grpc.AgreementsServiceStub(channel),
        timeline=timeline,
        admin_token=settings.admin_token.get_secret_value(),
        strategy=strategy_grpc.StrategyServiceStub(open_channel(settings.strategy_addr)),
        hooks=MessagingHooks(messaging_grpc.MessagingServiceStub(messaging)),
        hook_secrets=HookSecrets(
            settings.whatsapp_app_secret.get_secret_value(),
            settings.whatsapp_verify_token.get_secret_value(),
            settings.twilio_auth_token.get_secret_value(),
            settings.hooks_public_url,
            settings.pix_webhook_secret.get_secret_value(),
        ),
        notifier=notifier,
        max_amount_minor=settings.max_debt_amount_minor,
        messaging=messaging_grpc.MessagingServiceStub(messaging),
        contact_locator=contact_locator_grpc.ContactLocatorServiceStub(contact_locator),
        # Portal links are signed with a key derived from the lookup key: no new secret to manage.
        portal_tokens=PortalTokens(settings.lookup_key.get_secret_value(), runtime.clock),
    )
    app = create_app(backends, settings.max_body_bytes, settings.max_batch_body_bytes)
    # Both read every topic and key their writes by the event id (a timeline entry, a delivery per endpoint).
    projection, notifications = timeline_projection(timeline), client_notifications(notifier)
    runtime.consume(list(TOPIC_PARTITIONS), projection, group_suffix="timeline", keyed_by_event=True)
    runtime.consume(list(TOPIC_PARTITIONS), notifications, group_suffix="client-webhooks", keyed_by_event=True)
    server = uvicorn.Server(
        uvicorn.Config(app, host=settings.http_host, port=settings.http_port, log_config=None, access_log=False)
    )
    runtime.run_in_background(lambda: dispatch_periodically(notifier, settings.client_webhook_dispatch_seconds))
    tasks: list[asyncio.Task[None]] = []

    async def serve_http() -> None:
        tasks.append(asyncio.create_task(server.serve()))
        while not server.started:  # noqa: ASYNC110 - uvicorn exposes only a flag
            await asyncio.sleep(0.05)

    async def stop_http() -> None:
        server.should_exit = True
        await asyncio.gather(*tasks, return_exceptions=True)
        await http.aclose()
        # grace=None (cancel what is still in flight) is grpc's default, which grpc-stubs leaves out.
        await channel.close(grace=None)
        await messaging.close(grace=None)
        await contact_locator.close(grace=None)

    runtime.on_stop(stop_http)
    await runtime.run(ready=serve_http)


if __name__ == "__main__":
    run_service(main)
