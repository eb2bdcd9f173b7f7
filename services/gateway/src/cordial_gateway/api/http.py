"""The public REST edge: builds the FastAPI app from the route modules. Routes stay thin."""

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from cordial_gateway.api import problems
from cordial_gateway.api.deps import Backends, install_auth
from cordial_gateway.api.routes import (
    account,
    agency,
    agreements,
    audit,
    contacts,
    debts,
    hooks,
    payments,
    portal,
    strategies,
    templates,
    webhooks,
)


class BodyLimit(BaseHTTPMiddleware):
    """Refuses bodies over the limit before anything reads them."""

    def __init__(self, app: object, max_bytes: int, max_batch_bytes: int) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self._max = max_bytes
        self._max_batch = max(max_batch_bytes, max_bytes)

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        # A batch of 10,000 debts is larger than any single request needs to be.
        limit = self._max_batch if request.url.path.endswith("/batch") else self._max
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return self._too_large(limit)
        if request.method in ("POST", "PUT", "PATCH") and len(await request.body()) > limit:
            return self._too_large(limit)
        return await call_next(request)

    def _too_large(self, limit: int) -> JSONResponse:
        detail = f"body: larger than {limit} bytes"
        return problems.problem(
            413,
            "too-large",
            "The request body is too large",
            detail,
            [{"field": "body", "reason": f"larger than {limit} bytes"}],
        )


def create_app(backends: Backends, max_body_bytes: int, max_batch_body_bytes: int = 16 * 1_048_576) -> FastAPI:
    """The FastAPI application with its routes, error handlers and body limit."""
    app = FastAPI(title="Cordial API", version="1.0.0", description="Client and agency API of Cordial.")
    app.state.backends = backends
    problems.install(app)
    install_auth(app)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes, max_batch_bytes=max_batch_body_bytes)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    routers = (
        debts,
        agreements,
        account,
        agency,
        strategies,
        templates,
        audit,
        hooks,
        payments,
        webhooks,
        contacts,
        portal,
    )
    for router in (module.router for module in routers):
        app.include_router(router)
    return app
