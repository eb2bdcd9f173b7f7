"""Protest registry: titles presented for protest, the registry's notice to the debtor, protest and cancellation.

Shaped after the CENPROT/IEPTB-BR central for presenters (the "CRA" remittance of titles, here as JSON over
REST rather than the fixed-width file): a title is presented with the presenter's own number ("nosso
número"), the registry notifies the debtor ("intimação") and protests the title only after the legal period
(Lei 9.492/1997 art. 12: three business days from the protocol, the protocol day excluded (§1), a day without
public banking hours not counted (§2)) if it was not paid or withdrawn. The registry of the place of payment
(``uf_praca``) counts in its own business days: weekends, national and that state's holidays off; the period
ends at midnight after its last business day, local time (``prazo_final``, with its offset).

- ``POST /protesto/v1/titulos`` ``{nosso_numero, debt_id, devedor, valor_minor, credor, especie, uf_praca}``: the title
  is presented and the debtor notified; answers 201 ``{..., situacao: "intimado", intimado_em, prazo_final}``.
- ``POST /protesto/v1/titulos/{nosso_numero}/protesto``: 409 before ``prazo_final``; then ``situacao: "protestado"``.
- ``POST /protesto/v1/titulos/{nosso_numero}/cancelamento`` ``{motivo}``: a protested title is cancelled
  (``situacao: "cancelado"``); one still in its period is withdrawn (``"retirado"``, the presenter's "desistência").
- ``GET /protesto/v1/titulos/{nosso_numero}``: reconciliation.

Repeating a write changes nothing. Auth is ``Authorization: Bearer <token>``. ``POST /sandbox/protest/period``
``{"days": n}`` sets the notice period (3 business days by default).
"""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays
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
    uf_praca: str = Field(default="", max_length=2, description="the state of the place of payment (its registry)")


class CancelBody(BaseModel):
    """Why the presenter cancels."""

    motivo: str = ""


class PeriodBody(BaseModel):
    """The notice period in business days."""

    days: int = Field(ge=0, le=60)


# The registry's local time: the zone of each state's capital (tzdata zone.tab).
ZONES = {"AC": "America/Rio_Branco", "AM": "America/Manaus", "RO": "America/Porto_Velho", "RR": "America/Boa_Vista"}
ZONES |= dict.fromkeys(("MT",), "America/Cuiaba") | dict.fromkeys(("MS",), "America/Campo_Grande")
ZONES |= dict.fromkeys(("PA", "AP"), "America/Belem") | {"TO": "America/Araguaina", "BA": "America/Bahia"}
ZONES |= dict.fromkeys(("MA", "PI", "CE", "RN", "PB"), "America/Fortaleza") | {"PE": "America/Recife"}
ZONES |= dict.fromkeys(("AL", "SE"), "America/Maceio")


def _business_day(day: date, uf: str) -> bool:
    subdivision = uf if uf in holidays.country_holidays("BR").subdivisions else None
    return day.weekday() < 5 and day not in holidays.country_holidays("BR", subdiv=subdivision, years=day.year)


def deadline(protocol: datetime, uf: str, business_days: int) -> datetime:
    """Midnight after the last of the business days following the protocol day, at the registry's place."""
    zone = ZoneInfo(ZONES.get(uf, "America/Sao_Paulo"))
    day, counted = protocol.astimezone(zone).date(), 0
    while counted < business_days:
        day += timedelta(days=1)
        counted += _business_day(day, uf)
    return datetime.combine(day + timedelta(days=1), time(0), zone)


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
            "prazo_final": deadline(now, body.uf_praca.upper(), state.protest_period_days).isoformat(),
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
        if state.clock() < datetime.fromisoformat(str(record["prazo_final"])).astimezone(ZoneInfo("UTC")):
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
