"""The protest registry over HTTP (the sandbox's CENPROT/CRA-style shape); the presenter's number is stable per debt."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from cordial_registry_bridge.domain.cases import BureauCase


class HttpProtestRegistry:
    """Presents titles, asks for protest, cancels."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, token: str) -> None:
        self._http = http
        self._base = base_url.rstrip("/") + "/protesto/v1/titulos"
        self._headers = {"Authorization": f"Bearer {token}"}

    async def present(
        self, protest_id: str, case: BureauCase, amount_minor: int, creditor: str, state: str = ""
    ) -> datetime:
        """Presents the title at the registry of the debtor's state; answers the end of its notice period."""
        body = {
            "nosso_numero": protest_id,
            "debt_id": case.debt_id,
            "devedor": case.debtor_id,  # a reference, never the document in clear
            "valor_minor": amount_minor,
            "credor": creditor,
            "uf_praca": state,  # the place of payment: its registry counts the period in its business days
        }
        response = await self._http.post(self._base, json=body, headers=self._headers)
        response.raise_for_status()  # the event is retried by the consumer; the number makes the retry harmless
        answered = datetime.fromisoformat(response.json()["prazo_final"])
        return answered if answered.tzinfo else answered.replace(tzinfo=UTC)

    async def protest(self, protest_id: str) -> bool:
        """Protests the title; False when the registry says its notice period still runs (409)."""
        response = await self._http.post(f"{self._base}/{protest_id}/protesto", headers=self._headers)
        if response.status_code == httpx.codes.CONFLICT:
            return False
        response.raise_for_status()
        return bool(response.json().get("situacao") == "protestado")

    async def cancel(self, protest_id: str, why: str) -> None:
        """Withdraws the title or cancels its protest."""
        body = {"motivo": why}
        response = await self._http.post(f"{self._base}/{protest_id}/cancelamento", json=body, headers=self._headers)
        response.raise_for_status()
