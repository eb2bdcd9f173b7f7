"""Every service is its own process: gRPC health, reflection, /metrics, and a clean SIGTERM stop."""

from __future__ import annotations

import signal
import subprocess
import sys

import grpc
import httpx
import pytest
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from cordial_stack.paths import free_port
from cordial_stack.platform import SERVICES, Platform, grpc_serving, service_env
from cordial_stack.process import ManagedProcess, wait_until


def _listed_services(address: str) -> set[str]:
    with grpc.insecure_channel(address) as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        replies = stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=5)
        return {s.name for reply in replies for s in reply.list_services_response.service}


@pytest.mark.parametrize("name", SERVICES)
def test_service_serves_health_reflection_and_metrics(platform: Platform, name: str) -> None:
    service = platform.services[name]
    assert grpc_serving(service.grpc_address)
    listed = _listed_services(service.grpc_address)
    assert "grpc.health.v1.Health" in listed
    if name != "gateway":
        assert f"cordial.{name.replace('-', '_')}.v1.{name.title().replace('-', '')}Service" in listed
    metrics = httpx.get(f"http://127.0.0.1:{service.metrics_port}/metrics", timeout=5)
    assert metrics.status_code == 200
    assert "cordial_events_published_total" in metrics.text


def test_a_call_without_tenant_is_refused(platform: Platform) -> None:
    from cordial.agreements.v1 import agreements_service_pb2 as pb
    from cordial.agreements.v1 import agreements_service_pb2_grpc as pb_grpc

    address = platform.services["agreements"].grpc_address
    with grpc.insecure_channel(address) as channel, pytest.raises(grpc.RpcError) as refused:
        pb_grpc.AgreementsServiceStub(channel).GetDebt(pb.GetDebtRequest(debt_id="x"), timeout=5)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "x-tenant-id" in (refused.value.details() or "")


def test_a_second_instance_joins_and_stops_cleanly_on_sigterm(platform: Platform) -> None:
    grpc_port, metrics_port = free_port(), free_port()
    process = ManagedProcess(
        "registry-bridge-2",
        [sys.executable, "-m", "cordial_registry_bridge.app"],
        platform.run_dir / "logs" / "registry-bridge-2.log",
        env=service_env(platform, "registry-bridge", grpc_port, metrics_port, None),
    ).start()
    try:
        wait_until(lambda: grpc_serving(f"127.0.0.1:{grpc_port}"), 60, "second registry-bridge", process)
        process.signal(signal.SIGTERM)
        wait_until(lambda: not process.running(), 30, "exit after SIGTERM")
    finally:
        code = process.stop()
    assert code == 0, process.tail()
    log = process.log_path.read_text()
    assert '"registry-bridge stopping"' in log
    assert '"registry-bridge stopped"' in log


@pytest.mark.parametrize("name", SERVICES)
def test_missing_settings_stop_the_start_naming_each_variable(name: str) -> None:
    env = {"PATH": "/usr/bin:/bin", "CORDIAL_DATA_KEY": "changeme"}
    started = subprocess.run(
        [sys.executable, "-m", f"cordial_{name.replace('-', '_')}.app"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode == 2
    assert "KAFKA_BOOTSTRAP_SERVERS is required but not set" in started.stderr
    assert "MONGODB_URI is required but not set" in started.stderr
    assert "CORDIAL_DATA_KEY must be set to a real value, not a placeholder" in started.stderr
    assert "Traceback" not in started.stderr
