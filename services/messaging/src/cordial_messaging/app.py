"""Wires and starts the messaging service."""

from __future__ import annotations

import asyncio
import logging
import socket
from datetime import timedelta

import httpx
from pydantic import Field, SecretStr

from cordial.messaging.v1 import messaging_service_pb2_grpc as pb_grpc
from cordial.types.v1 import types_pb2
from cordial_core.clock import Clock
from cordial_core.grpc_server import open_channel
from cordial_core.metrics import count_pass
from cordial_core.portal_tokens import PortalTokens
from cordial_core.runtime import ServiceRuntime, run_service
from cordial_core.settings import ServiceSettings, load_settings
from cordial_core.store import TenantCollection
from cordial_messaging.adapters.audit import AuditRepository
from cordial_messaging.adapters.cached import CachedCreditors, CachedTemplates
from cordial_messaging.adapters.catalogue import CreditorRepository, TemplateRepository
from cordial_messaging.adapters.contact_plan import ContactLocatorPlan
from cordial_messaging.adapters.contact_policy import StrategyContactPolicy
from cordial_messaging.adapters.inbound import InboundRepository
from cordial_messaging.adapters.letter import PrintProvider
from cordial_messaging.adapters.mail import SmtpMail
from cordial_messaging.adapters.messages import MessageRepository
from cordial_messaging.adapters.metrics import NoticeMetrics
from cordial_messaging.adapters.providers import SmsGateway, WhatsAppCloud
from cordial_messaging.adapters.rate_slots import MongoRateSlots
from cordial_messaging.adapters.voice import TwilioVoice
from cordial_messaging.api.events import handlers
from cordial_messaging.api.grpc import MessagingServicer
from cordial_messaging.domain.catalogue import TemplateBook
from cordial_messaging.domain.composer import Composer
from cordial_messaging.domain.dispatch import Channel, Dispatcher
from cordial_messaging.domain.inbound import Inbound
from cordial_messaging.domain.notices import Notices
from cordial_messaging.domain.throttle import DEFAULT_PACE, Pace, Throttle
from cordial_messaging.domain.undecided import UndecidedBounds

