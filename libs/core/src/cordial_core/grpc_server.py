"""The gRPC bootstrap every service uses: health, reflection, context, deadlines, errors."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1.health import aio as health_aio  # type: ignore[attr-defined]  # set at import, not in the stubs
from grpc_reflection.v1alpha import reflection

from cordial_core import errors
from cordial_core.context import bound, correlation_var, tenant_var
from cordial_core.ids import new_id
from cordial_core.metrics import GRPC_REQUESTS

log = logging.getLogger(__name__)

TENANT_KEY = "x-tenant-id"
CORRELATION_KEY = "x-correlation-id"
# Calls that arrive without a deadline get this one, so nothing waits forever.
DEFAULT_DEADLINE_SECONDS = 30.0
# gRPC's own deadline timer may cancel a handler a hair before its clock reads the deadline as passed.
DEADLINE_SLACK_SECONDS = 0.1

_STATUS_BY_ERROR: list[tuple[type[errors.DomainError], grpc.StatusCode]] = [
    (errors.InvalidArgument, grpc.StatusCode.INVALID_ARGUMENT),
    (errors.NotFound, grpc.StatusCode.NOT_FOUND),
    (errors.AlreadyExists, grpc.StatusCode.ALREADY_EXISTS),
    (errors.FailedPrecondition, grpc.StatusCode.FAILED_PRECONDITION),
    (errors.PermissionDenied, grpc.StatusCode.PERMISSION_DENIED),
    (errors.Unauthenticated, grpc.StatusCode.UNAUTHENTICATED),
]
_UNSCOPED_PREFIXES = ("/grpc.health.", "/grpc.reflection.")


def status_for(error: errors.DomainError) -> grpc.StatusCode:
    """The precise gRPC status for a domain error."""
    for kind, code in _STATUS_BY_ERROR:
        if isinstance(error, kind):
            return code
    return grpc.StatusCode.FAILED_PRECONDITION


def error_details(error: errors.DomainError) -> str:
    """The status message: the field first, so callers can point at it."""
    return f"{error.field}: {error.message}" if error.field else error.message


class ContextInterceptor(grpc.aio.ServerInterceptor):
    """Binds tenant and correlation id, bounds the call by its deadline, maps domain errors."""

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or handler.unary_unary is None or method.startswith(_UNSCOPED_PREFIXES):
            return handler
        inner: Any = handler.unary_unary

        async def wrapped(request: Any, context: grpc.aio.ServicerContext) -> Any:
            metadata = dict(context.invocation_metadata() or ())
            tenant = metadata.get(TENANT_KEY)
            correlation = metadata.get(CORRELATION_KEY) or new_id()
            started = time.perf_counter()
            code = grpc.StatusCode.OK
            try:
                if not tenant:
                    code = grpc.StatusCode.INVALID_ARGUMENT
                    await context.abort(code, f"{TENANT_KEY} metadata is required")
                remaining = context.time_remaining()
                timeout = DEFAULT_DEADLINE_SECONDS if remaining is None else max(remaining, 0.0)
                with bound(tenant, correlation):
                    async with asyncio.timeout(timeout):
                        return await inner(request, context)
            except errors.DomainError as exc:
                code = status_for(exc)
                await context.abort(code, error_details(exc))
            except TimeoutError:
                code = grpc.StatusCode.DEADLINE_EXCEEDED
                await context.abort(code, "deadline exceeded")
            except asyncio.CancelledError:
                # gRPC cancels the handler itself when the caller's deadline passes.
                remaining = context.time_remaining()
                expired = remaining is not None and remaining <= DEADLINE_SLACK_SECONDS
                code = grpc.StatusCode.DEADLINE_EXCEEDED if expired else grpc.StatusCode.CANCELLED
                raise
            except Exception as exc:
                if isinstance(exc, grpc.aio.AbortError):
                    code = context.code() or code
                    raise
                code = grpc.StatusCode.INTERNAL
                log.exception("unhandled error in %s", method)
                await context.abort(code, "internal error")
            finally:
                GRPC_REQUESTS.labels(method, code.name).observe(time.perf_counter() - started)

        return grpc.unary_unary_rpc_method_handler(
            wrapped,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


Registration = Callable[[grpc.aio.Server], None]


class GrpcServer:
    """A grpc.aio server with health and reflection, ready for a service's servicers."""

    def __init__(
        self, host: str, port: int, registrations: Iterable[Registration], service_names: Sequence[str]
    ) -> None:
        self._server = grpc.aio.server(interceptors=[ContextInterceptor()])
        for register in registrations:
            register(self._server)
        self.health = health_aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self._server)
        self._service_names = list(service_names)
        reflection.enable_server_reflection(
            [*self._service_names, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME],
            self._server,
        )
        self.port = self._server.add_insecure_port(f"{host}:{port}")

    async def start(self) -> None:
        """Starts serving; health says NOT_SERVING until the service marks itself ready."""
        await self._server.start()
        await self._set_all(health_pb2.HealthCheckResponse.NOT_SERVING)

    async def ready(self) -> None:
        """Marks the server and each service SERVING."""
        await self._set_all(health_pb2.HealthCheckResponse.SERVING)

    async def stop(self, grace_seconds: float) -> None:
        """Stops taking calls and lets in-flight ones finish within the grace period."""
        await self._set_all(health_pb2.HealthCheckResponse.NOT_SERVING)
        await self._server.stop(grace_seconds)

    async def _set_all(self, status: int) -> None:
        for name in ["", *self._service_names]:
            await self.health.set(name, status)


class _ContextClientInterceptor(grpc.aio.UnaryUnaryClientInterceptor):
    """Sends the current tenant and correlation id with every outgoing call."""

    async def intercept_unary_unary(self, continuation: Any, client_call_details: Any, request: Any) -> Any:
        metadata = list(client_call_details.metadata or [])
        tenant, correlation = tenant_var.get(), correlation_var.get()
        if tenant:
            metadata.append((TENANT_KEY, tenant))
        if correlation:
            metadata.append((CORRELATION_KEY, correlation))
        details = grpc.aio.ClientCallDetails(
            client_call_details.method,
            client_call_details.timeout if client_call_details.timeout is not None else DEFAULT_DEADLINE_SECONDS,
            grpc.aio.Metadata(*metadata),
            client_call_details.credentials,
            client_call_details.wait_for_ready,
        )
        return await continuation(details, request)


def open_channel(address: str) -> grpc.aio.Channel:
    """A channel to another service that carries tenant, correlation id and a deadline."""
    # The grpc stubs type aio interceptors too narrowly; this is the documented usage.
    return grpc.aio.insecure_channel(address, interceptors=[_ContextClientInterceptor()])  # type: ignore[list-item]
