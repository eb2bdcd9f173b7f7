"""Court e-filing: small-claims initial petitions, in the shape of a PJe/e-SAJ filing reduced to JSON.

PJe's national interoperability model (MNI, CNJ Resolução 185/2013) files an initial petition with its
procedural class from the CNJ unified tables (TPU), the parties, the claim value and the documents, and
answers with the lawsuit number in the CNJ unified numbering (Resolução 65/2008: NNNNNNN-DD.AAAA.J.TR.OOOO).
Here, as REST:

- ``POST /pje/v1/peticoes-iniciais`` ``{id, debt_id, classe_codigo, valor_causa_minor, polo_ativo, polo_passivo,
  vencimento}``: 201 ``{..., numero_processo, situacao: "distribuido", distribuido_em}``; 422 when the claim
  exceeds the small-claims ceiling (Lei 9.099/1995 art. 3: 40 minimum wages). The same ``id`` answers 200 with
  the same petition: a debt is never sued twice.
- ``GET /pje/v1/peticoes-iniciais/{id}``: reconciliation.
- ``GET /sandbox/court/petitions`` lists every petition filed.

Auth is ``Authorization: Bearer <token>``.
"""

import hashlib
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from cordial_sandbox.bureau import _denied
from cordial_sandbox.provider import Provider
from cordial_sandbox.state import State

CHANNEL = "court"
SMALL_CLAIMS_CLASS = 436  # TPU: Procedimento do Juizado Especial Cível
CEILING_MINOR = 40 * 1_518_00  # 40 minimum wages of 2025 (R$ 1.518,00)


class PetitionBody(BaseModel):
    """An initial petition."""

    id: str = Field(min_length=1)
    debt_id: str = Field(min_length=1)
    classe_codigo: int = SMALL_CLAIMS_CLASS
    valor_causa_minor: int = Field(gt=0)
    polo_ativo: str = Field(min_length=1, description="the creditor")
    polo_passivo: str = Field(min_length=1, description="the debtor's reference")
    vencimento: str = ""


def case_number(petition_id: str, year: int) -> str:
    """A CNJ-shaped lawsuit number, stable per petition (J=8 state courts, TR=26 São Paulo, origin 0100)."""
    sequence = int(hashlib.sha256(petition_id.encode()).hexdigest()[:12], 16) % 10_000_000
    origin = f"{sequence:07d}{year}826" + "0100"
    check = 98 - (int(origin + "00") % 97)  # ISO 7064 mod 97-10, as CNJ Resolução 65/2008
    return f"{sequence:07d}-{check:02d}.{year}.8.26.0100"


def file_petition(body: PetitionBody, request: Request, state: State) -> JSONResponse:
    """Files a petition once and distributes it."""
    if denied := _denied(request, state):
        return denied
    fault = state.faults.take(CHANNEL)
    if fault is not None:
        return JSONResponse({"erro": "falha simulada"}, status_code=fault)
    if body.classe_codigo == SMALL_CLAIMS_CLASS and body.valor_causa_minor > CEILING_MINOR:
        return JSONResponse({"erro": "valor acima do teto do juizado", "campo": "valor_causa_minor"}, status_code=422)
    with state.court_lock:
        if body.id in state.court_petitions:
            return JSONResponse(state.court_petitions[body.id], status_code=200)
        now = state.clock()
        record: dict[str, Any] = {
            **body.model_dump(),
            "numero_processo": case_number(body.id, now.year),
            "situacao": "distribuido",
            "distribuido_em": now.isoformat(),
        }
        state.court_petitions[body.id] = record
    return JSONResponse(record, status_code=201)


def get_petition(petition_id: str, request: Request, state: State) -> JSONResponse:
    """One petition, for reconciliation."""
    if denied := _denied(request, state):
        return denied
    record = state.court_petitions.get(petition_id)
    if record is None:
        return JSONResponse({"erro": "petição desconhecida"}, status_code=404)
    return JSONResponse(record)


def list_petitions(state: State) -> dict[str, list[dict[str, Any]]]:
    """Every petition filed, for tests."""
    return {"petitions": list(state.court_petitions.values())}


def build_router() -> APIRouter:
    """The court's routes."""
    router = APIRouter(tags=["court"])
    router.add_api_route("/pje/v1/peticoes-iniciais", file_petition, methods=["POST"])
    router.add_api_route("/pje/v1/peticoes-iniciais/{petition_id}", get_petition, methods=["GET"])
    router.add_api_route("/sandbox/court/petitions", list_petitions, methods=["GET"])
    return router


PROVIDER = Provider(channel=CHANNEL, build_router=build_router)
