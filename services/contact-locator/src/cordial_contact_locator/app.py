"""Wires and starts the contact-locator service."""

from __future__ import annotations

import httpx
from pydantic import Field

from cordial.contact_locator.v1 import contact_locator_service_pb2_grpc as pb_grpc
from cordial_contact_locator.adapters.contact_points import ContactPointRepository
from cordial_contact_locator.adapters.enrichment import HttpEnrichmentContacts
from cordial_contact_locator.adapters.metrics import PrometheusOutcomes
from cordial_contact_locator.adapters.wrong_parties import WrongPartyRepository
from cordial_contact_locator.api.events import handlers
from cordial_contact_locator.api.grpc import ContactLocatorServicer
from cordial_contact_locator.domain.directory import Directory
from cordial_contact_locator.domain.enrichment import ContactEnricher
from cordial_core.runtime import ServiceRuntime, run_service
from cordial_core.settings import ServiceSettings, load_settings
from cordial_core.store import TenantCollection

SERVICE = "contact-locator"


class ContactLocatorSettings(ServiceSettings):
    """Where the enrichment provider answers (empty: no enrichment points) and its access token."""

    enrichment_url: str = Field(default="", validation_alias="ENRICHMENT_URL")
    enrichment_token: str = Field(default="", validation_alias="ENRICHMENT_TOKEN")


async def main() -> None:
    """Starts the service and runs until SIGTERM."""
    settings = load_settings(ContactLocatorSettings)
    runtime = ServiceRuntime(SERVICE, settings)
    points = ContactPointRepository(runtime.outbox_collection("contact_points"), runtime.cipher, runtime.clock)
    await points.ensure_indexes()
    wrong_parties = WrongPartyRepository(TenantCollection(runtime.db["wrong_parties"]))
    directory = Directory(points, runtime.clock, runtime.cipher.lookup_hash, PrometheusOutcomes(), wrong_parties)
    enricher = None
    if settings.enrichment_url:
        http = httpx.AsyncClient(timeout=10.0)
        runtime.on_stop(http.aclose)
        source = HttpEnrichmentContacts(http, settings.enrichment_url, settings.enrichment_token)
        enricher = ContactEnricher(directory, points, source, runtime.cipher.decrypt)
    runtime.consume(["debts", "contacts", "messages"], handlers(directory, enricher))
    runtime.add_grpc(
        lambda server: pb_grpc.add_ContactLocatorServiceServicer_to_server(ContactLocatorServicer(directory), server),
        "cordial.contact_locator.v1.ContactLocatorService",
    )
    await runtime.run()


if __name__ == "__main__":
    run_service(main)
