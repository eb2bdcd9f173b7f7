"""Wires and starts the contact-locator service."""

from __future__ import annotations

from datetime import timedelta

import httpx
from pydantic import Field, SecretStr

from cordial.contact_locator.v1 import contact_locator_service_pb2_grpc as pb_grpc
from cordial_contact_locator.adapters.contact_points import ContactPointRepository
from cordial_contact_locator.adapters.enrichment import HttpEnrichmentContacts
from cordial_contact_locator.adapters.lookup import TwilioLookup
from cordial_contact_locator.adapters.metrics import (
    BothOutcomes,
    PrometheusOutcomes,
    count_verification,
    count_whatsapp_checks,
)
from cordial_contact_locator.adapters.opted_out_values import OptedOutValueRepository
from cordial_contact_locator.adapters.outcomes import MongoOutcomes
from cordial_contact_locator.adapters.verification_store import (
    MongoBatches,
    MongoBudgets,
    MongoVerificationCache,
    MongoWhatsAppCheckCache,
)
from cordial_contact_locator.adapters.whatsapp_check import HttpWhatsAppCheck
from cordial_contact_locator.adapters.wrong_parties import WrongPartyRepository
from cordial_contact_locator.api.events import handlers
from cordial_contact_locator.api.grpc import ContactLocatorServicer
from cordial_contact_locator.domain.directory import Directory
from cordial_contact_locator.domain.enrichment import ContactEnricher
from cordial_contact_locator.domain.intake import ContactIntake
from cordial_contact_locator.domain.right_party import RightPartyRates
from cordial_contact_locator.domain.verification import Verifier
from cordial_contact_locator.domain.verification_jobs import VerificationJobs
from cordial_contact_locator.domain.whatsapp_check import WhatsAppChecker, parse_tenants
from cordial_core.clock import Clock
from cordial_core.rate_cells import LocalRate, Pacer, SharedRate, cells_per_claim
from cordial_core.rate_limit import TokenBucket
from cordial_core.rate_slots import MongoRateSlots
from cordial_core.runtime import ServiceRuntime, run_service
from cordial_core.settings import ServiceSettings, load_settings
from cordial_core.store import TenantCollection

SERVICE = "contact-locator"
# Names of the providers' rates among the shared cells (every instance must use the same).
LOOKUP_PROVIDER, WHATSAPP_CHECK_PROVIDER = "line-lookup", "whatsapp-check"
# Rate cells are forgotten once this old, looked for every PRUNE_EVERY (a prune reads every cell on FerretDB).
PRUNE_EVERY, PRUNE_OLDER_THAN = timedelta(minutes=1), timedelta(minutes=5)


