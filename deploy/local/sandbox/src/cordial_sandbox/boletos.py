"""Boleto registration in the shape of Banco do Brasil's "API Cobranças" v2 (``/cobrancas/v2/boletos``).

- ``POST /cobrancas/v2/boletos`` with ``Authorization: Bearer <token>`` and the documented body:
  ``{numeroConvenio (7 digits), numeroCarteira, numeroVariacaoCarteira, dataEmissao, dataVencimento
  ("dd.mm.aaaa"), valorOriginal (a JSON number, two decimals), numeroTituloCliente ("000" + convênio + 10
  digits), pagador: {tipoInscricao (1 CPF, 2 CNPJ), numeroInscricao, nome, ...}, ...}`` registers a boleto:
  201 ``{numero, numeroCarteira, numeroVariacaoCarteira, codigoCliente, linhaDigitavel,
  codigoBarraNumerico, numeroContratoCobranca, beneficiario, qrCode}``.
  Errors use the API's shape ``400 {"erros": [{codigo, versao, mensagem, ocorrencia}]}``.
  The real API refuses a numeroTituloCliente registered before; the sandbox answers the same boleto (200)
  when the body is the same, so a client's retry is harmless, and 400 when it differs.
- ``GET /cobrancas/v2/boletos/{numero}?numeroConvenio=`` returns what was registered.

The barcode is BB's for a 7-digit convênio: free field = six zeros, the 17-digit nosso número (convênio +
10 digits) and the carteira; FEBRABAN's 44-digit barcode (mod-11 check digit) and 47-digit linha digitável
(mod-10 per field) are computed here independently of the platform's code, as a bank would.
"""

import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse

from cordial_sandbox.provider import Provider
from cordial_sandbox.state import State

CHANNEL = "boleto"
BANK = "001"
_FACTOR_BASE = date(1997, 10, 7)
_TITULO = re.compile(r"^000(\d{7})(\d{10})$")
_DATE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")


def _erro(mensagem: str, status: int = 400, codigo: str = "4678420") -> JSONResponse:
    body = {"erros": [{"codigo": codigo, "versao": "1", "mensagem": mensagem, "ocorrencia": "CHOK0000000000001"}]}
    return JSONResponse(body, status_code=status)


def _mod10(digits: str) -> int:
    total = 0
    for i, char in enumerate(reversed(digits)):
        product = int(char) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def _mod11(digits: str) -> int:
    total = sum(int(char) * (2 + i % 8) for i, char in enumerate(reversed(digits)))
    digit = 11 - total % 11
    return 1 if digit in (0, 10, 11) else digit


def _factor(due: date) -> int:
    return ((due - _FACTOR_BASE).days - 1000) % 9000 + 1000


def _codes(nosso_numero: str, carteira: int, due: date, cents: int) -> tuple[str, str]:
    """The barcode and linha digitável of a BB boleto with a 7-digit convênio."""
    free = "000000" + nosso_numero + f"{carteira:02d}"
    rest = f"{_factor(due):04d}{cents:010d}{free}"
    barcode = f"{BANK}9{_mod11(BANK + '9' + rest)}{rest}"
    fields = [barcode[:4] + free[:5], free[5:15], free[15:25]]
    line = "".join(f + str(_mod10(f)) for f in fields) + barcode[4] + barcode[5:19]
    return barcode, line


def _date(value: Any) -> date | None:
    match = _DATE.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None


