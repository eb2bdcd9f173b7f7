"""Webhooks: signatures verified, receipts and replies read in the providers' shapes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from cordial.events.v1 import messages_pb2 as m
from cordial_gateway.domain.webhooks import (
    HookSecrets,
    InboundReply,
    Receipt,
    twilio_receipt,
    twilio_reply,
    twilio_signature,
    twilio_signature_ok,
    whatsapp_challenge,
    whatsapp_receipts,
    whatsapp_replies,
    whatsapp_signature_ok,
)

SECRET = "app-secret"


def _notification(value: dict[str, object]) -> dict[str, object]:
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": value}]}],
    }


def test_whatsapp_signature() -> None:
    body = json.dumps(_notification({})).encode()
    good = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert whatsapp_signature_ok(SECRET, body, good)
    assert not whatsapp_signature_ok(SECRET, body + b" ", good)
    assert not whatsapp_signature_ok("other", body, good)
    assert not whatsapp_signature_ok(SECRET, body, good.removeprefix("sha256="))
    assert not whatsapp_signature_ok(SECRET, body, None)


def test_twilio_signature_covers_url_and_sorted_params() -> None:
    url = "https://cordial.example/hooks/t1/sms/status"
    params = {"MessageSid": "SM1", "MessageStatus": "delivered", "AccountSid": "AC1"}
    data = url + "AccountSidAC1MessageSidSM1MessageStatusdelivered"
    good = base64.b64encode(hmac.new(b"token", data.encode(), hashlib.sha1).digest()).decode()
    assert twilio_signature_ok("token", url, params, good)
    assert not twilio_signature_ok("token", url + "?x=1", params, good)
    assert not twilio_signature_ok("token", url, {**params, "MessageStatus": "failed"}, good)
    assert not twilio_signature_ok("token", url, params, None)


def test_whatsapp_statuses_become_receipts() -> None:
    payload = _notification(
        {
            "statuses": [
                {"id": "wamid.1", "status": "sent", "recipient_id": "5511"},
                {"id": "wamid.1", "status": "delivered", "biz_opaque_callback_data": "k1"},
                {"id": "wamid.2", "status": "read"},
                {"id": "wamid.3", "status": "failed", "errors": [{"code": 131026, "title": "Undeliverable"}]},
            ]
        }
    )
    assert whatsapp_receipts(payload) == [
        Receipt("wamid.1", m.DELIVERY_STATE_DELIVERED, "", "k1"),
        Receipt("wamid.2", m.DELIVERY_STATE_READ),
        Receipt("wamid.3", m.DELIVERY_STATE_FAILED, "131026"),
    ]


def test_whatsapp_messages_become_replies() -> None:
    payload = _notification(
        {
            "contacts": [{"wa_id": "5511987654321"}],
            "messages": [
                {"from": "5511987654321", "id": "wamid.in1", "type": "text", "text": {"body": "SAIR"}},
                {
                    "from": "5511987654321",
                    "id": "wamid.in2",
                    "type": "button",
                    "button": {"text": "Já paguei"},
                    "context": {"id": "wamid.out"},
                },
                {"from": "5511987654321", "id": "wamid.in3", "type": "image", "image": {"id": "x"}},
            ],
        }
    )
    assert whatsapp_replies(payload) == [
        InboundReply("wamid.in1", "+5511987654321", "SAIR"),
        InboundReply("wamid.in2", "+5511987654321", "Já paguei", "wamid.out"),
    ]


def test_twilio_status_and_inbound() -> None:
    assert twilio_receipt({"MessageSid": "SM1", "MessageStatus": "delivered"}) == Receipt(
        "SM1", m.DELIVERY_STATE_DELIVERED
    )
    assert twilio_receipt({"MessageSid": "SM1", "MessageStatus": "undelivered", "ErrorCode": "30003"}) == Receipt(
        "SM1", m.DELIVERY_STATE_FAILED, "30003"
    )
    assert twilio_receipt({"MessageSid": "SM1", "MessageStatus": "queued"}) is None
    assert twilio_reply({"MessageSid": "SM9", "From": "+5511", "Body": "PARAR"}) == InboundReply(
        "SM9", "+5511", "PARAR"
    )
    assert twilio_reply({"Body": "x"}) is None


def test_empty_secrets_refuse_everything_and_the_handshake_echoes_only_our_token() -> None:
    assert not whatsapp_signature_ok("", b"{}", "sha256=" + hmac.new(b"", b"{}", hashlib.sha256).hexdigest())
    assert not twilio_signature_ok("", "https://x/hooks", {}, twilio_signature("", "https://x/hooks", {}))
    secrets = HookSecrets("app", "verify-me", "tok")
    assert whatsapp_challenge(secrets, "subscribe", "verify-me", "42") == "42"
    assert whatsapp_challenge(secrets, "subscribe", "other", "42") is None
    assert whatsapp_challenge(HookSecrets("app", "", "tok"), "subscribe", "", "42") is None
