"""Voice: a text-to-speech call through a Twilio-shaped Calls API, the text spoken by TwiML ``<Say>``."""

from __future__ import annotations

from xml.sax.saxutils import escape

import httpx

from cordial_messaging.adapters.providers import post_checked
from cordial_messaging.domain.dispatch import Attempt, OutboundMessage, Reconciled


def twiml(text: str, language: str = "pt-BR") -> str:
    """The TwiML that reads the text out once, in the debtor's language."""
    return f'<Response><Say language="{language}">{escape(text)}</Say></Response>'


class TwilioVoice:
    """Places a call that reads the rendered text."""

    name = "voice-gateway"

    def __init__(self, client: httpx.AsyncClient, base_url: str, account_sid: str, token: str, caller: str) -> None:
        self._client = client
        self._url = f"{base_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Calls.json"
        self._auth = (account_sid, token)
        self._caller = caller

    async def send(self, message: OutboundMessage) -> str:
        """Requests the call; returns the call sid (Twilio takes no idempotency key)."""
        form = {"To": message.to, "From": self._caller, "Twiml": twiml(message.text)}
        response = await post_checked(self.name, self._client.post(self._url, data=form, auth=self._auth))
        return str(response.json()["sid"])

    async def reconcile(self, attempt: Attempt) -> Reconciled:
        """A call list does not show what a call said, so a lost call request stays unknown: never called twice."""
        return Reconciled(False)
