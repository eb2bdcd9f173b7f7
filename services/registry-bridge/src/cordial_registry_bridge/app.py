"""Wires and starts the registry-bridge service."""

from __future__ import annotations

import httpx
from pydantic import Field

from cordial.registry_bridge.v1 import registry_bridge_service_pb2_grpc as pb_grpc
from cordial_core.runtime import ServiceRuntime, run_service
from cordial_core.settings import ServiceSettings, load_settings
from cordial_registry_bridge.adapters.bureau import HttpBureau
from cordial_registry_bridge.adapters.cases import BureauCaseRepository
from cordial_registry_bridge.adapters.court import HttpCourt
from cordial_registry_bridge.adapters.protest import HttpProtestRegistry
from cordial_registry_bridge.api.events import TOPICS, handlers
from cordial_registry_bridge.api.grpc import RegistryBridgeServicer
from cordial_registry_bridge.domain.bridge import RegistryBridge

SERVICE = "registry-bridge"


class RegistryBridgeSettings(ServiceSettings):
    """Where the credit bureau, the protest registry and court e-filing answer, and the tokens they take."""

    bureau_url: str = Field(default="http://127.0.0.1:8090", validation_alias="BUREAU_URL")
    bureau_token: str = Field(default="", validation_alias="BUREAU_TOKEN")
    protest_url: str = Field(default="http://127.0.0.1:8090", validation_alias="PROTEST_URL")
    protest_token: str = Field(default="", validation_alias="PROTEST_TOKEN")
    court_url: str = Field(default="http://127.0.0.1:8090", validation_alias="COURT_URL")
    court_token: str = Field(default="", validation_alias="COURT_TOKEN")


async def main() -> None:
    """Starts the service and runs until SIGTERM."""
    settings = load_settings(RegistryBridgeSettings)
    runtime = ServiceRuntime(SERVICE, settings)
    cases = BureauCaseRepository(runtime.outbox_collection("bureau_cases"), runtime.clock)
    http = httpx.AsyncClient(timeout=10.0)
    bridge = RegistryBridge(
        cases,
        HttpBureau(http, settings.bureau_url, settings.bureau_token),
        runtime.clock,
        registry=HttpProtestRegistry(http, settings.protest_url, settings.protest_token),
        court=HttpCourt(http, settings.court_url, settings.court_token),
    )
    runtime.consume(TOPICS, handlers(bridge))
    runtime.add_grpc(
        lambda server: pb_grpc.add_RegistryBridgeServiceServicer_to_server(RegistryBridgeServicer(cases), server),
        "cordial.registry_bridge.v1.RegistryBridgeService",
    )
    runtime.on_stop(http.aclose)
    await runtime.run()


if __name__ == "__main__":
    run_service(main)
