"""Provider webhooks the sandbox emits on request, signed as the real providers sign them.

- ``POST /sandbox/webhooks`` ``{"kind", "url"}`` sets where a kind of notification goes:
  ``whatsapp`` (Cloud API notifications), ``sms_status`` (Twilio status callbacks) or
  ``sms_inbound`` (Twilio incoming messages); ``GET`` lists them.
- ``POST /sandbox/whatsapp/statuses`` ``{"message_id", "status", "error_code"?}`` posts a
  Cloud API ``statuses`` notification for a message in the inbox (its
  ``biz_opaque_callback_data`` echoed), signed ``X-Hub-Signature-256: sha256=<HMAC-SHA256 of the
  body with the app secret>``.
- ``POST /sandbox/whatsapp/replies`` ``{"sender", "text", "context_id"?}`` posts a Cloud API
  ``messages`` notification of a text from a user.
- ``POST /sandbox/sms/statuses`` ``{"sid", "status", "error_code"?}`` and
  ``POST /sandbox/sms/replies`` ``{"sender", "body"}`` post Twilio's form callbacks, signed
  ``X-Twilio-Signature`` (base64 HMAC-SHA1 with the auth token of the URL and the sorted params).
  A reply from a US number that is an opt-out keyword (or START after one) is first acted on as Twilio does
  (``sms_opt_outs``): Twilio's confirmation goes into the inbox and the pair is blocked (or freed), then the
  reply is posted like any other.

Each answers ``{"url", "status"}``: where it posted and what the receiver answered.
"""

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from cordial_sandbox.inbox import digits
from cordial_sandbox.outbound import webhook_client
from cordial_sandbox.state import State

KINDS = ("whatsapp", "sms_status", "sms_inbound", "pix")
PHONE_NUMBER_ID = "100000000000001"


class Target(BaseModel):
    """Body of ``POST /sandbox/webhooks``."""

    kind: str
    url: str


class WhatsAppStatus(BaseModel):
    """A status of a message the sandbox took."""

    message_id: str
    status: str
    error_code: int | None = None


class WhatsAppReply(BaseModel):
    """A text a user sends to the business number."""

    sender: str
    text: str
    context_id: str = ""


class SmsStatus(BaseModel):
    """A Twilio status of a message the sandbox took."""

    sid: str
    status: str
    error_code: str = ""


class SmsReply(BaseModel):
    """An SMS a user sends to our number."""

    sender: str
    body: str
    to: str = "+5511999990000"


def twilio_signature(token: str, url: str, params: dict[str, str]) -> str:
    """Twilio's X-Twilio-Signature of a form POST."""
    data = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def _target(state: State, kind: str) -> str:
    url = state.webhooks.get(kind)
    if not url:
        raise HTTPException(status_code=409, detail=f"no webhook URL set for {kind}: POST /sandbox/webhooks first")
    return url


