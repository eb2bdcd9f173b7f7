"""WhatsApp contacts checks over HTTP in the shape of the On-Premises API's ``POST /v1/contacts``.

Body ``{"blocking": "wait", "contacts": [numbers]}`` with a Bearer token; the answer's ``contacts`` carry
each ``input`` with ``status`` "valid" (and its ``wa_id``) or "invalid". Third-party check providers keep
this shape since Meta deprecated the On-Premises API.
"""

from __future__ import annotations

import httpx

from cordial_contact_locator.domain.verification import RateRefused
from cordial_contact_locator.domain.whatsapp_check import CheckFailure


class HttpWhatsAppCheck:
    """Asks a contacts check provider which numbers are WhatsApp users."""

    def __init__(self, client: httpx.AsyncClient, base_url: str, token: str) -> None:
        self._client = client
        self._url = f"{base_url.rstrip('/')}/v1/contacts"
        self._headers = {"Authorization": f"Bearer {token}"}

    async def check(self, numbers: list[str]) -> dict[str, bool]:
        """Each number asked -> whether it is a WhatsApp user; numbers the answer leaves out are unknown.

        A refusal over the provider's rate is RateRefused (asked again later), any other failure CheckFailure.
        """
        body = {"blocking": "wait", "contacts": numbers}
        try:
            response = await self._client.post(self._url, json=body, headers=self._headers)
        except httpx.HTTPError as exc:
            raise CheckFailure(f"contacts check unreachable: {exc!r}") from exc
        if response.status_code == 429:
            raise RateRefused(f"contacts check answered 429: {response.text[:200]}")
        if response.status_code != 200:
            raise CheckFailure(f"contacts check answered {response.status_code}: {response.text[:200]}")
        try:
            contacts = response.json()["contacts"]
            answers = {c["input"]: c["status"] for c in contacts}
        except (ValueError, KeyError, TypeError) as exc:
            raise CheckFailure(f"contacts check answer not understood: {exc!r}") from exc
        asked = set(numbers)
        return {n: status == "valid" for n, status in answers.items() if n in asked and status in ("valid", "invalid")}
