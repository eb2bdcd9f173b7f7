"""Public-data flags from the enrichment provider over HTTP (BigDataCorp's People/Companies shape, as the sandbox)."""

from __future__ import annotations

import re
from typing import Any

import httpx

from cordial_strategy.domain.enrichment import PublicData

DATASETS = "occupation_data,benefits"


class HttpPublicData:
    """Asks ``POST /pessoas`` (or ``/empresas``) for the occupation and benefits datasets of one document."""

    name = "bigdatacorp"

    def __init__(self, http: httpx.AsyncClient, base_url: str, token: str, client_id: str = "cordial") -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._headers = {"AccessToken": token, "TokenId": client_id}

    async def lookup(self, document: str, company: bool) -> PublicData | None:
        """The person's flags, or None when the provider does not know the document."""
        digits = re.sub(r"\D", "", document)
        body = {"q": f"doc{{{digits}}}", "Datasets": DATASETS}
        path = "/empresas" if company else "/pessoas"
        response = await self._http.post(f"{self._base}{path}", json=body, headers=self._headers)
        response.raise_for_status()
        results: list[dict[str, Any]] = response.json().get("Result") or []
        if not results:
            return None
        profession = results[0].get("ProfessionData") or {}
        benefits = results[0].get("Benefits") or {}
        employed = profession.get("IsEmployed")
        return PublicData(
            employed=bool(employed) if employed is not None else None,
            unemployment_benefit=bool(benefits.get("UnemploymentInsurance", False)),
            social_benefit=bool(benefits.get("SocialAssistance", False)),
            fgts_balance_minor=int(benefits.get("FgtsBalanceMinor", 0)),
        )
