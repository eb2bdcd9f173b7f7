"""PIX payment provider in the shape of the Banco Central PIX API (``cob``, immediate charges).

- ``PUT /pix/v2/cob/{txid}`` with ``Authorization: Bearer <token>`` and
  ``{calendario: {expiracao}, devedor?: {cpf|cnpj, nome}, valor: {original: "123.45"}, chave}``
  creates a charge: 201 ``{calendario: {criacao, expiracao}, txid, revisao: 0, loc: {id, location},
  location, status: "ATIVA", devedor, valor, chave, pixCopiaECola}``. The txid is 26 to 35 letters
  and digits. The real API refuses a txid already used; the sandbox answers the same charge (200) when
  the body is the same, so a client's retry is harmless, and 409 when it differs.
- ``GET /pix/v2/cob/{txid}`` returns the charge (``status`` ``CONCLUIDA`` once paid, with ``pix``).
  Errors use the API's problem shape ``{type, title, status, detail, violacoes?}``.

Settlement is simulated: ``POST /sandbox/pix/payments`` ``{"txid", "valor"?}`` pays a charge (its
full amount by default) and posts the webhook ``{"pix": [{endToEndId, txid, valor, horario}]}`` to the
URL set with ``POST /sandbox/webhooks {"kind": "pix", "url"}``, signed
``X-Webhook-Signature: sha256=<HMAC-SHA256 of the body with the provider token>`` (the BCB API leaves
webhook authentication to mTLS; an HMAC stands in for it here). ``POST
/sandbox/pix/payments/{endToEndId}/redeliver`` posts the same notification again, as a PSP retrying.
"""

import hashlib
import hmac
import json
import re
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Header, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from cordial_sandbox.outbound import webhook_client
from cordial_sandbox.provider import Provider
from cordial_sandbox.state import PixCharges, State

CHANNEL = "pix"
HOST = "pix.sandbox.cordial.dev"
_TXID = re.compile(r"^[a-zA-Z0-9]{26,35}$")
_VALOR = re.compile(r"^\d{1,10}\.\d{2}$")


class Payment(BaseModel):
    """Body of ``POST /sandbox/pix/payments``."""

    txid: str
    valor: str = ""


def _problem(status: int, title: str, detail: str, field: str = "") -> JSONResponse:
    body: dict[str, Any] = {"type": f"https://pix.bcb.gov.br/api/v2/error/{title}", "title": title}
    body |= {"status": status, "detail": detail}
    if field:
        body["violacoes"] = [{"razao": detail, "propriedade": field}]
    return JSONResponse(body, status_code=status)


def _charges(state: State) -> PixCharges:
    return state.pix


def _authorized(state: State, authorization: str | None) -> bool:
    scheme, _, token = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and state.token_ok(token.strip())


def _br_code(location: str, amount: str) -> str:
    """The dynamic BR Code of a charge (same layout as the BCB manual; CRC16-CCITT-FALSE)."""

    def tlv(tag: str, value: str) -> str:
        return f"{tag}{len(value):02d}{value}"

    body = tlv("00", "01") + tlv("01", "12") + tlv("26", tlv("00", "br.gov.bcb.pix") + tlv("25", location))
    body += tlv("52", "0000") + tlv("53", "986") + tlv("54", amount) + tlv("58", "BR")
    body += tlv("59", "CORDIAL SANDBOX") + tlv("60", "SAO PAULO") + tlv("62", tlv("05", "***")) + "6304"
    crc = 0xFFFF
    for byte in body.encode():
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return body + f"{crc:04X}"


def _violation(body: dict[str, Any]) -> tuple[str, str] | None:
    """The first invalid property of a cob body, as (property, reason)."""
    valor = body.get("valor")
    original = valor.get("original") if isinstance(valor, dict) else None
    if not isinstance(original, str) or not _VALOR.match(original) or Decimal(original) <= 0:
        return "valor.original", "deve ser um valor positivo com duas casas decimais"
    if not isinstance(body.get("chave"), str) or not body["chave"]:
        return "chave", "é obrigatória"
    calendario = body.get("calendario", {})
    if not isinstance(calendario, dict) or not isinstance(calendario.get("expiracao", 86400), int):
        return "calendario.expiracao", "deve ser um inteiro de segundos"
    devedor = body.get("devedor")
    if devedor is not None and (not isinstance(devedor, dict) or not devedor.get("nome")):
        return "devedor.nome", "é obrigatório quando há devedor"
    return None


