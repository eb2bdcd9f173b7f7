"""Boleto registration over HTTP, in the shape of Banco do Brasil's API Cobranças v2 (``POST /boletos``)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import httpx

from cordial_agreements.domain.payment_links import Payer, RegisteredBoleto


class BoletoProviderError(Exception):
    """The bank could not register the boleto now; registering it again later is safe."""


class BancoDoBrasilBoletos:
    """Registers boletos with ``POST {base}/boletos`` under the agency's convênio and carteira."""

    def __init__(
        self, client: httpx.AsyncClient, base_url: str, token: str, convenio: str, carteira: str, variacao: str
    ) -> None:
        self._client = client
        self._base = base_url.rstrip("/")
        self._token = token
        self._convenio, self._carteira, self._variacao = int(convenio), int(carteira), int(variacao)

    async def register(self, number: str, due: date, amount_minor: int, payer: Payer) -> RegisteredBoleto:
        """Registers (or finds again) the boleto numbered `number`; answers the bank's barcode and line."""
        body = {
            "numeroConvenio": self._convenio,
            "numeroCarteira": self._carteira,
            "numeroVariacaoCarteira": self._variacao,
            "codigoModalidade": 1,
            "dataVencimento": due.strftime("%d.%m.%Y"),
            "valorOriginal": "__VALOR__",
            "codigoAceite": "N",
            "codigoTipoTitulo": 2,
            "indicadorPermissaoRecebimentoParcial": "N",
            "numeroTituloCliente": number,
            "pagador": {
                "tipoInscricao": 2 if sum(c.isdigit() for c in payer.document) == 14 else 1,
                "numeroInscricao": int("".join(c for c in payer.document if c.isdigit()) or "0"),
                "nome": payer.name[:60],
            },
        }
        # valorOriginal is a JSON number in the bank's API; written from integer cents, never through a float.
        content = json.dumps(body).replace('"__VALOR__"', f"{amount_minor // 100}.{amount_minor % 100:02d}")
        headers = {"Authorization": f"Bearer {self._token}", "content-type": "application/json"}
        try:
            response = await self._client.post(f"{self._base}/boletos", content=content, headers=headers)
        except httpx.HTTPError as exc:
            raise BoletoProviderError(f"boleto provider unreachable: {type(exc).__name__}") from None
        if response.status_code not in (200, 201):
            raise BoletoProviderError(f"boleto provider answered {response.status_code}: {_detail(response)}")
        registered = response.json()
        return RegisteredBoleto(registered["numero"], registered["codigoBarraNumerico"], registered["linhaDigitavel"])


def _detail(response: httpx.Response) -> str:
    try:
        body: Any = response.json()
    except ValueError:
        return response.text[:200]
    errors = body.get("erros") if isinstance(body, dict) else None
    return str(errors[0].get("mensagem", "")) if isinstance(errors, list) and errors else ""
