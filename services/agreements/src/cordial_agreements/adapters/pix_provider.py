"""The PIX payment provider over HTTP, in the shape of the Banco Central PIX API (``cob``)."""

from __future__ import annotations

from typing import Any

import httpx

from cordial_agreements.domain.payment_links import Charge


class ProviderError(Exception):
    """The provider could not create the charge now; creating it again later is safe."""


class PixApi:
    """Creates immediate charges with ``PUT {base}/cob/{txid}``; a retry with the same txid is the same charge."""

    def __init__(self, client: httpx.AsyncClient, base_url: str, token: str, pix_key: str) -> None:
        self._client = client
        self._base = base_url.rstrip("/")
        self._token = token
        self._key = pix_key

    async def create_charge(self, txid: str, amount_minor: int, expires_seconds: int) -> Charge:
        """A dynamic charge for an amount, valid for expires_seconds."""
        body = {
            "calendario": {"expiracao": expires_seconds},
            "valor": {"original": f"{amount_minor // 100}.{amount_minor % 100:02d}"},
            "chave": self._key,
        }
        try:
            response = await self._client.put(
                f"{self._base}/cob/{txid}", json=body, headers={"Authorization": f"Bearer {self._token}"}
            )
        except httpx.HTTPError as exc:
            raise ProviderError(f"PIX provider unreachable: {type(exc).__name__}") from None
        if response.status_code not in (200, 201):
            raise ProviderError(f"PIX provider answered {response.status_code}: {_detail(response)}")
        charge = response.json()
        return Charge(charge["txid"], charge["location"], charge["pixCopiaECola"])


def _detail(response: httpx.Response) -> str:
    try:
        body: Any = response.json()
    except ValueError:
        return response.text[:200]
    return str(body.get("detail", "")) if isinstance(body, dict) else ""
