"""Build the sandbox FastAPI app: health, ``/sandbox`` controls and every provider.

To add a provider, write ``cordial_sandbox/<name>.py`` exposing ``PROVIDER`` (see
``provider.py``) and list it in ``PROVIDERS``.
"""

from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI

from cordial_sandbox import (
    boletos,
    bureau,
    control,
    court,
    enrichment,
    letters,
    lookup,
    pix,
    protest,
    sms,
    smtp,
    snapshot,
    voice,
    webhooks,
    whatsapp,
    whatsapp_contacts,
)
from cordial_sandbox.provider import Provider
from cordial_sandbox.rate_limits import RateLimits
from cordial_sandbox.state import SandboxState, utc_now
from cordial_sandbox.whatsapp_limits import ArrivalStamp, Limits

PROVIDERS: tuple[Provider, ...] = (
    sms.PROVIDER,
    whatsapp.PROVIDER,
    smtp.PROVIDER,
    voice.PROVIDER,
    letters.PROVIDER,
    lookup.PROVIDER,
    pix.PROVIDER,
    boletos.PROVIDER,
    bureau.PROVIDER,
    protest.PROVIDER,
    court.PROVIDER,
    enrichment.PROVIDER,
    whatsapp_contacts.PROVIDER,
)


def healthz() -> dict[str, str]:
    """Report that the sandbox is up."""
    return {"status": "ok"}


def create_app(
    token: str,
    *,
    clock: Callable[[], datetime] = utc_now,
    app_secret: str = "",
    rates: dict[str, float] | None = None,
    whatsapp_limits: Limits | None = None,
) -> FastAPI:
    """Create an independent sandbox app whose providers accept ``token``; WhatsApp webhooks signed with app_secret.

    ``rates`` are providers' rate limits per channel (requests in any one second). WhatsApp sends are held to the
    Cloud API's limits (80/s per business number, 6 s between two messages to one user, unless
    ``whatsapp_limits`` says otherwise), timed from each request's arrival.
    """
    if not token:
        raise ValueError("token must not be empty")
    channels = frozenset(p.channel for p in PROVIDERS)
    unknown = sorted(set(rates or {}) - channels)
    if unknown:
        raise ValueError(f"rates name unknown channels {unknown}; known: {', '.join(sorted(channels))}")
    app = FastAPI(title="Cordial provider sandbox", docs_url="/sandbox/docs")
    app.state.sandbox = SandboxState(
        token=token,
        channels=channels,
        clock=clock,
        app_secret=app_secret,
        rates=RateLimits(rates),
        whatsapp_limits_started=whatsapp_limits or Limits(),
    )
    app.add_middleware(ArrivalStamp, clock=clock)
    app.add_api_route("/healthz", healthz, methods=["GET"])
    app.include_router(control.build_router())
    app.include_router(snapshot.build_router())
    app.include_router(webhooks.build_router())
    for provider in PROVIDERS:
        app.include_router(provider.build_router())
    return app