SERVICE = "messaging"
PRUNE_EVERY = timedelta(minutes=1)
log = logging.getLogger(__name__)


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
    # E-mail, voice and letters are wired only where their provider is configured.
    smtp_host: str = Field(default="", validation_alias="SMTP_HOST")
    smtp_port: int = Field(default=587, validation_alias="SMTP_PORT")
    smtp_username: str = Field(default="cordial", validation_alias="SMTP_USERNAME")
    smtp_start_tls: bool = Field(default=False, validation_alias="SMTP_START_TLS")
    mail_from: str = Field(default="Cordial <cobranca@cordial.example>", validation_alias="MAIL_FROM")
    voice_provider_url: str = Field(default="", validation_alias="VOICE_PROVIDER_URL")
    voice_from: str = Field(default="+5511999990001", validation_alias="VOICE_FROM")
    print_provider_url: str = Field(default="", validation_alias="PRINT_PROVIDER_URL")
    letter_return_address: str = Field(
        default="Caixa Postal 1000, São Paulo SP, 01000-000", validation_alias="LETTER_RETURN_ADDRESS"
    )
    provider_token: SecretStr = Field(validation_alias="PROVIDER_TOKEN")
    # Each provider's rate, shared by all instances through MongoDB send cells when SHARED_RATE_LIMITS is on (the
    # default; one cell a second kept spare, so at most the rate in any one-second window of send starts), else
    # this instance's share. WhatsApp: the Cloud API allows 80/s per number and refuses more (130429). Requests
    # arrive later than they start, by a delay that varies (the event loop, the CPU, the network); at N/s a window
    # of arrivals holds the starts of 1 + D seconds when the delays spread by D, at most (N - 1)(1 + D) + 1: 70
    # keeps under 80 for a spread up to 0.14 s (76 allowed 0.07 s, and the sandbox saw 81 arrive in a second).
    shared_rate_limits: bool = Field(default=True, validation_alias="SHARED_RATE_LIMITS")
    whatsapp_rate_per_second: float = Field(default=70.0, gt=0, validation_alias="WHATSAPP_RATE_PER_SECOND")
    sms_rate_per_second: float = Field(default=30.0, gt=0, validation_alias="SMS_RATE_PER_SECOND")
    # The Cloud API refuses a second message to one user within 6 s (131056); a second more for the same delays.
    recipient_spacing_seconds: float = Field(default=7.0, gt=0, validation_alias="RECIPIENT_SPACING_SECONDS")
    portal_base_url: str = Field(validation_alias="PORTAL_BASE_URL")
    # Templates and creditor identities are read once per this many seconds per instance: a template version
    # or creditor saved through another instance is used from at most this long after.
    catalogue_cache_seconds: float = Field(default=30.0, gt=0, validation_alias="MESSAGING_CATALOGUE_CACHE_SECONDS")
    # How often deferred actions (a recipient's spacing not yet passed) are looked for.
    due_poll_seconds: float = Field(default=0.5, gt=0, validation_alias="MESSAGING_DUE_POLL_SECONDS")
    # A send the contact policy could not decide (strategy unreachable, agreements' standing unknown) is asked about
    # again after a pause that doubles up to MESSAGING_UNDECIDED_MAX_WAIT_SECONDS, and given up (failed, audited,
    # counted, message.failed) MESSAGING_UNDECIDED_LIMIT_SECONDS after its first undecided answer.
    undecided_max_wait_seconds: float = Field(
        default=1800.0, gt=0, validation_alias="MESSAGING_UNDECIDED_MAX_WAIT_SECONDS"
    )
    undecided_limit_seconds: float = Field(default=86400.0, gt=0, validation_alias="MESSAGING_UNDECIDED_LIMIT_SECONDS")
    # Names this process as the owner of the actions it defers; stable across a restart on the same host.
    instance: str = Field(default="", validation_alias="MESSAGING_INSTANCE")


def _other_channels(
    settings: MessagingSettings, http: httpx.AsyncClient, token: str
) -> dict[types_pb2.Channel, Channel]:
    """E-mail, voice and letter channels, each where its provider is configured."""
    channels: dict[types_pb2.Channel, Channel] = {}
    if settings.smtp_host:
        channels[types_pb2.CHANNEL_EMAIL] = SmtpMail(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_username,
            token,
            settings.mail_from,
            start_tls=settings.smtp_start_tls,
        )
    if settings.voice_provider_url:
        channels[types_pb2.CHANNEL_VOICE] = TwilioVoice(
            http, settings.voice_provider_url, settings.sms_account_sid, token, settings.voice_from
        )
    if settings.print_provider_url:
        channels[types_pb2.CHANNEL_LETTER] = PrintProvider(
            http, settings.print_provider_url, token, settings.letter_return_address
        )
    return channels


def _throttle(settings: MessagingSettings) -> Throttle:
    """Each provider's pace; e-mail, voice and letters take the default."""
    spacing = settings.recipient_spacing_seconds
    whatsapp, sms = settings.whatsapp_rate_per_second, settings.sms_rate_per_second
    return Throttle(
        {
            WhatsAppCloud.name: Pace(whatsapp, 1, spacing),
            SmsGateway.name: Pace(sms, 1, spacing),
        },
        Pace(DEFAULT_PACE.rate, DEFAULT_PACE.burst, spacing),
    )


async def send_due(dispatcher: Dispatcher, slots: MongoRateSlots, clock: Clock, interval: float) -> None:
    """Sends deferred actions as they fall due, every interval; forgets shared rate cells and marks long past."""
    pruned = clock.now()
    while True:
        done = 0
        try:
            while sent := await dispatcher.run_due():
                done += sent
            # Pruning reads every cell and mark (FerretDB has no range lookup): once a minute, not every round.
            if clock.now() - pruned >= PRUNE_EVERY:
                await slots.prune(clock.now() - timedelta(minutes=5))
                pruned = clock.now()
        except Exception:  # a store hiccup must not stop the scheduler; the next round retries
            done = -1
            log.exception("sending due messages failed")
        count_pass("messaging_due", done)
        await asyncio.sleep(interval)