class ContactLocatorSettings(ServiceSettings):
    """The enrichment provider and its token (empty URL: no enrichment points); the line-type lookup provider
    (Twilio Lookup v2 shape), its rate, the cache's TTL and the budget; the WhatsApp contacts check (On-Premises
    ``/v1/contacts`` shape) and the tenants whose client has one."""

    enrichment_url: str = Field(default="", validation_alias="ENRICHMENT_URL")
    enrichment_token: str = Field(default="", validation_alias="ENRICHMENT_TOKEN")

    lookup_url: str = Field(default="https://lookups.twilio.com", validation_alias="LOOKUP_URL")
    lookup_account_sid: str = Field(default="", validation_alias="LOOKUP_ACCOUNT_SID")
    # Unset: numbers are normalised but not verified (nothing is paid).
    lookup_auth_token: SecretStr = Field(default=SecretStr(""), validation_alias="LOOKUP_AUTH_TOKEN")
    # The provider's rate limit, shared by every instance through rate cells in MongoDB when SHARED_RATE_LIMITS is on
    # (at most floor(rate) requests start in any one second, whatever the number of instances); off, it is kept
    # per instance with a burst of LOOKUP_BURST, and each of N replicas should be given 1/N of the account's rate.
    lookup_rate_per_second: float = Field(default=50.0, gt=0, validation_alias="LOOKUP_RATE_PER_SECOND")
    lookup_burst: int = Field(default=10, ge=1, validation_alias="LOOKUP_BURST")
    shared_rate_limits: bool = Field(default=True, validation_alias="SHARED_RATE_LIMITS")
    lookup_timeout_seconds: float = Field(default=10.0, gt=0, validation_alias="LOOKUP_TIMEOUT_SECONDS")
    # A number looked up within this many days is not paid for again.
    verification_ttl_days: float = Field(default=30.0, gt=0, validation_alias="VERIFICATION_TTL_DAYS")
    # Paid verifications each tenant may make per calendar month (UTC): a lookup, or a number put to the WhatsApp
    # contacts check, is one each.
    verification_monthly_budget: int = Field(default=10_000, ge=0, validation_alias="VERIFICATION_MONTHLY_BUDGET")
    # Numbers a batch verifies together: one cache read, one budget move, up to this many lookups in flight.
    verification_batch_group: int = Field(default=256, ge=1, le=5000, validation_alias="VERIFICATION_BATCH_GROUP")

    # The WhatsApp contacts check provider; asked only for the tenants listed (comma-separated ids, "*" for all,
    # empty for none), with the lookup's TTL. Runs with verification, so it needs the lookup token too.
    whatsapp_check_url: str = Field(default="", validation_alias="WHATSAPP_CHECK_URL")
    whatsapp_check_token: SecretStr = Field(default=SecretStr(""), validation_alias="WHATSAPP_CHECK_TOKEN")
    whatsapp_check_tenants: str = Field(default="", validation_alias="WHATSAPP_CHECK_TENANTS")
    # Numbers asked in one request to the check provider.
    whatsapp_check_group: int = Field(default=1000, ge=1, le=10_000, validation_alias="WHATSAPP_CHECK_GROUP")
    # Requests (groups) per second the check provider accepts, shared like the lookup's rate.
    whatsapp_check_requests_per_second: float = Field(
        default=5.0, gt=0, validation_alias="WHATSAPP_CHECK_REQUESTS_PER_SECOND"
    )


class Rates:
    """The providers' rates: cells every instance shares in MongoDB, or a bucket per instance when not shared."""

    def __init__(self, runtime: ServiceRuntime, settings: ContactLocatorSettings) -> None:
        self._clock: Clock = runtime.clock
        self._collection = runtime.db["rate_slots"]
        self._shared = settings.shared_rate_limits
        # One store of cells per provider, each claiming blocks sized to its rate; all prune the one collection.
        self.cells: list[MongoRateSlots] = []

    def pacer(self, provider: str, rate: float, burst: int) -> Pacer:
        """Paces one provider's requests at its rate."""
        if not self._shared:
            return LocalRate(TokenBucket(rate, burst, self._clock.now().timestamp()), self._clock)
        cells = MongoRateSlots(self._collection, self._clock, block=cells_per_claim(rate))
        self.cells.append(cells)
        return SharedRate(cells, provider, rate, self._clock)


def verification(
    runtime: ServiceRuntime, settings: ContactLocatorSettings, points: ContactPointRepository, rates: Rates
) -> VerificationJobs | None:
    """The verification jobs on the MongoDB cache, budgets and batches; None when no lookup token is set."""
    token = settings.lookup_auth_token.get_secret_value()
    if not token:
        return None
    http = httpx.AsyncClient(timeout=settings.lookup_timeout_seconds)
    runtime.on_stop(http.aclose)
    budgets = MongoBudgets(TenantCollection(runtime.db["verification_budgets"]))
    verifier = Verifier(
        TwilioLookup(http, settings.lookup_url, settings.lookup_account_sid, token, runtime.clock),
        MongoVerificationCache(TenantCollection(runtime.db["line_lookups"]), runtime.cipher, runtime.clock),
        budgets,
        runtime.clock,
        rates.pacer(LOOKUP_PROVIDER, settings.lookup_rate_per_second, settings.lookup_burst),
        ttl=timedelta(days=settings.verification_ttl_days),
        monthly_budget=settings.verification_monthly_budget,
    )
    batches = MongoBatches(TenantCollection(runtime.db["verification_batches"]), runtime.cipher)
    jobs = VerificationJobs(
        verifier,
        points,
        batches,
        runtime.clock,
        group=settings.verification_batch_group,
        counts=count_verification,
        whatsapp=whatsapp_checker(runtime, settings, http, budgets, rates),
    )
    runtime.on_stop(jobs.stop)
    return jobs


