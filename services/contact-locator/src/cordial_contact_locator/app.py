"""Wires and starts the contact-locator service."""

from __future__ import annotations

from cordial.contact_locator.v1 import contact_locator_service_pb2_grpc as pb_grpc
from cordial_contact_locator.adapters.contact_points import ContactPointRepository
from cordial_contact_locator.adapters.metrics import PrometheusOutcomes
from cordial_contact_locator.api.events import handlers
from cordial_contact_locator.api.grpc import ContactLocatorServicer
from cordial_contact_locator.domain.directory import Directory
from cordial_core.runtime import ServiceRuntime, run_service
from cordial_core.settings import ServiceSettings, load_settings

SERVICE = "contact-locator"


class ContactLocatorSettings(ServiceSettings):
    """Contact-locator needs only the shared settings for now."""


async def main() -> None:
    """Starts the service and runs until SIGTERM."""
    runtime = ServiceRuntime(SERVICE, load_settings(ContactLocatorSettings))
    points = ContactPointRepository(runtime.outbox_collection("contact_points"), runtime.cipher, runtime.clock)
    await points.ensure_indexes()
    directory = Directory(points, runtime.clock, runtime.cipher.lookup_hash, PrometheusOutcomes())
    runtime.consume(["debts", "contacts", "messages"], handlers(directory))
    runtime.add_grpc(
        lambda server: pb_grpc.add_ContactLocatorServiceServicer_to_server(ContactLocatorServicer(directory), server),
        "cordial.contact_locator.v1.ContactLocatorService",
    )
    await runtime.run()


if __name__ == "__main__":
    run_service(main)
