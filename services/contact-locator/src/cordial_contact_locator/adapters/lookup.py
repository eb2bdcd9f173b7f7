"""Line type lookups over HTTP in the shape of Twilio Lookup v2 (``Fields=line_type_intelligence``)."""

from __future__ import annotations

from urllib.parse import quote

import httpx

from cordial_contact_locator.domain.verification import LineInfo, LookupFailure, RateRefused
from cordial_core.clock import Clock


class TwilioLookup:
    """Asks Lookup v2 for a number's validity, line type and carrier."""

    def __init__(self, client: httpx.AsyncClient, base_url: str, account_sid: str, token: str, clock: Clock) -> None:
        self._client = client
        self._base = base_url.rstrip("/")
        self._auth = (account_sid, token)
        self._clock = clock

    async def lookup(self, number: str) -> LineInfo:
        """One paid lookup; a refusal over the rate is RateRefused, another failure LookupFailure (nothing cached)."""
        url = f"{self._base}/v2/PhoneNumbers/{quote(number, safe='+')}"
        try:
            response = await self._client.get(url, params={"Fields": "line_type_intelligence"}, auth=self._auth)
        except httpx.HTTPError as exc:
            raise LookupFailure(f"lookup unreachable: {exc!r}") from exc
        if response.status_code == 429:
            raise RateRefused(f"lookup answered 429: {response.text[:200]}")
        if response.status_code != 200:
            raise LookupFailure(f"lookup answered {response.status_code}: {response.text[:200]}")
        body = response.json()
        line = body.get("line_type_intelligence") or {}
        return LineInfo(
            number, bool(body.get("valid")), line.get("type") or "", line.get("carrier_name") or "", self._clock.now()
        )
