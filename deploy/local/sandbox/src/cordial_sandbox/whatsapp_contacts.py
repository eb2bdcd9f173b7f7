"""WhatsApp contacts check in the shape of the WhatsApp Business On-Premises API's contacts endpoint.

``POST /v1/contacts`` with ``Authorization: Bearer <token>`` and a body
``{"blocking": "wait" | "no_wait", "contacts": ["+5511...", ...], "force_check": false}`` answers 200
``{"contacts": [{"input": "+5511...", "status": "valid", "wa_id": "5511..."}, {"input": "...",
"status": "invalid"}]}``, one entry per input in order, as documented for the On-Premises API
(https://developers.facebook.com/docs/whatsapp/on-premises/reference/contacts). Meta deprecated the
On-Premises API and the Cloud API has no such check; third-party check providers keep this shape.
Errors use the On-Premises shape ``{"errors": [{"code", "title", "details"}]}``: 401 for a bad token,
400 (code 2000 "Invalid parameter", ``details`` naming the field) for a bad body.

A number is ``invalid`` when it is marked a non-user (``POST /sandbox/whatsapp/non-users``): the same
numbers the Cloud API send answers 131026 for. Anything else with 7 to 15 digits is ``valid``; an input
that is not a phone number is ``invalid``. ``GET /sandbox/whatsapp/contacts`` reports how many times each
number (digits) was asked, so a client can show it asked once; injected faults (channel
``whatsapp-contacts``) answer with their status. With a rate configured for the channel (``--rate
whatsapp-contacts=N`` or ``POST /sandbox/rates``), a request past N within any sliding one second is refused
with 429 in the On-Premises shape (code 1015, "Too many requests"), asks nothing, and is counted in
``GET /sandbox/rates``.
"""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from cordial_sandbox.inbox import digits
from cordial_sandbox.provider import Provider
from cordial_sandbox.state import State
from cordial_sandbox.whatsapp import bearer_token

CHANNEL = "whatsapp-contacts"
MAX_CONTACTS = 10_000


def error(status: int, code: int, title: str, details: str) -> JSONResponse:
    """An On-Premises-shaped error."""
    return JSONResponse({"errors": [{"code": code, "title": title, "details": details}]}, status_code=status)


def _problem(payload: object) -> str | None:
    """Why a contacts body is invalid, or None."""
    if not isinstance(payload, dict):
        return "request body must be a JSON object"
    if payload.get("blocking", "no_wait") not in ("wait", "no_wait"):
        return "blocking must be 'wait' or 'no_wait'"
    contacts = payload.get("contacts")
    if not isinstance(contacts, list) or not contacts:
        return "contacts is required and must be a non-empty array"
    if len(contacts) > MAX_CONTACTS:
        return f"contacts must hold at most {MAX_CONTACTS} numbers"
    if not all(isinstance(c, str) for c in contacts):
        return "contacts must be strings"
    return None


def _entry(raw: str, state: State) -> dict[str, Any]:
    """One contact's answer: valid with its wa_id, or invalid."""
    wa_id = digits(raw)
    if not 7 <= len(wa_id) <= 15 or wa_id in state.whatsapp_non_users:
        return {"input": raw, "status": "invalid"}
    return {"input": raw, "status": "valid", "wa_id": wa_id}


async def check_contacts(request: Request, state: State) -> JSONResponse:
    """Answers which numbers are WhatsApp users."""
    if not state.token_ok(bearer_token(request.headers.get("authorization"))):
        return error(401, 1005, "Access denied", "Invalid credentials")
    if not state.rates.admit(CHANNEL, state.clock().timestamp()):
        return error(429, 1015, "Too many requests", "The contacts check rate limit was exceeded")
    fault = state.faults.take(CHANNEL)
    if fault is not None:
        return error(fault, 1014, "Internal error", "Sandbox injected fault")
    try:
        payload = await request.json()
    except ValueError:
        return error(400, 2000, "Invalid parameter", "request body must be valid JSON")
    problem = _problem(payload)
    if problem is not None:
        return error(400, 2000, "Invalid parameter", problem)
    contacts: list[str] = payload["contacts"]
    with state.whatsapp_contact_lock:
        for raw in contacts:
            key = digits(raw)
            state.whatsapp_contact_queries[key] = state.whatsapp_contact_queries.get(key, 0) + 1
    return JSONResponse({"contacts": [_entry(raw, state) for raw in contacts]})


def report(state: State) -> dict[str, dict[str, int]]:
    """How many times each number was asked."""
    with state.whatsapp_contact_lock:
        return {"queries": dict(state.whatsapp_contact_queries)}


def build_router() -> APIRouter:
    """Build the contacts check router and its ``/sandbox/whatsapp/contacts`` report."""
    router = APIRouter(tags=["whatsapp-contacts"])
    router.add_api_route("/v1/contacts", check_contacts, methods=["POST"])
    router.add_api_route("/sandbox/whatsapp/contacts", report, methods=["GET"])
    return router


PROVIDER = Provider(channel=CHANNEL, build_router=build_router)
