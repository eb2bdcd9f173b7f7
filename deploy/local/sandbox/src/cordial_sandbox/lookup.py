"""Line type lookups in the shape of Twilio Lookup v2 with ``Fields=line_type_intelligence``.

``GET /v2/PhoneNumbers/{number}?Fields=line_type_intelligence``, HTTP Basic with the sandbox
token as the password, answers 200 with ``{calling_country_code, country_code, phone_number,
national_format, valid, validation_errors, line_type_intelligence: {carrier_name,
mobile_country_code, mobile_network_code, type, error_code}, url}``. A number that is not
E.164 is ``valid: false`` with ``validation_errors`` (``TOO_SHORT``, ``TOO_LONG``,
``INVALID_BUT_POSSIBLE``) and ``line_type_intelligence: null``, as Twilio answers. The line
type is derived from the number: a Brazilian number whose subscriber part has nine digits
starting with 9 is ``mobile``, eight digits ``landline``, a 0800 number ``tollFree``; others
``nonFixedVoip``. Injected faults answer Twilio's error JSON with code ``20000 + status``.

``GET /sandbox/lookups`` reports what was paid for: ``{total, per_number_max, max_per_second}``
(the most lookups within one second of the clock), so a client can show it never paid twice.
With a rate configured for channel ``lookup`` (``--rate lookup=N`` or ``POST /sandbox/rates``), a request
past N within any sliding one second is refused with 429 and Twilio's error 20429 (Too Many Requests,
``Retry-After: 1``), paid for nothing, and counted in ``GET /sandbox/rates``.
"""

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from cordial_sandbox.provider import Provider
from cordial_sandbox.sms import basic_password, twilio_error
from cordial_sandbox.state import State

CHANNEL = "lookup"
_CARRIERS = (("Claro", "05"), ("Vivo", "06"), ("TIM", "04"), ("Oi", "31"))
_DIGITS = re.compile(r"^\+[1-9]\d{1,14}$")


def line_type(number: str) -> str:
    """The line type the sandbox reports for an E.164 number."""
    if number.startswith("+55") and len(number) >= 12:
        subscriber = number[5:]
        if subscriber.startswith("800") or number[3:7] == "0800":
            return "tollFree"
        if len(subscriber) == 9 and subscriber.startswith("9"):
            return "mobile"
        if len(subscriber) == 8:
            return "landline"
    return "nonFixedVoip"


def _validation_errors(number: str) -> list[str]:
    digits = re.sub(r"\D", "", number)
    if not number.startswith("+") or not _DIGITS.match(number):
        return ["TOO_SHORT"] if len(digits) < 8 else ["TOO_LONG"] if len(digits) > 15 else ["INVALID_BUT_POSSIBLE"]
    return []


def _resource(number: str) -> dict[str, Any]:
    """Twilio's PhoneNumber resource with line type intelligence."""
    errors = _validation_errors(number)
    valid = not errors
    carrier, mnc = _CARRIERS[sum(map(ord, number)) % len(_CARRIERS)]
    kind = line_type(number) if valid else ""
    return {
        "calling_country_code": "55" if number.startswith("+55") else None,
        "country_code": "BR" if number.startswith("+55") else None,
        "phone_number": number,
        "national_format": number[3:] if number.startswith("+55") else number,
        "valid": valid,
        "validation_errors": errors,
        "caller_name": None,
        "sim_swap": None,
        "call_forwarding": None,
        "line_status": None,
        "line_type_intelligence": {
            "carrier_name": carrier if kind == "mobile" else None,
            "error_code": None,
            "mobile_country_code": "724" if kind == "mobile" else None,
            "mobile_network_code": mnc if kind == "mobile" else None,
            "type": kind,
        }
        if valid
        else None,
        "url": f"https://lookups.twilio.com/v2/PhoneNumbers/{number}",
    }


async def lookup(number: str, request: Request, state: State) -> JSONResponse:
    """Answer one lookup the way Lookup v2 does."""
    if not state.token_ok(basic_password(request.headers.get("authorization"))):
        return twilio_error(401, 20003, "Authenticate", "Your AccountSid or AuthToken was incorrect.")
    if not state.rates.admit(CHANNEL, state.clock().timestamp()):
        return twilio_error(429, 20429, "Too Many Requests", "The lookup rate limit was exceeded.")
    fault = state.faults.take(CHANNEL)
    if fault is not None:
        return twilio_error(fault, 20000 + fault, "Sandbox injected fault")
    if "line_type_intelligence" in request.query_params.get("Fields", ""):
        state.lookups.record(number, int(state.clock().timestamp()))
    return JSONResponse(_resource(number))


def report(state: State) -> dict[str, int]:
    """What was paid for."""
    return state.lookups.report()


def build_router() -> APIRouter:
    """Routes of Lookup v2 and the sandbox's ledger."""
    router = APIRouter()
    router.add_api_route("/v2/PhoneNumbers/{number}", lookup, methods=["GET"])
    router.add_api_route("/sandbox/lookups", report, methods=["GET"])
    return router


PROVIDER = Provider(channel=CHANNEL, build_router=build_router)
