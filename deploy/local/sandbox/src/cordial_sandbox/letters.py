"""Letters in the shape of Lob's Print & Mail API: ``POST /v1/letters`` with a PDF to print and post.

Authentication is HTTP Basic with the API key as the username (the sandbox token) and an
empty password. The body is ``multipart/form-data``: ``to[name]`` or ``to[company]``,
``to[address_line1]``, ``from[name]``, ``from[address_line1]``, ``color`` (``true``/``false``),
``use_type`` (``marketing``/``operational``), optional ``description`` and ``metadata[...]``,
and ``file``, a PDF. An ``Idempotency-Key`` header makes a repeat answer the first letter
again (Lob keeps keys 24 hours). Errors use Lob's shape ``{"error": {"message",
"status_code", "code"}}``. Success is 200 with the letter (``id`` ``ltr_...``,
``expected_delivery_date``, ``metadata``...). ``GET /v1/letters`` lists letters,
newest first, as ``{data, object: "list", count}``, filtered by ``metadata[key]=value``.

The inbox records each letter with channel ``letter``, ``to`` the address line, ``body`` the
text the PDF's pages show (its content streams inflated, their text operators read) and
``payload`` the form fields plus ``pages`` and ``pdf_bytes``. Injected faults answer with
the armed status.
"""

import base64
import binascii
import re
import uuid
import zlib
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from cordial_sandbox.provider import Provider
from cordial_sandbox.state import State

CHANNEL = "letter"
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_TEXT = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"(": b"(", b")": b")", b"\\": b"\\"}


def lob_error(status: int, message: str, code: str) -> JSONResponse:
    """Lob's JSON error."""
    return JSONResponse({"error": {"message": message, "status_code": status, "code": code}}, status_code=status)


def _unescape(raw: bytes) -> bytes:
    return re.sub(rb"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), raw)


def pdf_text(pdf: bytes) -> str:
    """The text shown by a simple PDF's ``Tj`` operators, in order, one line each."""
    lines = []
    for stream in _STREAM.findall(pdf):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            content = stream
        lines += [_unescape(m).decode("latin-1") for m in _TEXT.findall(content)]
    return "\n".join(lines)


def _multipart(content_type: str, body: bytes) -> tuple[dict[str, str], bytes | None]:
    """The form fields and the uploaded file of a multipart body."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=policy.default).parsebytes(head + body)
    fields: dict[str, str] = {}
    upload: bytes | None = None
    for part in message.iter_parts() if message.is_multipart() else []:
        name = part.get_param("name", header="content-disposition")
        raw = part.get_payload(decode=True)
        data = raw if isinstance(raw, bytes) else b""
        if name == "file":
            upload = data
        elif isinstance(name, str):
            fields[name] = data.decode("utf-8", errors="replace")
    return fields, upload


def _invalid(fields: dict[str, str], upload: bytes | None) -> JSONResponse | None:
    """Lob's 422 for a letter it would not print, or None."""
    if not (fields.get("to[name]") or fields.get("to[company]")):
        return lob_error(422, "to.name or to.company is required", "invalid")
    for name in ("to[address_line1]", "from[address_line1]"):
        if not fields.get(name):
            return lob_error(422, f"{name.replace('[', '.').rstrip(']')} is required", "invalid")
    if fields.get("color") not in ("true", "false"):
        return lob_error(422, "color is required and must be true or false", "invalid")
    if fields.get("use_type") not in ("marketing", "operational"):
        return lob_error(422, "use_type must be marketing or operational", "invalid")
    if not upload or not upload.startswith(b"%PDF-"):
        return lob_error(422, "file must be a PDF", "invalid_file")
    return None


async def create_letter(request: Request, state: State) -> JSONResponse:
    """Accept one letter the way Lob's create does."""
    if not state.token_ok(_api_key(request)):
        return lob_error(401, "Your API key is not valid.", "unauthorized")
    fault = state.faults.take(CHANNEL)
    if fault is not None:
        return lob_error(fault, "Sandbox injected fault", "service_unavailable")
    key = request.headers.get("idempotency-key", "")
    if key and key in state.letters_by_key:
        return JSONResponse(state.letters_by_key[key])
    fields, upload = _multipart(request.headers.get("content-type", ""), await request.body())
    error = _invalid(fields, upload)
    if error is not None:
        return error
    assert upload is not None
    letter = _letter(fields, state)
    payload = {
        **fields,
        "pages": upload.count(b"/Type /Page\n") or upload.count(b"/Type /Page"),
        "pdf_bytes": len(upload),
    }
    state.inbox.record(
        id=letter["id"], channel=CHANNEL, to=fields["to[address_line1]"], body=pdf_text(upload), payload=payload
    )
    state.letters.append(letter)
    if key:
        state.letters_by_key[key] = letter
    return JSONResponse(letter)


def _api_key(request: Request) -> str | None:
    """Lob's API key: the HTTP Basic username."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, _ = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user or None


def _letter(fields: dict[str, str], state: State) -> dict[str, Any]:
    """The Lob letter resource."""
    now = state.clock()
    metadata = {k[len("metadata[") : -1]: v for k, v in fields.items() if k.startswith("metadata[")}
    return {
        "id": "ltr_" + uuid.uuid4().hex[:20],
        "object": "letter",
        "description": fields.get("description"),
        "to": {"name": fields.get("to[name]"), "address_line1": fields["to[address_line1]"]},
        "from": {"name": fields.get("from[name]"), "address_line1": fields["from[address_line1]"]},
        "color": fields["color"] == "true",
        "use_type": fields["use_type"],
        "metadata": metadata,
        "date_created": now.isoformat(),
        "expected_delivery_date": (now + timedelta(days=5)).date().isoformat(),
    }


async def list_letters(request: Request, state: State) -> JSONResponse:
    """Letters, newest first, filtered by ``metadata[key]=value``."""
    if not state.token_ok(_api_key(request)):
        return lob_error(401, "Your API key is not valid.", "unauthorized")
    wanted = {k[len("metadata[") : -1]: v for k, v in request.query_params.items() if k.startswith("metadata[")}
    found = [
        letter for letter in reversed(state.letters) if all(letter["metadata"].get(k) == v for k, v in wanted.items())
    ]
    return JSONResponse({"data": found, "object": "list", "count": len(found)})


def build_router() -> APIRouter:
    """Routes of the letters API."""
    router = APIRouter()
    router.add_api_route("/v1/letters", create_letter, methods=["POST"])
    router.add_api_route("/v1/letters", list_letters, methods=["GET"])
    return router


PROVIDER = Provider(channel=CHANNEL, build_router=build_router)
