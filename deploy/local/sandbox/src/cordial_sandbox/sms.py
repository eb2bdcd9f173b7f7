"""SMS gateway in the shape of Twilio's Programmable Messaging API.

``POST /2010-04-01/Accounts/{account_sid}/Messages.json`` takes form-encoded ``To``
(E.164), ``From`` or ``MessagingServiceSid``, ``Body`` and optional
``StatusCallback``, authenticated with HTTP Basic where the password must equal
the sandbox token (any username). Errors use Twilio's JSON shape
``{code, message, more_info, status}`` with Twilio's codes: 20003 (auth), 21604
(To missing), 21211 (To not E.164), 21603 (From and MessagingServiceSid missing),
21212 (From invalid), 21602 (Body missing), 21617 (Body over 1600 characters).
Success is 201 with the Message resource; ``num_segments``/``num_media`` are
strings as Twilio sends them, and ``status`` is always ``queued`` (Twilio answers
``accepted`` when only a MessagingServiceSid is given; the sandbox does not).
Twilio has no idempotency key, so none is invented: every accepted request is
recorded in the inbox. Status callbacks are stored in the payload, not delivered.
Injected faults answer with Twilio code ``20000 + status`` (20429, 20503, ...);
an armed stall records the message, then answers late. A US number that texted an opt-out keyword to the
sender is refused with 400 and 21610 until it texts START (``sms_opt_outs``); Twilio's own confirmation is in
the inbox with ``direction`` ``outbound-reply``, as Twilio lists its automatic replies.

``GET /2010-04-01/Accounts/{account_sid}/Messages.json`` lists accepted messages,
newest first, in Twilio's page shape ``{messages, page, page_size, start, end, uri,
first_page_uri, next_page_uri, previous_page_uri}``, filtered by ``To``, ``From``
and ``DateSent`` (``YYYY-MM-DD``, also ``DateSent>``/``DateSent<``), paged by
``PageSize`` (default 50, at most 1000) and ``Page``. This is how a client learns
whether a send it lost track of was accepted.
"""

import asyncio
import base64
import binascii
import re
import uuid
from datetime import datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from cordial_sandbox.provider import Provider
from cordial_sandbox.state import State

CHANNEL = "sms"
API_VERSION = "2010-04-01"
MAX_BODY = 1600
_E164 = re.compile(r"^\+[1-9]\d{1,14}$")
_SHORT_CODE = re.compile(r"^\d{3,6}$")
_ALPHA_SENDER = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$")
_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXT = set("^{}\\[~]|€\f")


def twilio_error(status: int, code: int, message: str, detail: str | None = None) -> JSONResponse:
    """Build a Twilio-shaped JSON error response."""
    headers = {"Retry-After": "1"} if status in (429, 503) else None
    if status == 401:
        headers = {"WWW-Authenticate": 'Basic realm="Twilio API"'}
    content: dict[str, Any] = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    if detail is not None:
        content["detail"] = detail
    return JSONResponse(content, status_code=status, headers=headers)


def basic_password(authorization: str | None) -> str | None:
    """Return the password of an HTTP Basic ``Authorization`` header, if well formed."""
    if not authorization:
        return None
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return password if sep and user else None