def whatsapp_checker(
    runtime: ServiceRuntime,
    settings: ContactLocatorSettings,
    http: httpx.AsyncClient,
    budgets: MongoBudgets,
    rates: Rates,
) -> WhatsAppChecker | None:
    """The WhatsApp contacts check with its MongoDB cache, on the lookups' budget; None when no provider or no
    tenant is configured."""
    tenants = parse_tenants(settings.whatsapp_check_tenants)
    if not settings.whatsapp_check_url or not tenants:
        return None
    return WhatsAppChecker(
        HttpWhatsAppCheck(http, settings.whatsapp_check_url, settings.whatsapp_check_token.get_secret_value()),
        MongoWhatsAppCheckCache(TenantCollection(runtime.db["whatsapp_checks"]), runtime.cipher, runtime.clock),
        runtime.clock,
        budgets,
        tenants=tenants,
        ttl=timedelta(days=settings.verification_ttl_days),
        monthly_budget=settings.verification_monthly_budget,
        group=settings.whatsapp_check_group,
        rate=rates.pacer(WHATSAPP_CHECK_PROVIDER, settings.whatsapp_check_requests_per_second, 1),
        counts=count_whatsapp_checks,
    )


def enrichment(
    runtime: ServiceRuntime, settings: ContactLocatorSettings, directory: Directory, points: ContactPointRepository
) -> ContactEnricher | None:
    """Points from the person-enrichment provider; None when no provider URL is set."""
    if not settings.enrichment_url:
        return None
    http = httpx.AsyncClient(timeout=10.0)
    runtime.on_stop(http.aclose)
    source = HttpEnrichmentContacts(http, settings.enrichment_url, settings.enrichment_token)
    return ContactEnricher(directory, points, source, runtime.cipher.decrypt)


async def main() -> None:
    """Starts the service and runs until SIGTERM."""
    settings = load_settings(ContactLocatorSettings)
    runtime = ServiceRuntime(SERVICE, settings)
    points = ContactPointRepository(runtime.outbox_collection("contact_points"), runtime.cipher, runtime.clock)
    await points.ensure_indexes()
    outcomes = MongoOutcomes(TenantCollection(runtime.db["contact_outcomes"]), runtime.clock)
    await outcomes.ensure_indexes()
    wrong_parties = WrongPartyRepository(TenantCollection(runtime.db["wrong_parties"]))
    opted_out = OptedOutValueRepository(TenantCollection(runtime.db["opted_out_values"]))
    directory = Directory(
        points,
        runtime.clock,
        runtime.cipher.lookup_hash,
        BothOutcomes(outcomes, PrometheusOutcomes()),
        wrong_parties,
        opted_out,
    )
    rates = Rates(runtime, settings)
    jobs = verification(runtime, settings, points, rates)
    intake = ContactIntake(directory, jobs)
    # Every handler's writes are keyed by the event id or a natural key, or leave a repeat unchanged (a point's reach
    # remembers the events it counts): no processed ids (two commands an event) are kept. Debtors (the events' keys)
    # are handled at once, in order each: a placed debt mostly waits on rate-paced providers (lookup, WhatsApp check).
    runtime.consume(
        ["debts", "contacts", "messages"],
        handlers(directory, intake, enrichment(runtime, settings, directory, points)),
        keyed_by_event=True,
        keys_in_parallel=True,
    )
    servicer = ContactLocatorServicer(directory, intake, jobs, RightPartyRates(outcomes))
    runtime.add_grpc(
        lambda server: pb_grpc.add_ContactLocatorServiceServicer_to_server(servicer, server),
        "cordial.contact_locator.v1.ContactLocatorService",
    )
    if rates.cells:  # the stores share one collection: one of them prunes it
        cells = rates.cells[0]

        async def keep_cells_pruned() -> None:
            await cells.ensure_indexes()
            await cells.keep_pruned(PRUNE_EVERY, PRUNE_OLDER_THAN)

        runtime.run_in_background(keep_cells_pruned)
    await runtime.run()


if __name__ == "__main__":
    run_service(main)
