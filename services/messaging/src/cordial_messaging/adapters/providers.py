"""Channel adapters over HTTP: an SMS gateway (Twilio's shape) and the WhatsApp Cloud API."""

from __future__ import annotations

import httpx

from cordial_messaging.domain.dispatch import OutboundMessage, PermanentSendFailure, TransientSendFailure


def _raise_for(response: httpx.Response, provider: str) -> None:
    """Maps a provider's answer to permanent or transient failure."""
    if response.status_code < 400:
        return
    detail = response.text[:300]
    if response.status_code == 429 or response.status_code >= 500:
        raise TransientSendFailure(f"{provider} answered {response.status_code}: {detail}")
    raise PermanentSendFailure(f"{provider} answered {response.status_code}: {detail}")


class SmsGateway:
    """Sends SMS through a Twilio-shaped Messages API."""

    name = "sms-gateway"

    def __init__(self, client: httpx.AsyncClient, base_url: str, account_sid: str, token: str, sender: str) -> None:
        self._client = client
        self._url = f"{base_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self._auth = (account_sid, token)
        self._sender = sender

    async def send(self, message: OutboundMessage) -> str:
        """Posts the message; returns the provider's message sid."""
        try:
            response = await self._client.post(
                self._url, data={"To": message.to, "From": self._sender, "Body": message.text}, auth=self._auth
            )
        except httpx.HTTPError as exc:
            raise TransientSendFailure(f"{self.name} unreachable: {exc!r}") from exc
        _raise_for(response, self.name)
        return str(response.json()["sid"])


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
        """Posts a template message; returns the wamid."""
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": message.to.lstrip("+"),
            "type": "template",
            "template": {
                "name": f"cordial_{message.template}",
                "language": {"code": "pt_BR"},
                "components": [
                    {"type": "body", "parameters": [{"type": "text", "text": p} for p in message.parameters]}
                ],
            },
        }
        try:
            response = await self._client.post(self._url, json=body, headers=self._headers)
        except httpx.HTTPError as exc:
            raise TransientSendFailure(f"{self.name} unreachable: {exc!r}") from exc
        _raise_for(response, self.name)
        return str(response.json()["messages"][0]["id"])
