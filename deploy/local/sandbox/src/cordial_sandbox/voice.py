"""Voice calls in the shape of Twilio's Programmable Voice Calls API, text-to-speech by TwiML ``<Say>``.

``POST /2010-04-01/Accounts/{account_sid}/Calls.json`` takes form-encoded ``To`` and
``From`` (E.164) and one of ``Twiml`` or ``Url``, authenticated with HTTP Basic where the
password must equal the sandbox token. Errors use Twilio's JSON shape and codes: 20003
(auth), 21201 (To missing), 21217 (To not a phone number), 21213 (From missing),
21205 (neither Url nor Twiml), 12100 (Twiml not parseable, or without ``<Say>``).
Success is 201 with the Call resource, ``status`` ``queued``. The inbox records the call
with channel ``voice``, ``body`` the text the call says (every ``<Say>``, joined by a
space) and ``payload`` the form plus ``say_language``. Injected faults answer with code
``20000 + status``.
"""

import uuid
from datetime import datetime
from email.utils import format_datetime
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import ElementTree
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from cordial_sandbox.provider import Provider
from cordial_sandbox.sms import _E164, API_VERSION, _read_form, basic_password, twilio_error
from cordial_sandbox.state import State

CHANNEL = "voice"


def spoken(twiml: str) -> tuple[str, str] | None:
    """The text every ``<Say>`` of a TwiML document reads and the first one's language, or None."""
    try:
        root = ElementTree.fromstring(twiml)
    except (ParseError, ValueError):
        return None
    says = root.findall("Say") if root.tag == "Response" else []
    if not says:
        return None
    return " ".join((say.text or "").strip() for say in says), says[0].get("language", "en-US")


def _validate(form: dict[str, str]) -> JSONResponse | None:
    """Twilio's error for an invalid call request, or None."""
    if not form.get("To"):
        return twilio_error(400, 21201, "No 'To' number is specified")
    if not _E164.match(form["To"]):
        return twilio_error(400, 21217, f"Phone number {form['To']} is not a valid phone number.")
    if not form.get("From"):
        return twilio_error(400, 21213, "No 'From' number is specified")
    if not form.get("Twiml") and not form.get("Url"):
        return twilio_error(400, 21205, "Url or Twiml parameter is required.")
    if form.get("Twiml") and spoken(form["Twiml"]) is None:
        return twilio_error(400, 12100, "Document parse failure: a <Response> with at least one <Say> is expected.")
    return None


def _call_resource(account_sid: str, sid: str, form: dict[str, str], when: datetime) -> dict[str, Any]:
    """The Twilio Call resource of a call queued at ``when``."""
    now = format_datetime(when)
    return {
        "account_sid": account_sid,
        "api_version": API_VERSION,
        "date_created": now,
        "date_updated": now,
        "direction": "outbound-api",
        "duration": None,
        "from": form["From"],
        "sid": sid,
        "status": "queued",
        "to": form["To"],
        "uri": f"/{API_VERSION}/Accounts/{account_sid}/Calls/{sid}.json",
    }


async def create_call(account_sid: str, request: Request, state: State) -> JSONResponse:
    """Accept one outbound call the way Twilio's Calls.json create does."""
    if not state.token_ok(basic_password(request.headers.get("authorization"))):
        return twilio_error(401, 20003, "Authenticate", "Your AccountSid or AuthToken was incorrect.")
    fault = state.faults.take(CHANNEL)
    if fault is not None:
        return twilio_error(fault, 20000 + fault, "Sandbox injected fault")
    form = await _read_form(request)
    error = _validate(form)
    if error is not None:
        return error
    text, language = spoken(form.get("Twiml", "")) or ("", "")
    sid = "CA" + uuid.uuid4().hex
    state.inbox.record(id=sid, channel=CHANNEL, to=form["To"], body=text, payload={**form, "say_language": language})
    return JSONResponse(_call_resource(account_sid, sid, form, state.clock()), status_code=201)


def build_router() -> APIRouter:
    """Routes of the Calls API."""
    router = APIRouter()
    router.add_api_route(f"/{API_VERSION}/Accounts/{{account_sid}}/Calls.json", create_call, methods=["POST"])
    return router


PROVIDER = Provider(channel=CHANNEL, build_router=build_router)
