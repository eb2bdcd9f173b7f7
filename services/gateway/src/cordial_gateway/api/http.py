"""The public REST edge: builds the FastAPI app from the route modules. Routes stay thin."""

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from cordial_gateway.api import problems
from cordial_gateway.api.deps import Backends, install_auth
from cordial_gateway.api.routes import account, agency, agreements, debts, hooks, payments, strategies


class BodyLimit(BaseHTTPMiddleware):
    """Refuses bodies over the limit before anything reads them."""

    def __init__(self, app: object, max_bytes: int) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self._max = max_bytes

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self._max:
            return self._too_large()
        if request.method in ("POST", "PUT", "PATCH") and len(await request.body()) > self._max:
            return self._too_large()
        return await call_next(request)

    def _too_large(self) -> JSONResponse:
        detail = f"body: larger than {self._max} bytes"
        return problems.problem(
            413,
            "too-large",
            "The request body is too large",
            detail,
            [{"field": "body", "reason": f"larger than {self._max} bytes"}],
        )


def create_app(backends: Backends, max_body_bytes: int) -> FastAPI:
    """The FastAPI application with its routes, error handlers and body limit."""
    app = FastAPI(title="Cordial API", version="1.0.0", description="Client and agency API of Cordial.")
    app.state.backends = backends
    problems.install(app)
    install_auth(app)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    routers = (debts, agreements, account, agency, strategies, hooks, payments)
    for router in (module.router for module in routers):
        app.include_router(router)
    return app
