"""Wires and starts the messaging service."""

from __future__ import annotations

import httpx
from pydantic import Field, SecretStr

from cordial.messaging.v1 import messaging_service_pb2_grpc as pb_grpc
from cordial.types.v1 import types_pb2
from cordial_core.grpc_server import open_channel
from cordial_core.runtime import ServiceRuntime, run_service
from cordial_core.settings import ServiceSettings, load_settings
from cordial_messaging.adapters.contact_plan import ContactLocatorPlan
from cordial_messaging.adapters.contact_policy import StrategyContactPolicy
from cordial_messaging.adapters.inbound import InboundRepository
from cordial_messaging.adapters.messages import MessageRepository
from cordial_messaging.adapters.providers import SmsGateway, WhatsAppCloud
from cordial_messaging.api.events import handlers
from cordial_messaging.api.grpc import MessagingServicer
from cordial_messaging.domain.dispatch import Dispatcher
from cordial_messaging.domain.inbound import Inbound

SERVICE = "messaging"


class MessagingSettings(ServiceSettings):
    """Where contact-locator, strategy and the providers are, and how to authenticate."""

    contact_locator_addr: str = Field(validation_alias="CONTACT_LOCATOR_ADDR")
    strategy_addr: str = Field(validation_alias="STRATEGY_ADDR")
    sms_provider_url: str = Field(validation_alias="SMS_PROVIDER_URL")
    sms_account_sid: str = Field(default="ACcordial", validation_alias="SMS_ACCOUNT_SID")
    sms_from: str = Field(default="+5511999990000", validation_alias="SMS_FROM")
    whatsapp_provider_url: str = Field(validation_alias="WHATSAPP_PROVIDER_URL")
    whatsapp_api_version: str = Field(default="v21.0", validation_alias="WHATSAPP_API_VERSION")
    whatsapp_phone_number_id: str = Field(default="100000000000001", validation_alias="WHATSAPP_PHONE_NUMBER_ID")
    provider_token: SecretStr = Field(validation_alias="PROVIDER_TOKEN")
    portal_base_url: str = Field(validation_alias="PORTAL_BASE_URL")


async def main() -> None:
    """Starts the service and runs until SIGTERM."""
    settings = load_settings(MessagingSettings)
    runtime = ServiceRuntime(SERVICE, settings)
    messages = MessageRepository(runtime.outbox_collection("messages"), runtime.cipher, runtime.clock)
    await messages.ensure_indexes()
    http = httpx.AsyncClient(timeout=10)
    locator = open_channel(settings.contact_locator_addr)
    strategy = open_channel(settings.strategy_addr)
    token = settings.provider_token.get_secret_value()
    channels = {
        types_pb2.CHANNEL_SMS: SmsGateway(
            http, settings.sms_provider_url, settings.sms_account_sid, token, settings.sms_from
        ),
        types_pb2.CHANNEL_WHATSAPP: WhatsAppCloud(
            http,
            settings.whatsapp_provider_url,
            settings.whatsapp_api_version,
            settings.whatsapp_phone_number_id,
            token,
        ),
    }
    inbound_store = InboundRepository(
        messages.collection,
        runtime.outbox_collection("replies"),
        runtime.outbox_collection("opt_outs"),
        runtime.cipher,
        runtime.clock,
    )
    dispatcher = Dispatcher(
        messages,
        ContactLocatorPlan(locator),
        channels,
        runtime.clock,
        settings.portal_base_url,
        opt_outs=inbound_store,
        policy=StrategyContactPolicy(strategy),
    )
    inbound = Inbound(inbound_store, channels, runtime.clock)
    runtime.consume(["actions"], handlers(dispatcher))
    runtime.add_grpc(
        lambda server: pb_grpc.add_MessagingServiceServicer_to_server(MessagingServicer(messages, inbound), server),
        "cordial.messaging.v1.MessagingService",
    )

    async def close() -> None:
        await http.aclose()
        await locator.close()
        await strategy.close()

    runtime.on_stop(close)
    await runtime.run()


if __name__ == "__main__":
    run_service(main)
