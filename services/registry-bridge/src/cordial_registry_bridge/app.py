"""Wires and starts the registry-bridge service."""

from __future__ import annotations

from cordial.registry_bridge.v1 import registry_bridge_service_pb2_grpc as pb_grpc
from cordial_core.runtime import ServiceRuntime, run_service
from cordial_core.settings import ServiceSettings, load_settings
from cordial_registry_bridge.adapters.cases import BureauCaseRepository
from cordial_registry_bridge.api.events import handlers
from cordial_registry_bridge.api.grpc import RegistryBridgeServicer

SERVICE = "registry-bridge"


class RegistryBridgeSettings(ServiceSettings):
    """Registry-bridge needs only the shared settings for now."""


async def main() -> None:
    """Starts the service and runs until SIGTERM."""
    runtime = ServiceRuntime(SERVICE, load_settings(RegistryBridgeSettings))
    cases = BureauCaseRepository(runtime.outbox_collection("bureau_cases"))
    runtime.consume(["debts"], handlers(cases))
    runtime.add_grpc(
        lambda server: pb_grpc.add_RegistryBridgeServiceServicer_to_server(RegistryBridgeServicer(cases), server),
        "cordial.registry_bridge.v1.RegistryBridgeService",
    )
    await runtime.run()


if __name__ == "__main__":
    run_service(main)
