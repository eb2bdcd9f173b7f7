"""Credit bureau: prior notices, inscriptions and removals, idempotent by the caller's id.

The Brazilian bureaus (Serasa, Boa Vista, SPC) publish no open API for creditors, so this is a
REST shape of their documented duties rather than a copy of one vendor's schema:

- ``POST /bureau/v1/notices`` ``{id, debt_id, amount_minor, creditor}``: the bureau sends the debtor
  the prior notice (CDC art. 43 §2) and answers ``{id, status: "confirmed", confirmed_at}``.
- ``POST /bureau/v1/inscriptions`` ``{id, notice_id, debt_id, amount_minor, creditor}``: 409 without a
  confirmed notice; answers ``{id, status: "active", inscribed_at}``.
- ``POST /bureau/v1/removals`` ``{inscription_id}``: the inscription becomes ``removed``; 404 if unknown.
- ``GET /bureau/v1/inscriptions/{id}``: reconciliation.

Every write with an id already seen answers 200 with the stored record and changes nothing: a debt
is never inscribed twice. Auth is ``Authorization: Bearer <token>``.
"""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from cordial_sandbox.provider import Provider
from cordial_sandbox.state import State

CHANNEL = "bureau"


class NoticeBody(BaseModel):
    """A prior notice to send."""

    id: str = Field(min_length=1)
    debt_id: str = Field(min_length=1)
    amount_minor: int = Field(ge=0)
    creditor: str = ""


class InscriptionBody(NoticeBody):
    """An inscription, naming its confirmed notice."""

    notice_id: str = Field(min_length=1)


class RemovalBody(BaseModel):
    """The inscription to remove."""

    inscription_id: str = Field(min_length=1)


def _denied(request: Request, state: Any) -> JSONResponse | None:
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not state.token_ok(token.strip()):
        return JSONResponse({"error": "unauthorized"}, status_code=401)
    return None


def post_notice(body: NoticeBody, request: Request, state: State) -> JSONResponse:
    """Send (once) and confirm a prior notice."""
    if denied := _denied(request, state):
        return denied
    with state.bureau_lock:
        if body.id in state.bureau_notices:
            return JSONResponse(state.bureau_notices[body.id], status_code=200)
        record = {**body.model_dump(), "status": "confirmed", "confirmed_at": state.clock().isoformat()}
        state.bureau_notices[body.id] = record
    return JSONResponse(record, status_code=201)


def post_inscription(body: InscriptionBody, request: Request, state: State) -> JSONResponse:
    """Inscribe a debt once, only after its notice."""
    if denied := _denied(request, state):
        return denied
    with state.bureau_lock:
        if body.id in state.bureau_inscriptions:
            return JSONResponse(state.bureau_inscriptions[body.id], status_code=200)
        if body.notice_id not in state.bureau_notices:
            return JSONResponse({"error": "no confirmed prior notice", "field": "notice_id"}, status_code=409)
        record = {**body.model_dump(), "status": "active", "inscribed_at": state.clock().isoformat()}
        state.bureau_inscriptions[body.id] = record
    return JSONResponse(record, status_code=201)


def post_removal(body: RemovalBody, request: Request, state: State) -> JSONResponse:
    """Remove an inscription (repeating it changes nothing)."""
    if denied := _denied(request, state):
        return denied
    with state.bureau_lock:
        record = state.bureau_inscriptions.get(body.inscription_id)
        if record is None:
            return JSONResponse({"error": "unknown inscription", "field": "inscription_id"}, status_code=404)
        if record["status"] != "removed":
            record.update(status="removed", removed_at=state.clock().isoformat())
    return JSONResponse(record, status_code=200)


def get_inscription(inscription_id: str, request: Request, state: State) -> JSONResponse:
    """One inscription, for reconciliation."""
    if denied := _denied(request, state):
        return denied
    record = state.bureau_inscriptions.get(inscription_id)
    if record is None:
        return JSONResponse({"error": "unknown inscription"}, status_code=404)
    return JSONResponse(record)


def build_router() -> APIRouter:
    """The bureau's routes."""
    router = APIRouter(prefix="/bureau/v1", tags=["bureau"])
    router.add_api_route("/notices", post_notice, methods=["POST"])
    router.add_api_route("/inscriptions", post_inscription, methods=["POST"])
    router.add_api_route("/removals", post_removal, methods=["POST"])
    router.add_api_route("/inscriptions/{inscription_id}", get_inscription, methods=["GET"])
    return router


PROVIDER = Provider(channel=CHANNEL, build_router=build_router)
