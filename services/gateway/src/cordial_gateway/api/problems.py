"""Errors as application/problem+json (RFC 9457), each naming the field and the reason."""

from __future__ import annotations

from typing import Any

import grpc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM = "application/problem+json"
_BASE = "https://cordial.dev/problems/"
_GRPC_TO_HTTP = {
    grpc.StatusCode.INVALID_ARGUMENT: 422,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.FAILED_PRECONDITION: 409,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
    grpc.StatusCode.UNAVAILABLE: 503,
}


def problem(
    status: int, kind: str, title: str, detail: str, errors: list[dict[str, str]] | None = None
) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, Any] = {"type": _BASE + kind, "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "body"


def _reason(message: str) -> str:
    return message.removeprefix("Value error, ")


def validation_problem(exc: RequestValidationError) -> JSONResponse:
    """422 naming each bad field."""
    errors = [{"field": _field(tuple(e["loc"])), "reason": _reason(e["msg"])} for e in exc.errors()]
    detail = "; ".join(f"{e['field']}: {e['reason']}" for e in errors)
    return problem(422, "validation", "The request is not valid", detail, errors)


def grpc_problem(exc: grpc.aio.AioRpcError) -> JSONResponse:
    """The HTTP status of a downstream gRPC error; the field leads the details as 'field: reason'."""
    status = _GRPC_TO_HTTP.get(exc.code(), 502)
    details = exc.details() or exc.code().name
    if status == 422:
        field, _, reason = details.partition(": ")
        return problem(
            422, "validation", "The request is not valid", details, [{"field": field, "reason": reason or details}]
        )
    if status >= 500:
        # A dependency is down or slow: say so, and never as a 500 of our own.
        return problem(503, "unavailable", "A dependency is unavailable", "try again shortly")
    return problem(status, exc.code().name.lower(), exc.code().name.replace("_", " ").capitalize(), details)


def install(app: FastAPI) -> None:
    """Registers the problem+json handlers."""

    async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_problem(exc)

    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, "http", str(exc.detail), str(exc.detail))

    async def on_grpc(request: Request, exc: grpc.aio.AioRpcError) -> JSONResponse:
        return grpc_problem(exc)

    app.add_exception_handler(RequestValidationError, on_validation)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, on_http)  # type: ignore[arg-type]
    app.add_exception_handler(grpc.aio.AioRpcError, on_grpc)  # type: ignore[arg-type]
