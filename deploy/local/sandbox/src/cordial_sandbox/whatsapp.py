"""WhatsApp Business Cloud API (Graph API) send endpoint.

``POST /{version}/{phone_number_id}/messages`` (e.g. ``/v21.0/123/messages``) with
``Authorization: Bearer <token>`` and a JSON body ``{messaging_product: "whatsapp",
recipient_type: "individual", to, type: "text"|"template", text: {body} |
template: {name, language: {code}, components}}``; a template's name is lowercase
``[a-z0-9_]``, its language a code such as ``pt_BR``, and each component ``{type: header|body|
button, parameters: [{type: text, text} | {type: currency|date_time|image|..., <type>: {...}}]}``,
a text parameter free of newlines, tabs and runs of more than four spaces. Errors use the Graph shape
``{"error": {message, type, code, error_data?, fbtrace_id}}``: 401/190 for a bad
token, 400/100 "Invalid parameter" (``error_data.details`` names the field) for a
bad body. Success is 200 ``{messaging_product, contacts: [{input, wa_id}],
messages: [{id: "wamid...."}]}``.

Non-users: the real API accepts a message to a number without WhatsApp and later
sends a ``failed`` status webhook carrying error 131026. The sandbox delivers no
webhooks yet, so it answers such a send synchronously with 400 and the Graph error
code 131026 "Message undeliverable", and does not record it in the inbox. Mark
numbers with ``POST /sandbox/whatsapp/non-users``.

Inbox entries use ``to`` = the wa_id (digits only); ``body`` is the text body, or
for a template ``template:<name>[<language>]`` followed by its text parameters
joined by `` | ``. Injected faults answer with Graph code 130429 (429), 2 (503) or
1 (anything else); an armed stall records the message, then answers late.

Limits (``whatsapp_limits.py``): a valid send past the business number's throughput in any one second of
arrival is refused with 400/130429, one to a user messaged less than the pair spacing ago with 400/131056;
neither is recorded. ``GET /sandbox/whatsapp/limits`` reads the limits and counts, ``POST`` it with
``{"rate", "pair_seconds"}`` to change them (counts zeroed); a reset restores those started with.
"""

import asyncio
import re
import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from cordial_sandbox.inbox import digits
from cordial_sandbox.provider import Provider
from cordial_sandbox.state import State
from cordial_sandbox.whatsapp_limits import ARRIVED, PAIR_RATE, THROUGHPUT, Limits

CHANNEL = "whatsapp"
MAX_TEXT = 4096
_VERSION = re.compile(r"^v\d+\.\d+$")
_PHONE = re.compile(r"^\+?[\d\s().-]+$")
# The template-message shape: https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates
_TEMPLATE_NAME = re.compile(r"^[a-z0-9_]{1,512}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
_COMPONENT_TYPES = frozenset({"header", "body", "button"})
_PARAMETER_TYPES = frozenset({"text", "currency", "date_time", "image", "document", "video", "payload"})
_BAD_PARAMETER_TEXT = re.compile(r"[\n\t]| {5,}")
_FAULTS = {429: (130429, "Rate limit hit"), 503: (2, "Service temporarily unavailable")}
# The Cloud API's answers to a send past a limit: message and details as its error-code reference gives them.
_REFUSALS = {
    THROUGHPUT: ("(#130429) Rate limit hit", "Cloud API message throughput has been reached."),
    PAIR_RATE: (
        "(#131056) (Business Account, Consumer Account) pair rate limit hit",
        "Message failed to send because there were too many messages sent from this phone number to the same "
        "phone number in a short period of time.",
    ),
}


class LimitsRequest(BaseModel):
    """Body of ``POST /sandbox/whatsapp/limits``."""

    rate: int = Field(ge=1)
    pair_seconds: float = Field(ge=0)


class NonUsers(BaseModel):
    """Body of ``POST /sandbox/whatsapp/non-users``."""

    numbers: list[str]


def graph_error(status: int, code: int, message: str, details: str | None = None) -> JSONResponse:
    """Build a Graph-API-shaped JSON error response."""
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code}
    if details is not None:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    error["fbtrace_id"] = "A" + secrets.token_urlsafe(16)
    headers = {"WWW-Authenticate": 'OAuth "Facebook Platform" "invalid_token"'}
    return JSONResponse({"error": error}, status_code=status, headers=headers if status == 401 else None)


