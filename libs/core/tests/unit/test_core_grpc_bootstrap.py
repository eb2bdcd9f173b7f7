"""The gRPC bootstrap on a real local server: tenant and correlation, deadlines, error mapping, metrics."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from prometheus_client import REGISTRY

from cordial.agreements.v1 import agreements_service_pb2 as pb
from cordial.agreements.v1 import agreements_service_pb2_grpc as pb_grpc
from cordial_core.context import correlation_var, tenant_var
from cordial_core.errors import InvalidArgument, NotFound
from cordial_core.grpc_server import CORRELATION_KEY, TENANT_KEY, GrpcServer

SERVICE = "cordial.agreements.v1.AgreementsService"


class _Probe(pb_grpc.AgreementsServiceServicer):
    """Answers GetDebt according to the requested id, echoing the bound context."""

    async def GetDebt(self, request: pb.GetDebtRequest, context: grpc.aio.ServicerContext) -> pb.GetDebtResponse:
        if request.debt_id == "slow":
            await asyncio.sleep(5)
        if request.debt_id == "missing":
            raise NotFound("debt missing not found", field="debt_id")
        if request.debt_id == "bad":
            raise InvalidArgument("must be positive", field="amount.amount_minor")
        if request.debt_id == "boom":
            raise RuntimeError("secret internals")
        return pb.GetDebtResponse(debt=pb.Debt(id=f"{tenant_var.get()}|{correlation_var.get()}"))


@pytest.fixture
async def stub() -> AsyncIterator[pb_grpc.AgreementsServiceStub]:
    server = GrpcServer(
        "127.0.0.1", 0, [lambda s: pb_grpc.add_AgreementsServiceServicer_to_server(_Probe(), s)], [SERVICE]
    )
    await server.start()
    await server.ready()
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{server.port}")
    try:
        yield pb_grpc.AgreementsServiceStub(channel)
        health = health_pb2_grpc.HealthStub(channel)
        reply = await health.Check(health_pb2.HealthCheckRequest(service=SERVICE))
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
    finally:
        await channel.close()
        await server.stop(0)


def _count(method: str, code: str) -> float:
    sample = REGISTRY.get_sample_value("cordial_grpc_server_handling_seconds_count", {"method": method, "code": code})
    return sample or 0.0


def _md(tenant: str = "t1") -> list[tuple[str, str]]:
    return [(TENANT_KEY, tenant), (CORRELATION_KEY, "corr-1")]


async def _code(call: object) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.aio.AioRpcError) as failed:
        await call  # type: ignore[misc]
    return failed.value.code(), failed.value.details() or ""


async def test_tenant_and_correlation_reach_the_handler(stub: pb_grpc.AgreementsServiceStub) -> None:
    reply = await stub.GetDebt(pb.GetDebtRequest(debt_id="ok"), metadata=_md("tenant-9"))
    assert reply.debt.id == "tenant-9|corr-1"


async def test_missing_tenant_is_invalid_argument(stub: pb_grpc.AgreementsServiceStub) -> None:
    code, details = await _code(stub.GetDebt(pb.GetDebtRequest(debt_id="ok")))
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert TENANT_KEY in details


async def test_domain_errors_map_to_precise_statuses_naming_the_field(stub: pb_grpc.AgreementsServiceStub) -> None:
    assert await _code(stub.GetDebt(pb.GetDebtRequest(debt_id="missing"), metadata=_md())) == (
        grpc.StatusCode.NOT_FOUND,
        "debt_id: debt missing not found",
    )
    assert await _code(stub.GetDebt(pb.GetDebtRequest(debt_id="bad"), metadata=_md())) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "amount.amount_minor: must be positive",
    )


async def test_unexpected_errors_do_not_leak_internals(stub: pb_grpc.AgreementsServiceStub) -> None:
    code, details = await _code(stub.GetDebt(pb.GetDebtRequest(debt_id="boom"), metadata=_md()))
    assert code == grpc.StatusCode.INTERNAL
    assert "secret" not in details


async def test_deadline_is_enforced_and_counted(stub: pb_grpc.AgreementsServiceStub) -> None:
    method = f"/{SERVICE}/GetDebt"
    before = _count(method, "DEADLINE_EXCEEDED")
    code, _ = await _code(stub.GetDebt(pb.GetDebtRequest(debt_id="slow"), metadata=_md(), timeout=0.3))
    assert code == grpc.StatusCode.DEADLINE_EXCEEDED
    for _ in range(200):  # the server records the call when its handler unwinds, later on a loaded machine
        if _count(method, "DEADLINE_EXCEEDED") > before:
            break
        await asyncio.sleep(0.05)
    assert _count(method, "DEADLINE_EXCEEDED") == before + 1
