"""Provider webhooks: WhatsApp Cloud API and Twilio, the tenant named by the URL path.

Every notification is refused unless its signature checks; a verified one is handed to
messaging, and an error there answers 5xx so the provider delivers it again.
"""

import json
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse

from cordial.types.v1 import types_pb2
from cordial_gateway.api import problems
from cordial_gateway.api.deps import BackendsDep
from cordial_gateway.domain import webhooks

router = APIRouter(prefix="/hooks/{tenant}", tags=["hooks"])
_EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def _refused(detail: str, status: int = 401) -> JSONResponse:
    return problems.problem(status, "bad-signature", "The webhook is not signed by the provider", detail)


def _unknown_tenant(tenant: str) -> JSONResponse:
    return problems.problem(404, "not-found", "Not found", f"tenant: no client {tenant}")


@router.get("/whatsapp", response_model=None)
async def whatsapp_verification(
    tenant: str,
    wired: BackendsDep,
    mode: Annotated[str, Query(alias="hub.mode")] = "",
    token: Annotated[str, Query(alias="hub.verify_token")] = "",
    challenge: Annotated[str, Query(alias="hub.challenge")] = "",
) -> Response:
    """Meta's subscription handshake: echo hub.challenge when hub.verify_token is ours."""
    if not await wired.clients.exists(tenant):
        return _unknown_tenant(tenant)
    answer = webhooks.whatsapp_challenge(wired.hook_secrets, mode, token, challenge)
    if answer is None:
        return problems.problem(403, "forbidden", "Forbidden", "hub.verify_token: does not match")
    return PlainTextResponse(answer)


@router.post("/whatsapp", response_model=None)
async def whatsapp_notification(tenant: str, request: Request, wired: BackendsDep) -> Response:
    """Statuses and debtor messages of the Cloud API, signed with X-Hub-Signature-256."""
    body = await request.body()
    header = request.headers.get("x-hub-signature-256")
    if not webhooks.whatsapp_signature_ok(wired.hook_secrets.whatsapp_app_secret, body, header):
        return _refused("X-Hub-Signature-256: missing or not the HMAC-SHA256 of the body")
    if not await wired.clients.exists(tenant):
        return _unknown_tenant(tenant)
    try:
        payload = json.loads(body)
    except ValueError:
        return problems.problem(400, "bad-request", "Bad request", "body: not JSON")
    await wired.hooks.deliver(
        tenant,
        webhooks.WHATSAPP_PROVIDER,
        types_pb2.CHANNEL_WHATSAPP,
        webhooks.whatsapp_receipts(payload),
        webhooks.whatsapp_replies(payload),
    )
    return JSONResponse({"status": "ok"})


async def _twilio_form(request: Request, wired: BackendsDep) -> dict[str, str] | None:
    """The form of a Twilio callback when X-Twilio-Signature signs it, else None."""
    form = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    url = webhooks.signed_url(wired.hook_secrets, str(request.url), path)
    header = request.headers.get("x-twilio-signature")
    return form if webhooks.twilio_signature_ok(wired.hook_secrets.twilio_auth_token, url, form, header) else None


@router.post("/sms/status", response_model=None)
async def sms_status(tenant: str, request: Request, wired: BackendsDep) -> Response:
    """Twilio's status callback of a message we sent."""
    form = await _twilio_form(request, wired)
    if form is None:
        return _refused("X-Twilio-Signature: missing or does not sign this URL and form")
    if not await wired.clients.exists(tenant):
        return _unknown_tenant(tenant)
    receipt = webhooks.twilio_receipt(form)
    receipts = [receipt] if receipt is not None else []
    await wired.hooks.deliver(tenant, webhooks.SMS_PROVIDER, types_pb2.CHANNEL_SMS, receipts, [])
    return Response(status_code=204)


@router.post("/sms/inbound", response_model=None)
async def sms_inbound(tenant: str, request: Request, wired: BackendsDep) -> Response:
    """A debtor's SMS to our number; answered with empty TwiML (any confirmation is sent by messaging)."""
    form = await _twilio_form(request, wired)
    if form is None:
        return _refused("X-Twilio-Signature: missing or does not sign this URL and form")
    if not await wired.clients.exists(tenant):
        return _unknown_tenant(tenant)
    reply = webhooks.twilio_reply(form)
    replies = [reply] if reply is not None else []
    await wired.hooks.deliver(tenant, webhooks.SMS_PROVIDER, types_pb2.CHANNEL_SMS, [], replies)
    return Response(_EMPTY_TWIML, media_type="text/xml")
