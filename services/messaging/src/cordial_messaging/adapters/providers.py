"""Channel adapters over HTTP: an SMS gateway (Twilio's shape) and the WhatsApp Cloud API."""

from __future__ import annotations

import re
from collections.abc import Awaitable

import httpx

from cordial_messaging.domain.dispatch import (
    Attempt,
    OutboundMessage,
    PermanentSendFailure,
    RateLimitedSend,
    RecipientOptedOut,
    Reconciled,
    TransientSendFailure,
    UncertainSend,
)

# Twilio statuses of a message that never left.
_NOT_SENT = {"failed", "undelivered", "canceled"}
# The Cloud API's template language codes for our locales.
_LANGUAGES = {"pt-BR": "pt_BR", "en": "en", "es": "es"}
_NOT_IN_NAME = re.compile(r"[^a-z0-9_]+")


# Graph codes of the Cloud API's rate limits: the app's calls (4, 80007), the number's throughput (130429) and the
# pair rate to one user (131056). Meta's reference answers them with 400, some providers' with 429: the code
# decides, as Meta advises. Each means "later, at this same number", never that the number is wrong.
_RATE_LIMIT_CODES = frozenset({4, 80007, 130429, 131056})
# Twilio's code for a recipient who texted STOP to the sender (400, "Attempt to send to unsubscribed recipient",
# https://www.twilio.com/docs/api/errors/21610): refused until they text START, so an opt-out, never a retry.
_OPTED_OUT_CODES = frozenset({21610})


def _graph_code(response: httpx.Response) -> int | None:
    """The Graph API error code of an answer in its shape ``{"error": {"code": ...}}``, if it is one."""
    try:
        error = response.json().get("error")
        return int(error["code"]) if isinstance(error, dict) else None
    except (ValueError, AttributeError, KeyError, TypeError):
        return None


def _twilio_code(response: httpx.Response) -> int | None:
    """The code of an error in Twilio's shape ``{"code": ..., "message": ..., "status": ...}``, if it is one."""
    try:
        body = response.json()
        return int(body["code"]) if isinstance(body, dict) and "code" in body else None
    except (ValueError, KeyError, TypeError):
        return None


def _raise_for(response: httpx.Response, provider: str) -> None:
    """Maps a provider's answer to a rate limit, a transient failure, an opt-out or a permanent refusal."""
    if response.status_code < 400:
        return
    said = f"{provider} answered {response.status_code}: {response.text[:300]}"
    if response.status_code == 429 or _graph_code(response) in _RATE_LIMIT_CODES:
        raise RateLimitedSend(said)
    if response.status_code >= 500:
        raise TransientSendFailure(said)
    if _twilio_code(response) in _OPTED_OUT_CODES:
        raise RecipientOptedOut(f"the recipient opted out with the provider: {said}")
    raise PermanentSendFailure(said)


async def post_checked(provider: str, request: Awaitable[httpx.Response]) -> httpx.Response:
    """Sends; a request that never left is transient, one whose answer was lost is uncertain."""
    try:
        response = await request
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        raise TransientSendFailure(f"{provider} unreachable: {exc!r}") from exc
    except httpx.HTTPError as exc:
        raise UncertainSend(f"{provider} answer lost: {exc!r}") from exc
    _raise_for(response, provider)
    return response


class SmsGateway:
    """Sends SMS through a Twilio-shaped Messages API."""

    name = "sms-gateway"

    def __init__(self, client: httpx.AsyncClient, base_url: str, account_sid: str, token: str, sender: str) -> None:
        self._client = client
        self._url = f"{base_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self._auth = (account_sid, token)
        self._sender = sender

    async def send(self, message: OutboundMessage) -> str:
        """Posts the message; returns the provider's message sid (Twilio takes no idempotency key)."""
        form = {"To": message.to, "From": self._sender, "Body": message.text}
        response = await post_checked(self.name, self._client.post(self._url, data=form, auth=self._auth))
        return str(response.json()["sid"])

    async def reconcile(self, attempt: Attempt) -> Reconciled:
        """Lists recent messages to the number: those with the attempt's text may be it."""
        try:
            response = await self._client.get(
                self._url, params={"To": attempt.to, "From": self._sender, "PageSize": "50"}, auth=self._auth
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise UncertainSend(f"{self.name} cannot be asked now: {exc!r}") from exc
        found = tuple(
            str(m["sid"])
            for m in response.json().get("messages", [])
            if m.get("body") == attempt.text and m.get("status") not in _NOT_SENT
        )
        return Reconciled(True, found)


class WhatsAppCloud:
    """Sends template messages through the WhatsApp Cloud API."""

    name = "whatsapp-cloud"

    def __init__(
        self, client: httpx.AsyncClient, base_url: str, version: str, phone_number_id: str, token: str
    ) -> None:
        self._client = client
        self._url = f"{base_url.rstrip('/')}/{version}/{phone_number_id}/messages"
        self._headers = {"Authorization": f"Bearer {token}"}

    async def send(self, message: OutboundMessage) -> str:
        """Posts a template message, or a text one when no template is named; returns the wamid."""
        body = self._text(message) if not message.template else self._template(message)
        response = await post_checked(self.name, self._client.post(self._url, json=body, headers=self._headers))
        return str(response.json()["messages"][0]["id"])

    @staticmethod
    def _text(message: OutboundMessage) -> dict[str, object]:
        """A free-form text: allowed only inside the 24-hour window a debtor's own message opens."""
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": message.to.lstrip("+"),
            "type": "text",
            "text": {"body": message.text},
            "biz_opaque_callback_data": message.idempotency_key,
        }

    @staticmethod
    def _template(message: OutboundMessage) -> dict[str, object]:
        """A template message in the Cloud API's shape: the approved template's name, language and body parameters.

        Parameters are the values of the template's variables in the order they appear; the API refuses
        newlines, tabs and more than four spaces in a row in one, so whitespace runs are folded.
        """
        name = _NOT_IN_NAME.sub("_", f"cordial_{message.template}".lower())
        parameters = [{"type": "text", "text": " ".join(p.split())} for p in message.parameters]
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": message.to.lstrip("+"),
            "type": "template",
            "template": {
                "name": name,
                "language": {"code": _LANGUAGES.get(message.locale, message.locale.replace("-", "_"))},
                "components": [{"type": "body", "parameters": parameters}],
            },
            # Echoed in every status webhook of this message, so a receipt names our attempt.
            "biz_opaque_callback_data": message.idempotency_key,
        }

    async def reconcile(self, attempt: Attempt) -> Reconciled:
        """The Cloud API can neither look a message up nor take an idempotency key: unknown."""
        return Reconciled(False)
