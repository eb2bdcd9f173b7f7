"""Court e-filing over HTTP (the sandbox's PJe-style initial petition); the petition id is stable per debt."""

from __future__ import annotations

import httpx

from cordial_registry_bridge.domain.cases import BureauCase

SMALL_CLAIMS_CLASS = 436  # CNJ TPU: Procedimento do Juizado Especial Cível


class HttpCourt:
    """Files small-claims petitions."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, token: str) -> None:
        self._http = http
        self._url = base_url.rstrip("/") + "/pje/v1/peticoes-iniciais"
        self._headers = {"Authorization": f"Bearer {token}"}

    async def file(self, filing_id: str, case: BureauCase, amount_minor: int, creditor: str, due_date: str) -> str:
        """Files the petition (once per id) and answers the CNJ case number."""
        body = {
            "id": filing_id,
            "debt_id": case.debt_id,
            "classe_codigo": SMALL_CLAIMS_CLASS,
            "valor_causa_minor": amount_minor,
            "polo_ativo": creditor,
            "polo_passivo": case.debtor_id,
            "vencimento": due_date,
        }
        response = await self._http.post(self._url, json=body, headers=self._headers)
        response.raise_for_status()
        return str(response.json()["numero_processo"])
