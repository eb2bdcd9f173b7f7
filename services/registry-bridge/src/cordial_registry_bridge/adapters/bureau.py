"""The credit bureau over HTTP (the sandbox's shape); every call carries a stable id, so repeats are harmless."""

from __future__ import annotations

import httpx

from cordial_registry_bridge.domain.cases import BureauCase


class HttpBureau:
    """Notices, inscriptions and removals at the bureau."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, token: str) -> None:
        self._http = http
        self._base = base_url.rstrip("/") + "/bureau/v1"
        self._headers = {"Authorization": f"Bearer {token}"}

    async def _post(self, path: str, body: dict[str, object]) -> dict[str, object]:
        response = await self._http.post(f"{self._base}{path}", json=body, headers=self._headers)
        response.raise_for_status()  # the event is retried by the consumer; the ids make the retry harmless
        result: dict[str, object] = response.json()
        return result

    async def send_notice(self, notice_id: str, case: BureauCase, amount_minor: int, creditor: str) -> bool:
        """Asks the bureau to send the prior notice; True when it confirms it was sent."""
        body = {"id": notice_id, "debt_id": case.debt_id, "amount_minor": amount_minor, "creditor": creditor}
        return (await self._post("/notices", body)).get("status") == "confirmed"

    async def inscribe(self, inscription_id: str, case: BureauCase, amount_minor: int, creditor: str) -> None:
        """Inscribes the debt (once: the bureau returns the same record for the same id)."""
        body = {
            "id": inscription_id,
            "notice_id": case.notice_id,
            "debt_id": case.debt_id,
            "amount_minor": amount_minor,
            "creditor": creditor,
        }
        await self._post("/inscriptions", body)

    async def remove(self, inscription_id: str) -> None:
        """Removes the inscription."""
        await self._post("/removals", {"inscription_id": inscription_id})