def num_segments(body: str) -> int:
    """Count SMS segments: GSM-7 at 160/153 septets, otherwise UCS-2 at 70/67 units."""
    if all(ch in _GSM7 or ch in _GSM7_EXT for ch in body):
        units = sum(2 if ch in _GSM7_EXT else 1 for ch in body)
        single, multi = 160, 153
    else:
        units = len(body.encode("utf-16-le")) // 2
        single, multi = 70, 67
    if units <= single:
        return 1
    return -(-units // multi)


def _validate(form: dict[str, str]) -> JSONResponse | None:
    """Return Twilio's error for an invalid send request, or ``None`` when it is valid."""
    to = form.get("To", "")
    sender = form.get("From", "")
    body = form.get("Body", "")
    if not to:
        return twilio_error(400, 21604, "A 'To' phone number is required.")
    if not _E164.match(to):
        return twilio_error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
    if not sender and not form.get("MessagingServiceSid"):
        return twilio_error(400, 21603, "A 'From' phone number is required.")
    if sender and not (_E164.match(sender) or _SHORT_CODE.match(sender) or _ALPHA_SENDER.match(sender)):
        return twilio_error(
            400,
            21212,
            f"The 'From' number {sender} is not a valid phone number, shortcode, or alphanumeric sender ID.",
        )
    if not body:
        return twilio_error(400, 21602, "Message body is required.")
    if len(body) > MAX_BODY:
        return twilio_error(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
    return None


async def _read_form(request: Request) -> dict[str, str]:
    """Decode a form-encoded body (first value wins); other content types read as empty."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        return {}
    raw = (await request.body()).decode("utf-8", errors="replace")
    parsed = parse_qs(raw, keep_blank_values=True)
    return {key: values[0] for key, values in parsed.items()}


def _message_resource(account_sid: str, sid: str, form: dict[str, str], when: datetime) -> dict[str, Any]:
    """Render the Twilio Message resource of a message queued at ``when``."""
    now = format_datetime(when)
    uri = f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}"
    return {
        "account_sid": account_sid,
        "api_version": API_VERSION,
        "body": form["Body"],
        "date_created": now,
        "date_sent": None,
        "date_updated": now,
        "direction": form.get("direction", "outbound-api"),
        "error_code": None,
        "error_message": None,
        "from": form.get("From") or None,
        "messaging_service_sid": form.get("MessagingServiceSid") or None,
        "num_media": "0",
        "num_segments": str(num_segments(form["Body"])),
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": "queued",
        "subresource_uris": {"media": f"{uri}/Media.json"},
        "to": form["To"],
        "uri": f"{uri}.json",
    }


async def create_message(account_sid: str, request: Request, state: State) -> JSONResponse:
    """Accept one outbound SMS the way Twilio's Messages.json create does."""
    if not state.token_ok(basic_password(request.headers.get("authorization"))):
        return twilio_error(401, 20003, "Authenticate", "Your AccountSid or AuthToken was incorrect.")
    fault = state.faults.take(CHANNEL)
    if fault is not None:
        return twilio_error(fault, 20000 + fault, "Sandbox injected fault")
    form = await _read_form(request)
    error = _validate(form)
    if error is not None:
        return error
    if state.sms_opt_outs.blocked(form.get("From") or form.get("MessagingServiceSid", ""), form["To"]):
        return twilio_error(400, 21610, "Attempt to send to unsubscribed recipient")
    sid = "SM" + uuid.uuid4().hex
    state.inbox.record(id=sid, channel=CHANNEL, to=form["To"], body=form["Body"], payload=form)
    stall = state.faults.take_stall(CHANNEL)
    if stall is not None:
        await asyncio.sleep(stall)
    return JSONResponse(_message_resource(account_sid, sid, form, state.clock()), status_code=201)


def _date_filter(params: dict[str, str]) -> tuple[str | None, str | None, str | None]:
    """The ``DateSent``, ``DateSent>`` and ``DateSent<`` filters (``YYYY-MM-DD``)."""
    return params.get("DateSent"), params.get("DateSent>"), params.get("DateSent<")


def _matches(entry: dict[str, Any], params: dict[str, str]) -> bool:
    """Tell whether an inbox entry passes the list filters."""
    if params.get("To") and entry["to"] != params["To"]:
        return False
    if params.get("From") and entry["payload"].get("From") != params["From"]:
        return False
    day = entry["received_at"][:10]
    on, after, before = _date_filter(params)
    return (on is None or day == on) and (after is None or day >= after) and (before is None or day <= before)


async def list_messages(account_sid: str, request: Request, state: State) -> JSONResponse:
    """List accepted messages the way Twilio's Messages.json read does, newest first."""
    if not state.token_ok(basic_password(request.headers.get("authorization"))):
        return twilio_error(401, 20003, "Authenticate", "Your AccountSid or AuthToken was incorrect.")
    params = dict(request.query_params)
    try:
        size = min(int(params.get("PageSize", "50")), 1000)
        page = int(params.get("Page", "0"))
    except ValueError:
        return twilio_error(400, 20001, "Invalid PageSize or Page")
    if size < 1 or page < 0:
        return twilio_error(400, 20001, "Invalid PageSize or Page")
    found = [e for e in reversed(state.inbox.list(channel=CHANNEL)) if _matches(e, params)]
    chunk = found[page * size : (page + 1) * size]
    messages = [
        _message_resource(account_sid, e["id"], e["payload"], datetime.fromisoformat(e["received_at"])) for e in chunk
    ]
    uri = f"/{API_VERSION}/Accounts/{account_sid}/Messages.json?PageSize={size}"
    more = (page + 1) * size < len(found)
    return JSONResponse(
        {
            "messages": messages,
            "page": page,
            "page_size": size,
            "start": page * size,
            "end": page * size + max(len(chunk) - 1, 0),
            "uri": f"{uri}&Page={page}",
            "first_page_uri": f"{uri}&Page=0",
            "next_page_uri": f"{uri}&Page={page + 1}" if more else None,
            "previous_page_uri": f"{uri}&Page={page - 1}" if page > 0 else None,
        }
    )


def build_router() -> APIRouter:
    """Build the Twilio-shaped SMS router."""
    router = APIRouter(tags=["sms"])
    router.add_api_route(
        f"/{API_VERSION}/Accounts/{{account_sid}}/Messages.json",
        create_message,
        methods=["POST"],
        response_class=JSONResponse,
    )
    router.add_api_route(
        f"/{API_VERSION}/Accounts/{{account_sid}}/Messages.json",
        list_messages,
        methods=["GET"],
        response_class=JSONResponse,
    )
    return router


PROVIDER = Provider(channel=CHANNEL, build_router=build_router)