async def main() -> None:
    """Starts the service and runs until SIGTERM."""
    settings = load_settings(MessagingSettings)
    runtime = ServiceRuntime(SERVICE, settings)
    instance = settings.instance or f"{socket.gethostname()}:{settings.grpc_port}"
    messages = MessageRepository(runtime.outbox_collection("messages"), runtime.cipher, runtime.clock, instance)
    await messages.ensure_indexes()
    http = httpx.AsyncClient(timeout=10)
    locator = open_channel(settings.contact_locator_addr)
    strategy = open_channel(settings.strategy_addr)
    token = settings.provider_token.get_secret_value()
    channels: dict[types_pb2.Channel, Channel] = {
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
    channels.update(_other_channels(settings, http, token))
    stored_templates = TemplateRepository(TenantCollection(runtime.db["templates"]), runtime.clock)
    await stored_templates.ensure_indexes()
    ttl = settings.catalogue_cache_seconds
    templates = CachedTemplates(stored_templates, ttl)
    creditors = CachedCreditors(
        CreditorRepository(TenantCollection(runtime.db["creditors"]), runtime.cipher, runtime.clock), ttl
    )
    audit = AuditRepository(TenantCollection(runtime.db["audit"]), runtime.cipher)
    throttle = _throttle(settings)
    # Each provider's cells claimed about a quarter second at a time, so a claim outlasts its insert under load.
    slots = MongoRateSlots(
        runtime.db["rate_slots"], runtime.clock, runtime.cipher.lookup_hash, block=throttle.cells_per_claim
    )
    await slots.ensure_indexes()
    await audit.ensure_indexes()
    inbound_store = InboundRepository(
        messages.collection,
        runtime.outbox_collection("replies"),
        runtime.outbox_collection("opt_outs"),
        runtime.cipher,
        runtime.clock,
        TenantCollection(runtime.db["recipients"]),
    )
    dispatcher = Dispatcher(
        messages,
        ContactLocatorPlan(locator),
        channels,
        runtime.clock,
        Composer(
            templates,
            creditors,
            settings.portal_base_url,
            PortalTokens(settings.lookup_key.get_secret_value(), runtime.clock),
            runtime.clock,
        ),
        opt_outs=inbound_store,
        policy=StrategyContactPolicy(strategy),
        throttle=throttle,
        audit=audit,
        slots=slots if settings.shared_rate_limits else None,
        recipients=inbound_store,
        undecided=UndecidedBounds(
            timedelta(seconds=settings.undecided_max_wait_seconds), timedelta(seconds=settings.undecided_limit_seconds)
        ),
        notices=Notices(messages, runtime.clock, audit, NoticeMetrics()),
    )
    inbound = Inbound(inbound_store, dispatcher, runtime.clock, audit)
    # A send mostly waits (the store, the provider, its rate): the actions topic's partitions are handled at once.
    runtime.consume(["actions"], handlers(dispatcher), partitions_in_parallel=True)
    servicer = MessagingServicer(messages, inbound, TemplateBook(templates), creditors, audit)
    runtime.add_grpc(
        lambda server: pb_grpc.add_MessagingServiceServicer_to_server(servicer, server),
        "cordial.messaging.v1.MessagingService",
    )
    runtime.run_in_background(lambda: send_due(dispatcher, slots, runtime.clock, settings.due_poll_seconds))

    async def close() -> None:
        await http.aclose()
        # grace=None (cancel what is still in flight) is grpc's default, which grpc-stubs leaves out.
        await locator.close(grace=None)
        await strategy.close(grace=None)

    runtime.on_stop(close)
    await runtime.run()


if __name__ == "__main__":
    run_service(main)