def invalid(details: str) -> JSONResponse:
    """Build the Graph ``(#100) Invalid parameter`` error naming the bad field."""
    return graph_error(400, 100, "(#100) Invalid parameter", details)


def bearer_token(authorization: str | None) -> str | None:
    """Return the token of a ``Bearer`` ``Authorization`` header, if present."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _nonempty_str(value: object) -> bool:
    """Tell whether ``value`` is a non-blank string."""
    return isinstance(value, str) and bool(value.strip())


def _check_parameter(where: str, parameter: object) -> str | None:
    """Return why one component parameter is invalid, or ``None``: text parameters as the Cloud API takes them."""
    if not isinstance(parameter, dict):
        return f"{where} must be an object"
    kind = parameter.get("type")
    if kind not in _PARAMETER_TYPES:
        return f"{where}.type must be one of: {', '.join(sorted(_PARAMETER_TYPES))}"
    if kind != "text":
        return None if isinstance(parameter.get(kind), dict) else f"{where}.{kind} is required"
    text = parameter.get("text")
    if not _nonempty_str(text):
        return f"{where}.text is required when type is text"
    assert isinstance(text, str)
    if _BAD_PARAMETER_TEXT.search(text):
        return f"{where}.text cannot have new-line/tab characters or more than 4 consecutive spaces"
    return None


def _check_component(where: str, component: object) -> str | None:
    """Return why one template component is invalid, or ``None``."""
    if not isinstance(component, dict):
        return f"{where} must be an object"
    if component.get("type") not in _COMPONENT_TYPES:
        return f"{where}.type must be one of: {', '.join(sorted(_COMPONENT_TYPES))}"
    parameters = component.get("parameters", [])
    if not isinstance(parameters, list):
        return f"{where}.parameters must be an array"
    for i, parameter in enumerate(parameters):
        problem = _check_parameter(f"{where}.parameters[{i}]", parameter)
        if problem is not None:
            return problem
    return None


def _check_template(template: object) -> str | None:
    """Return why a ``template`` object is invalid, or ``None``."""
    if not isinstance(template, dict):
        return "template is required and must be an object when type is template"
    name = template.get("name")
    if not _nonempty_str(name):
        return "template.name is required"
    assert isinstance(name, str)
    if not _TEMPLATE_NAME.match(name):
        return "template.name must be lowercase letters, digits and underscores"
    language = template.get("language")
    if not isinstance(language, dict) or not _nonempty_str(language.get("code")):
        return "template.language.code is required"
    if not _LANGUAGE.match(str(language["code"])):
        return "template.language.code must be a language code such as en, pt_BR or es"
    components = template.get("components", [])
    if not isinstance(components, list):
        return "template.components must be an array"
    for i, component in enumerate(components):
        problem = _check_component(f"template.components[{i}]", component)
        if problem is not None:
            return problem
    return None


def _check(payload: object) -> str | None:
    """Return why a send request body is invalid, or ``None`` when it is valid."""
    if not isinstance(payload, dict):
        return "request body must be a JSON object"
    if payload.get("messaging_product") != "whatsapp":
        return "messaging_product must be 'whatsapp'"
    if payload.get("recipient_type", "individual") != "individual":
        return "recipient_type must be 'individual'"
    to = payload.get("to")
    if not isinstance(to, str) or not _PHONE.match(to) or not 7 <= len(digits(to)) <= 15:
        return "to must be a phone number"
    kind = payload.get("type", "text")
    if kind == "text":
        text = payload.get("text")
        if not isinstance(text, dict) or not _nonempty_str(text.get("body")):
            return "text.body is required when type is text"
        if len(text["body"]) > MAX_TEXT:
            return f"text.body must be at most {MAX_TEXT} characters"
        return None
    if kind == "template":
        return _check_template(payload.get("template"))
    return "type must be one of: text, template"


def summarize(payload: dict[str, Any]) -> str:
    """Render the inbox ``body`` of a valid send request."""
    if payload.get("type", "text") == "text":
        body: str = payload["text"]["body"]
        return body
    template = payload["template"]
    params = [
        str(p["text"])
        for c in template.get("components", [])
        if isinstance(c, dict)
        for p in c.get("parameters", [])
        if isinstance(p, dict) and "text" in p
    ]
    head = f"template:{template['name']}[{template['language']['code']}]"
    return " ".join([head, " | ".join(params)]) if params else head


async def send_message(version: str, phone_number_id: str, request: Request, state: State) -> JSONResponse:
    """Accept one outbound WhatsApp message the way the Cloud API does."""
    if not _VERSION.match(version):
        return graph_error(400, 2500, f"Unknown path components: /{phone_number_id}/messages")
    if not state.token_ok(bearer_token(request.headers.get("authorization"))):
        return graph_error(401, 190, "Invalid OAuth access token - Cannot parse access token")
    fault = state.faults.take(CHANNEL)
    if fault is not None:
        code, message = _FAULTS.get(fault, (1, "An unknown error occurred"))
        return graph_error(fault, code, message, "Sandbox injected fault")
    try:
        payload = await request.json()
    except ValueError:
        return invalid("request body must be valid JSON")
    problem = _check(payload)
    if problem is not None:
        return invalid(problem)
    wa_id = digits(payload["to"])
    arrived = request.scope.get("state", {}).get(ARRIVED, state.clock().timestamp())
    refused = state.whatsapp_limits.admit(phone_number_id, wa_id, arrived)
    if refused is not None:
        return graph_error(400, refused, *_REFUSALS[refused])
    if wa_id in state.whatsapp_non_users:
        return graph_error(
            400,
            131026,
            "Message undeliverable",
            "Message Undeliverable. The recipient is not a WhatsApp user.",
        )
    wamid = "wamid." + secrets.token_urlsafe(36)
    state.inbox.record(
        id=wamid, channel=CHANNEL, to=wa_id, body=summarize(payload), payload=payload, arrived_at=arrived
    )
    stall = state.faults.take_stall(CHANNEL)
    if stall is not None:
        await asyncio.sleep(stall)
    return JSONResponse(
        {
            "messaging_product": "whatsapp",
            "contacts": [{"input": payload["to"], "wa_id": wa_id}],
            "messages": [{"id": wamid}],
        }
    )


def mark_non_users(body: NonUsers, state: State) -> dict[str, Any]:
    """Mark numbers as not on WhatsApp; sends to them fail with 131026."""
    state.whatsapp_non_users.add(body.numbers)
    return {"non_users": state.whatsapp_non_users.snapshot()}


def list_non_users(state: State) -> dict[str, Any]:
    """List the numbers marked as not on WhatsApp."""
    return {"non_users": state.whatsapp_non_users.snapshot()}


def clear_non_users(state: State) -> dict[str, Any]:
    """Forget every number marked as not on WhatsApp."""
    state.whatsapp_non_users.clear()
    return {"non_users": []}


def read_limits(state: State) -> dict[str, Any]:
    """The limits, the sends taken and refused per code, the busiest second and the closest pair taken."""
    return state.whatsapp_limits.report()


def set_limits(body: LimitsRequest, state: State) -> dict[str, Any]:
    """Change the throughput and pair-rate limits; windows and counts start again."""
    state.whatsapp_limits.configure(Limits(body.rate, body.pair_seconds))
    return state.whatsapp_limits.report()


def build_router() -> APIRouter:
    """Build the WhatsApp Cloud API router and its ``/sandbox/whatsapp`` controls."""
    router = APIRouter(tags=["whatsapp"])
    router.add_api_route("/{version}/{phone_number_id}/messages", send_message, methods=["POST"])
    controls = "/sandbox/whatsapp/non-users"
    router.add_api_route(controls, mark_non_users, methods=["POST"])
    router.add_api_route(controls, list_non_users, methods=["GET"])
    router.add_api_route(controls, clear_non_users, methods=["DELETE"])
    router.add_api_route("/sandbox/whatsapp/limits", read_limits, methods=["GET"])
    router.add_api_route("/sandbox/whatsapp/limits", set_limits, methods=["POST"])
    return router


PROVIDER = Provider(channel=CHANNEL, build_router=build_router)
