"""How the adapters read providers' failures: a rate limit, a transient failure, an opt-out or a refusal."""

from __future__ import annotations

import httpx
import pytest

from cordial_messaging.adapters.providers import SmsGateway, WhatsAppCloud
from cordial_messaging.domain.dispatch import (
    OutboundMessage,
    PermanentSendFailure,
    RateLimitedSend,
    RecipientOptedOut,
    TransientSendFailure,
)

MESSAGE = OutboundMessage("+5511987654321", "Olá", "reminder", ("Loja X",), "key-1")


def _answering(status: int, body: object) -> WhatsAppCloud:
    """The adapter on a Cloud API that answers every send with ``status`` and a JSON ``body``."""
    transport = httpx.MockTransport(lambda request: httpx.Response(status, json=body))
    return WhatsAppCloud(httpx.AsyncClient(transport=transport), "https://graph.example", "v21.0", "1", "token")


def _graph(code: int, message: str) -> dict[str, object]:
    return {"error": {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "A1"}}


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        (400, 130429, "(#130429) Rate limit hit"),
        (400, 131056, "(#131056) (Business Account, Consumer Account) pair rate limit hit"),
        (429, 131056, "(#131056) (Business Account, Consumer Account) pair rate limit hit"),
        (400, 80007, "(#80007) Rate limit issues"),
    ],
)
async def test_a_rate_limit_is_a_rate_limited_send_whatever_status_carries_it(
    status: int, code: int, message: str
) -> None:
    with pytest.raises(RateLimitedSend, match=str(code)):
        await _answering(status, _graph(code, message)).send(MESSAGE)


async def test_not_a_whatsapp_user_is_a_refusal_and_a_server_error_transient() -> None:
    with pytest.raises(PermanentSendFailure, match="131026") as refused:
        await _answering(400, _graph(131026, "Message undeliverable")).send(MESSAGE)
    assert not isinstance(refused.value, TransientSendFailure)
    with pytest.raises(TransientSendFailure) as failed:
        await _answering(503, _graph(2, "Service temporarily unavailable")).send(MESSAGE)
    assert not isinstance(failed.value, RateLimitedSend), "a server error falls back once its backoff is spent"
    with pytest.raises(PermanentSendFailure):
        await _answering(400, ["not the Graph shape"]).send(MESSAGE)


def _twilio(status: int, code: int, message: str) -> SmsGateway:
    """The SMS adapter on a Twilio that answers every send with its error shape."""
    body = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    transport = httpx.MockTransport(lambda request: httpx.Response(status, json=body))
    return SmsGateway(httpx.AsyncClient(transport=transport), "https://api.example", "ACx", "token", "+15005550006")


async def test_twilios_21610_is_an_opt_out_other_refusals_are_not_and_its_rate_limit_is_retried() -> None:
    with pytest.raises(RecipientOptedOut, match="21610") as opted:
        await _twilio(400, 21610, "Attempt to send to unsubscribed recipient").send(MESSAGE)
    assert isinstance(opted.value, PermanentSendFailure), "never retried at the same number"
    with pytest.raises(PermanentSendFailure, match="21211") as refused:
        await _twilio(400, 21211, "The 'To' number is not a valid phone number.").send(MESSAGE)
    assert not isinstance(refused.value, RecipientOptedOut)
    with pytest.raises(RateLimitedSend):
        await _twilio(429, 20429, "Too Many Requests").send(MESSAGE)
    with pytest.raises(PermanentSendFailure) as graph:
        await _answering(400, _graph(21610, "not Twilio's code here")).send(MESSAGE)
    assert not isinstance(graph.value, RecipientOptedOut), "21610 means an opt-out only in Twilio's shape"