def _problem(body: dict[str, Any]) -> str | None:
    """The first thing wrong with a registration, in the API's words, or None."""
    convenio = body.get("numeroConvenio")
    if not isinstance(convenio, int) or not 1_000_000 <= convenio <= 9_999_999:
        return "numeroConvenio deve ter 7 dígitos"
    if not isinstance(body.get("numeroCarteira"), int):
        return "numeroCarteira é obrigatório"
    if _date(body.get("dataVencimento")) is None:
        return "dataVencimento deve estar no formato dd.mm.aaaa"
    valor = body.get("valorOriginal")
    if not isinstance(valor, Decimal) or valor <= 0 or valor != valor.quantize(Decimal("0.01")):
        return "valorOriginal deve ser positivo, com até duas casas decimais"
    titulo = _TITULO.match(str(body.get("numeroTituloCliente", "")))
    if titulo is None or int(titulo.group(1)) != convenio:
        return "numeroTituloCliente deve ser 000 + convênio (7) + número (10)"
    pagador = body.get("pagador")
    if not isinstance(pagador, dict) or pagador.get("tipoInscricao") not in (1, 2) or not pagador.get("nome"):
        return "pagador: tipoInscricao (1 ou 2), numeroInscricao e nome são obrigatórios"
    return None


async def register(request: Request, state: State, authorization: str | None = Header(default=None)) -> JSONResponse:
    """Registers a boleto and answers its barcode and linha digitável."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not state.token_ok(token.strip()):
        return _erro("token de acesso inválido", 401, "4000001")
    try:
        body = json.loads(await request.body(), parse_float=Decimal)
    except ValueError:
        return _erro("corpo não é JSON")
    problem = _problem(body) if isinstance(body, dict) else "corpo deve ser um objeto"
    if problem is not None:
        return _erro(problem)
    numero = body["numeroTituloCliente"]
    due = _date(body["dataVencimento"])
    assert due is not None
    cents = int(body["valorOriginal"] * 100)
    barcode, line = _codes(numero[3:], body["numeroCarteira"], due, cents)
    boleto = {
        "numero": numero,
        "numeroCarteira": body["numeroCarteira"],
        "numeroVariacaoCarteira": body.get("numeroVariacaoCarteira", 0),
        "codigoCliente": 704948575,
        "linhaDigitavel": line,
        "codigoBarraNumerico": barcode,
        "numeroContratoCobranca": 19581316,
        "beneficiario": {"agencia": 452, "contaCorrente": 123873, "tipoEndereco": 1},
        "qrCode": {"url": "", "txId": "", "emv": ""},
        "registradoEm": state.clock().isoformat(),
        "_request": json.loads(json.dumps(body, default=str)),
    }
    with state.boleto_lock:
        existing = state.boletos.get(numero)
        if existing is None:
            state.boletos[numero] = boleto
    if existing is None:
        return JSONResponse(_public(boleto), status_code=201)
    if existing["_request"] == boleto["_request"]:
        return JSONResponse(_public(existing), status_code=200)
    return _erro("Nosso Número já incluído anteriormente.", codigo="4874915")


async def get_boleto(
    numero: str, state: State, numeroConvenio: int = 0, authorization: str | None = Header(default=None)
) -> JSONResponse:
    """One registered boleto."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not state.token_ok(token.strip()):
        return _erro("token de acesso inválido", 401, "4000001")
    boleto = state.boletos.get(numero)
    if boleto is None or numero[3:10] != f"{numeroConvenio:07d}":
        return _erro(f"boleto {numero} não encontrado", 404, "4000404")
    return JSONResponse({**_public(boleto), "dataRegistro": boleto["registradoEm"], **_request_view(boleto)})


def _public(boleto: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in boleto.items() if not k.startswith("_") and k != "registradoEm"}


def _request_view(boleto: dict[str, Any]) -> dict[str, Any]:
    request = boleto["_request"]
    return {"dataVencimento": request["dataVencimento"], "valorOriginal": request["valorOriginal"]}


def build_router() -> APIRouter:
    """The boleto registration API."""
    router = APIRouter(tags=["boleto"])
    router.add_api_route("/cobrancas/v2/boletos", register, methods=["POST"])
    router.add_api_route("/cobrancas/v2/boletos/{numero}", get_boleto, methods=["GET"])
    return router


PROVIDER = Provider(channel=CHANNEL, build_router=build_router)