def _notification(value: dict[str, Any]) -> dict[str, Any]:
    """The Cloud API envelope around one ``value``."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "5511999990000", "phone_number_id": PHONE_NUMBER_ID},
        **value,
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA_ID", "changes": [{"value": value, "field": "messages"}]}],
    }


async def _post_whatsapp(state: State, payload: dict[str, Any]) -> dict[str, Any]:
    url = _target(state, "whatsapp")
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(state.app_secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {"content-type": "application/json", "x-hub-signature-256": signature}
    async with webhook_client() as client:
        response = await client.post(url, content=body, headers=headers)
    return {"url": url, "status": response.status_code}


async def _post_twilio(state: State, kind: str, form: dict[str, str]) -> dict[str, Any]:
    url = _target(state, kind)
    headers = {"x-twilio-signature": twilio_signature(state.token, url, form)}
    async with webhook_client() as client:
        response = await client.post(url, data=form, headers=headers)
    return {"url": url, "status": response.status_code}


def set_target(body: Target, state: State) -> dict[str, Any]:
    """Sets where one kind of notification is posted."""
    if body.kind not in KINDS:
        raise HTTPException(status_code=422, detail=f"kind must be one of: {', '.join(KINDS)}")
    state.webhooks[body.kind] = body.url
    return {"webhooks": dict(state.webhooks)}


def list_targets(state: State) -> dict[str, Any]:
    """Where each kind of notification goes."""
    return {"webhooks": dict(state.webhooks)}


async def whatsapp_status(body: WhatsAppStatus, state: State) -> dict[str, Any]:
    """Posts the status of a WhatsApp message from the inbox."""
    found = [m for m in state.inbox.list(channel="whatsapp") if m["id"] == body.message_id]
    if not found:
        raise HTTPException(status_code=404, detail=f"message_id: no WhatsApp message {body.message_id}")
    status: dict[str, Any] = {
        "id": body.message_id,
        "status": body.status,
        "timestamp": str(int(state.clock().timestamp())),
        "recipient_id": found[0]["to"],
    }
    callback = found[0]["payload"].get("biz_opaque_callback_data")
    if callback:
        status["biz_opaque_callback_data"] = callback
    if body.error_code is not None:
        status["errors"] = [{"code": body.error_code, "title": "Message undeliverable"}]
    return await _post_whatsapp(state, _notification({"statuses": [status]}))


async def whatsapp_reply(body: WhatsAppReply, state: State) -> dict[str, Any]:
    """Posts a text a user sent to the business number."""
    wa_id = digits(body.sender)
    message: dict[str, Any] = {
        "from": wa_id,
        "id": "wamid." + secrets.token_urlsafe(36),
        "timestamp": str(int(state.clock().timestamp())),
        "type": "text",
        "text": {"body": body.text},
    }
    if body.context_id:
        message["context"] = {"from": "5511999990000", "id": body.context_id}
    contacts = [{"profile": {"name": "Sandbox user"}, "wa_id": wa_id}]
    return await _post_whatsapp(state, _notification({"contacts": contacts, "messages": [message]}))


async def sms_status(body: SmsStatus, state: State) -> dict[str, Any]:
    """Posts Twilio's status callback of an SMS from the inbox."""
    found = [m for m in state.inbox.list(channel="sms") if m["id"] == body.sid]
    if not found:
        raise HTTPException(status_code=404, detail=f"sid: no SMS {body.sid}")
    form = {
        "MessageSid": body.sid,
        "SmsSid": body.sid,
        "MessageStatus": body.status,
        "SmsStatus": body.status,
        "To": "+" + found[0]["to"].lstrip("+"),
        "AccountSid": "ACsandbox",
        "ApiVersion": "2010-04-01",
    }
    if body.error_code:
        form["ErrorCode"] = body.error_code
    return await _post_twilio(state, "sms_status", form)


async def sms_reply(body: SmsReply, state: State) -> dict[str, Any]:
    """Posts Twilio's incoming-message webhook of an SMS a user sent, after Twilio's own keyword handling."""
    confirmation = state.sms_opt_outs.heard(body.to, body.sender, body.body)
    if confirmation is not None:
        reply = {"From": body.to, "To": body.sender, "Body": confirmation, "direction": "outbound-reply"}
        state.inbox.record(
            id="SM" + secrets.token_hex(16), channel="sms", to=body.sender, body=confirmation, payload=reply
        )
    sid = "SM" + secrets.token_hex(16)
    form = {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": "ACsandbox",
        "From": body.sender,
        "To": body.to,
        "Body": body.body,
        "NumMedia": "0",
        "ApiVersion": "2010-04-01",
    }
    return await _post_twilio(state, "sms_inbound", form)


def build_router() -> APIRouter:
    """The webhook controls under ``/sandbox``."""
    router = APIRouter(prefix="/sandbox", tags=["webhooks"])
    router.add_api_route("/webhooks", set_target, methods=["POST"])
    router.add_api_route("/webhooks", list_targets, methods=["GET"])
    router.add_api_route("/whatsapp/statuses", whatsapp_status, methods=["POST"])
    router.add_api_route("/whatsapp/replies", whatsapp_reply, methods=["POST"])
    router.add_api_route("/sms/statuses", sms_status, methods=["POST"])
    router.add_api_route("/sms/replies", sms_reply, methods=["POST"])
    return router
