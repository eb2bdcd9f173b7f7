"""Provider webhooks: signature checks and what a receipt or a reply says, without I/O.

WhatsApp Cloud API signs the raw body with the app secret (``X-Hub-Signature-256:
sha256=<hex HMAC-SHA256>``). Twilio signs the full callback URL followed by each POST
parameter name and value in name order (``X-Twilio-Signature``: base64 HMAC-SHA1 with
the auth token).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cordial.events.v1 import messages_pb2

# The names messaging's channel adapters record as each message's provider.
WHATSAPP_PROVIDER = "whatsapp-cloud"
SMS_PROVIDER = "sms-gateway"

_WHATSAPP_STATES = {
    "delivered": messages_pb2.DELIVERY_STATE_DELIVERED,
    "read": messages_pb2.DELIVERY_STATE_READ,
    "failed": messages_pb2.DELIVERY_STATE_FAILED,
}
_TWILIO_STATES = {
    "delivered": messages_pb2.DELIVERY_STATE_DELIVERED,
    "read": messages_pb2.DELIVERY_STATE_READ,
    "undelivered": messages_pb2.DELIVERY_STATE_FAILED,
    "failed": messages_pb2.DELIVERY_STATE_FAILED,
}


@dataclass(frozen=True)
class Receipt:
    """A provider's news about a message it took."""

    provider_message_id: str
    state: messages_pb2.DeliveryState
    error_code: str = ""
    callback_data: str = ""


@dataclass(frozen=True)
class InboundReply:
    """A debtor's message to us."""

    provider_message_id: str
    sender: str
    text: str
    in_reply_to: str = ""


def whatsapp_signature_ok(app_secret: str, body: bytes, header: str | None) -> bool:
    """True when ``X-Hub-Signature-256`` is the HMAC-SHA256 of the body with the app secret."""
    if not app_secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


def twilio_signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """Twilio's signature of a form POST to ``url``."""
    data = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def twilio_signature_ok(auth_token: str, url: str, params: Mapping[str, str], header: str | None) -> bool:
    """True when ``X-Twilio-Signature`` signs this URL and these parameters."""
    return bool(auth_token and header) and hmac.compare_digest(twilio_signature(auth_token, url, params), header or "")


def _values(payload: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Each ``value`` of a Cloud API notification (entry[].changes[].value)."""
    return [
        change.get("value") or {}
        for entry in payload.get("entry") or []
        for change in entry.get("changes") or []
        if change.get("field") == "messages"
    ]


def whatsapp_receipts(payload: Mapping[str, Any]) -> list[Receipt]:
    """Delivered, read and failed statuses; "sent" adds nothing to the provider's acceptance."""
    receipts = []
    for value in _values(payload):
        for status in value.get("statuses") or []:
            state = _WHATSAPP_STATES.get(status.get("status", ""))
            if state is None:
                continue
            errors = status.get("errors") or [{}]
            code = str(errors[0].get("code", "")) if state == messages_pb2.DELIVERY_STATE_FAILED else ""
            receipts.append(Receipt(str(status["id"]), state, code, str(status.get("biz_opaque_callback_data", ""))))
    return receipts


def whatsapp_replies(payload: Mapping[str, Any]) -> list[InboundReply]:
    """Text and quick-reply button messages from debtors."""
    replies = []
    for value in _values(payload):
        for message in value.get("messages") or []:
            kind = message.get("type")
            if kind == "text":
                text = str((message.get("text") or {}).get("body", ""))
            elif kind == "button":
                text = str((message.get("button") or {}).get("text", ""))
            else:
                continue
            context = str((message.get("context") or {}).get("id", ""))
            replies.append(InboundReply(str(message["id"]), "+" + str(message["from"]).lstrip("+"), text, context))
    return replies


def twilio_receipt(form: Mapping[str, str]) -> Receipt | None:
    """A Twilio status callback as a receipt; queued and sent carry no news."""
    state = _TWILIO_STATES.get(form.get("MessageStatus", ""))
    if state is None or not form.get("MessageSid"):
        return None
    return Receipt(
        form["MessageSid"], state, form.get("ErrorCode", "") if state == messages_pb2.DELIVERY_STATE_FAILED else ""
    )


def twilio_reply(form: Mapping[str, str]) -> InboundReply | None:
    """A Twilio inbound SMS as a reply."""
    if not form.get("MessageSid") or not form.get("From"):
        return None
    return InboundReply(form["MessageSid"], form["From"], form.get("Body", ""))


@dataclass(frozen=True)
class HookSecrets:
    """What proves a webhook came from the provider."""

    # An empty secret refuses every notification: an HMAC with an empty key proves nothing.
    whatsapp_app_secret: str
    whatsapp_verify_token: str
    twilio_auth_token: str
    # Twilio signs the URL it called; behind a proxy that is the public one, not the one the app sees.
    public_base_url: str = ""
    # Signs the payment provider's PIX notifications (X-Webhook-Signature).
    pix_webhook_secret: str = ""


def whatsapp_challenge(secrets: HookSecrets, mode: str, token: str, challenge: str) -> str | None:
    """The challenge to echo when Meta's verification request carries our verify token, else None."""
    if mode != "subscribe" or not token or not challenge or not secrets.whatsapp_verify_token:
        return None
    return challenge if hmac.compare_digest(token, secrets.whatsapp_verify_token) else None


def signed_url(secrets: HookSecrets, seen_url: str, path_and_query: str) -> str:
    """The URL Twilio signed: the public base plus the path when one is configured."""
    return secrets.public_base_url.rstrip("/") + path_and_query if secrets.public_base_url else seen_url
