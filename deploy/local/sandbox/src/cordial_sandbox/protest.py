"""Protest registry: titles presented for protest, the registry's notice to the debtor, protest and cancellation.

Shaped after the CENPROT/IEPTB-BR central for presenters (the "CRA" remittance of titles, here as JSON over
REST rather than the fixed-width file): a title is presented with the presenter's own number ("nosso
número"), the registry notifies the debtor ("intimação") and protests the title only after the legal period
(Lei 9.492/1997 art. 12: three business days from the presentation) if it was not paid or withdrawn.

- ``POST /protesto/v1/titulos`` ``{nosso_numero, debt_id, devedor, valor_minor, credor, especie}``: the title
  is presented and the debtor notified; answers 201 ``{..., situacao: "intimado", intimado_em, prazo_final}``.
- ``POST /protesto/v1/titulos/{nosso_numero}/protesto``: 409 before ``prazo_final``; then ``situacao: "protestado"``.
- ``POST /protesto/v1/titulos/{nosso_numero}/cancelamento`` ``{motivo}``: a protested title is cancelled
  (``situacao: "cancelado"``); one still in its period is withdrawn (``"retirado"``, the presenter's "desistência").
- ``GET /protesto/v1/titulos/{nosso_numero}``: reconciliation.

Repeating a write changes nothing. Auth is ``Authorization: Bearer <token>``. ``POST /sandbox/protest/period``
``{"days": n}`` sets the notice period (3 days by default).
"""

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from cordial_sandbox.bureau import _denied
from cordial_sandbox.provider import Provider
from cordial_sandbox.state import State

CHANNEL = "protest"


class TitleBody(BaseModel):
    """A title presented for protest."""

    nosso_numero: str = Field(min_length=1)
    debt_id: str = Field(min_length=1)
    devedor: str = Field(min_length=1, description="the debtor's reference at the presenter")
    valor_minor: int = Field(gt=0)
    credor: str = ""
    especie: str = "DMI"  # duplicata mercantil por indicação


class CancelBody(BaseModel):
    """Why the presenter cancels."""

    motivo: str = ""


class PeriodBody(BaseModel):
    """The notice period in days."""

    days: int = Field(ge=0, le=60)


def _faulted(state: Any) -> JSONResponse | None:
    fault = state.faults.take(CHANNEL)
    return JSONResponse({"erro": "falha simulada"}, status_code=fault) if fault is not None else None


def present(body: TitleBody, request: Request, state: State) -> JSONResponse:
    """Presents a title once; the debtor is notified at once."""
    if denied := _denied(request, state) or _faulted(state):
        return denied
    with state.protest_lock:
        if body.nosso_numero in state.protest_titles:
            return JSONResponse(state.protest_titles[body.nosso_numero], status_code=200)
        now = state.clock()
        record = {
            **body.model_dump(),
            "situacao": "intimado",
            "intimado_em": now.isoformat(),
            "prazo_final": (now + timedelta(days=state.protest_period_days)).isoformat(),
        }
        state.protest_titles[body.nosso_numero] = record
    return JSONResponse(record, status_code=201)


def protest(nosso_numero: str, request: Request, state: State) -> JSONResponse:
    """Protests a notified title once its period has run."""
    if denied := _denied(request, state) or _faulted(state):
        return denied
    with state.protest_lock:
        record = state.protest_titles.get(nosso_numero)
        if record is None:
            return JSONResponse({"erro": "título desconhecido", "campo": "nosso_numero"}, status_code=404)
        if record["situacao"] == "protestado":
            return JSONResponse(record)
        if record["situacao"] != "intimado":
            return JSONResponse({"erro": f"título {record['situacao']}", "campo": "situacao"}, status_code=409)
        if state.clock() < datetime.fromisoformat(str(record["prazo_final"])):
            return JSONResponse({"erro": "prazo da intimação em curso", "campo": "prazo_final"}, status_code=409)
        record.update(situacao="protestado", protestado_em=state.clock().isoformat())
    return JSONResponse(record)


def cancel(nosso_numero: str, body: CancelBody, request: Request, state: State) -> JSONResponse:
    """Cancels a protest, or withdraws a title still in its period."""
    if denied := _denied(request, state) or _faulted(state):
        return denied
    with state.protest_lock:
        record = state.protest_titles.get(nosso_numero)
        if record is None:
            return JSONResponse({"erro": "título desconhecido", "campo": "nosso_numero"}, status_code=404)
        if record["situacao"] in ("intimado", "protestado"):
            situacao = "cancelado" if record["situacao"] == "protestado" else "retirado"
            record.update(situacao=situacao, cancelado_em=state.clock().isoformat(), motivo=body.motivo)
    return JSONResponse(record)


def get_title(nosso_numero: str, request: Request, state: State) -> JSONResponse:
    """One title, for reconciliation."""
    if denied := _denied(request, state):
        return denied
    record = state.protest_titles.get(nosso_numero)
    if record is None:
        return JSONResponse({"erro": "título desconhecido"}, status_code=404)
    return JSONResponse(record)


def set_period(body: PeriodBody, state: State) -> dict[str, int]:
    """Sets the notice period tests run against."""
    state.protest_period_days = body.days
    return {"days": body.days}


def build_router() -> APIRouter:
    """The protest registry's routes and its sandbox control."""
    router = APIRouter(tags=["protest"])
    router.add_api_route("/protesto/v1/titulos", present, methods=["POST"])
    router.add_api_route("/protesto/v1/titulos/{nosso_numero}/protesto", protest, methods=["POST"])
    router.add_api_route("/protesto/v1/titulos/{nosso_numero}/cancelamento", cancel, methods=["POST"])
    router.add_api_route("/protesto/v1/titulos/{nosso_numero}", get_title, methods=["GET"])
    router.add_api_route("/sandbox/protest/period", set_period, methods=["POST"])
    return router


PROVIDER = Provider(channel=CHANNEL, build_router=build_router)