async def put_cob(
    txid: str, body: dict[str, Any], state: State, authorization: str | None = Header(default=None)
) -> JSONResponse:
    """Creates an immediate charge under the client's txid."""
    if not _authorized(state, authorization):
        return _problem(401, "AcessoNegado", "token de acesso inválido")
    if not _TXID.match(txid):
        return _problem(400, "CobOperacaoInvalida", "txid deve ter de 26 a 35 letras ou dígitos", "txid")
    violation = _violation(body)
    if violation is not None:
        return _problem(400, "CobOperacaoInvalida", violation[1], violation[0])
    location = f"{HOST}/qr/v2/{txid.lower()}"
    charge = {
        "calendario": {
            "criacao": state.clock().isoformat(),
            "expiracao": body.get("calendario", {}).get("expiracao", 86400),
        },
        "txid": txid,
        "revisao": 0,
        "loc": {"id": len(_charges(state).by_txid) + 1, "location": location, "tipoCob": "cob"},
        "location": location,
        "status": "ATIVA",
        "devedor": body.get("devedor"),
        "valor": {"original": body["valor"]["original"]},
        "chave": body["chave"],
        "pixCopiaECola": _br_code(location, body["valor"]["original"]),
    }
    existing = _charges(state).put(txid, charge)
    if existing is None:
        return JSONResponse(charge, status_code=201)
    if existing["valor"] == charge["valor"] and existing["chave"] == charge["chave"]:
        return JSONResponse(existing, status_code=200)
    return _problem(409, "CobOperacaoInvalida", "txid já utilizado em outra cobrança", "txid")


async def get_cob(txid: str, state: State, authorization: str | None = Header(default=None)) -> JSONResponse:
    """One charge by txid."""
    if not _authorized(state, authorization):
        return _problem(401, "AcessoNegado", "token de acesso inválido")
    charge = _charges(state).by_txid.get(txid)
    if charge is None:
        return _problem(404, "CobNaoEncontrado", f"cobrança {txid} não encontrada")
    return JSONResponse(charge)


async def _post(state: State, notification: dict[str, Any]) -> dict[str, Any]:
    url = state.webhooks.get("pix")
    if not url:
        raise HTTPException(status_code=409, detail="no webhook URL set for pix: POST /sandbox/webhooks first")
    body = json.dumps({"pix": [notification]}).encode()
    signature = "sha256=" + hmac.new(state.token.encode(), body, hashlib.sha256).hexdigest()
    headers = {"content-type": "application/json", "x-webhook-signature": signature}
    async with webhook_client() as client:
        response = await client.post(url, content=body, headers=headers)
    return {"url": url, "status": response.status_code, "endToEndId": notification["endToEndId"]}


async def pay(body: Payment, state: State) -> dict[str, Any]:
    """Pays a charge (its full amount unless valor says otherwise) and posts the provider's webhook."""
    charge = _charges(state).by_txid.get(body.txid)
    if charge is None:
        raise HTTPException(status_code=404, detail=f"txid: no charge {body.txid}")
    valor = body.valor or charge["valor"]["original"]
    try:
        if not _VALOR.match(valor) or Decimal(valor) <= 0:
            raise InvalidOperation
    except InvalidOperation:
        raise HTTPException(status_code=422, detail="valor: a positive amount with two decimals") from None
    notification = {
        "endToEndId": "E" + "00000000" + state.clock().strftime("%Y%m%d%H%M") + secrets.token_hex(6),
        "txid": body.txid,
        "valor": valor,
        "horario": state.clock().isoformat(),
    }
    charge["status"] = "CONCLUIDA"
    charge.setdefault("pix", []).append(notification)
    _charges(state).payments[notification["endToEndId"]] = notification
    return await _post(state, notification)


async def redeliver(end_to_end_id: str, state: State) -> dict[str, Any]:
    """Posts a payment's notification again."""
    notification = _charges(state).payments.get(end_to_end_id)
    if notification is None:
        raise HTTPException(status_code=404, detail=f"endToEndId: no payment {end_to_end_id}")
    return await _post(state, notification)


def build_router() -> APIRouter:
    """The ``cob`` API and its settlement controls."""
    router = APIRouter(tags=["pix"])
    router.add_api_route("/pix/v2/cob/{txid}", put_cob, methods=["PUT"])
    router.add_api_route("/pix/v2/cob/{txid}", get_cob, methods=["GET"])
    router.add_api_route("/sandbox/pix/payments", pay, methods=["POST"])
    router.add_api_route("/sandbox/pix/payments/{end_to_end_id}/redeliver", redeliver, methods=["POST"])
    return router


PROVIDER = Provider(channel=CHANNEL, build_router=build_router)
