"""Contact data from the enrichment provider over HTTP (BigDataCorp's People/Companies shape, as the sandbox)."""

from __future__ import annotations

import re
from typing import Any

import httpx

from cordial.types.v1 import types_pb2

DATASETS = "phones_extended,emails_extended"


class HttpEnrichmentContacts:
    """Asks ``POST /pessoas`` (or ``/empresas``) for the phones and e-mails of one document."""

    name = "bigdatacorp"

    def __init__(self, http: httpx.AsyncClient, base_url: str, token: str, client_id: str = "cordial") -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._headers = {"AccessToken": token, "TokenId": client_id}

    async def contacts(self, document: str, company: bool) -> list[tuple[types_pb2.ContactKind, str]]:
        """Phones as +<country> <area> <number> and e-mails as given; [] when the document is unknown."""
        digits = re.sub(r"\D", "", document)
        body = {"q": f"doc{{{digits}}}", "Datasets": DATASETS}
        path = "/empresas" if company else "/pessoas"
        response = await self._http.post(f"{self._base}{path}", json=body, headers=self._headers)
        response.raise_for_status()
        results: list[dict[str, Any]] = response.json().get("Result") or []
        if not results:
            return []
        phones = (results[0].get("ExtendedPhones") or {}).get("Phones") or []
        emails = (results[0].get("ExtendedEmails") or {}).get("Emails") or []
        found = [
            (types_pb2.CONTACT_KIND_PHONE, f"+{p.get('CountryCode') or '55'} {p.get('AreaCode', '')} {p['Number']}")
            for p in phones
            if p.get("Number")
        ]
        found += [(types_pb2.CONTACT_KIND_EMAIL, e["EmailAddress"]) for e in emails if e.get("EmailAddress")]
        return found
