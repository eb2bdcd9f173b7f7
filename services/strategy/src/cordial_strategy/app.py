"""Wires and starts the strategy service."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from datetime import timedelta

import httpx
from pydantic import Field

from cordial.strategy.v1 import strategy_service_pb2_grpc as pb_grpc
from cordial_core.errors import FailedPrecondition
from cordial_core.grpc_server import open_channel
from cordial_core.metrics import count_pass
from cordial_core.runtime import ServiceRuntime, run_service
from cordial_core.settings import ServiceSettings, load_settings
from cordial_core.store import TenantCollection
from cordial_strategy.adapters.cases import CaseRepository
from cordial_strategy.adapters.debtors import DebtorRepository
from cordial_strategy.adapters.enrichment import HttpPublicData
from cordial_strategy.adapters.negotiation import AgreementsNegotiationPolicies
from cordial_strategy.adapters.standing import AgreementsStandings
from cordial_strategy.adapters.strategies import StrategyRepository
from cordial_strategy.api.events import TOPICS, handlers
from cordial_strategy.api.grpc import StrategyServicer
from cordial_strategy.domain.book import StrategyBook
from cordial_strategy.domain.enrichment import Enricher
from cordial_strategy.domain.guard import ContactGuard
from cordial_strategy.domain.ruler import Ruler

SERVICE = "strategy"
log = logging.getLogger(__name__)


class StrategySettings(ServiceSettings):
    """The scheduler's pace and this instance's share of the daily sweep."""

    scheduler_interval_seconds: float = 1.0
    # Instance i of n sweeps the cases whose hash bucket is i modulo n (e.g. a StatefulSet ordinal).
    sweep_partition: int = Field(default=0, ge=0, validation_alias="STRATEGY_SWEEP_PARTITION")
    sweep_partitions: int = Field(default=1, ge=1, validation_alias="STRATEGY_SWEEP_PARTITIONS")
    # Templates a strategy may name (messaging's catalogue); a strategy naming another is rejected on save.
    known_templates: str = Field(default="reminder", validation_alias="STRATEGY_KNOWN_TEMPLATES")
    # Where agreements answers GetNegotiationPolicy: a strategy's offer sets are checked against it when saved
    # (empty: a strategy with offer sets cannot be saved); and GetDebtStanding, asked at every send-time check
    # (empty: the send-time check knows agreements only from their events).
    agreements_addr: str = Field(default="", validation_alias="AGREEMENTS_ADDR")
    # How long a send-time check waits for agreements' answer; past it the send is not made now and is asked
    # again after AGREEMENTS_STANDING_RETRY_SECONDS (messaging stores the action as due).
    standing_timeout_seconds: float = Field(
        default=2.0, gt=0, le=30, validation_alias="AGREEMENTS_STANDING_TIMEOUT_SECONDS"
    )
    standing_retry_seconds: float = Field(
        default=60.0, gt=0, le=3600, validation_alias="AGREEMENTS_STANDING_RETRY_SECONDS"
    )
    # The person-enrichment provider (People API); empty: profiles carry no public-data flags.
    enrichment_url: str = Field(default="", validation_alias="ENRICHMENT_URL")
    enrichment_token: str = Field(default="", validation_alias="ENRICHMENT_TOKEN")
    # Public-data flags older than this are not used by profiles and are asked for again.
    enrichment_ttl_days: int = Field(default=30, ge=1, le=365, validation_alias="ENRICHMENT_TTL_DAYS")


async def _schedule(ruler: Ruler, settings: StrategySettings, stop: asyncio.Event) -> None:
    """Re-evaluates deferred actions when they fall due, and every open case once a day."""
    owner = f"{socket.gethostname()}:{os.getpid()}"
    interval = settings.scheduler_interval_seconds
    while not stop.is_set():
        done = -1  # a failed pass is never idle
        try:
            done = await ruler.run_due(owner)
            done += await ruler.sweep(settings.sweep_partition, settings.sweep_partitions)
        except FailedPrecondition:
            pass  # another instance took the case; it will be seen again
        except Exception:
            log.exception("scheduler pass failed")
        count_pass("strategy_scheduler", done)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)


async def main() -> None:
    """Starts the service and runs until SIGTERM."""
    settings = load_settings(StrategySettings)
    runtime = ServiceRuntime(SERVICE, settings)
    cases = CaseRepository(runtime.outbox_collection("cases"), runtime.clock)
    await cases.ensure_indexes()
    debtors = DebtorRepository(runtime.outbox_collection("debtors"))
    guard = ContactGuard(debtors, runtime.clock)
    http = httpx.AsyncClient(timeout=10.0)
    runtime.on_stop(http.aclose)
    enricher = None
    if settings.enrichment_url:
        provider = HttpPublicData(http, settings.enrichment_url, settings.enrichment_token)
        ttl = timedelta(days=settings.enrichment_ttl_days)
        enricher = Enricher(debtors, provider, runtime.cipher.decrypt, runtime.clock, ttl)
    store = StrategyRepository(TenantCollection(runtime.db["strategies"]), TenantCollection(runtime.db["activations"]))
    templates = frozenset(t.strip() for t in settings.known_templates.split(",") if t.strip())
    agreements = open_channel(settings.agreements_addr) if settings.agreements_addr else None
    policies = AgreementsNegotiationPolicies(agreements) if agreements else None
    standings = AgreementsStandings(agreements, settings.standing_timeout_seconds) if agreements else None
    book = StrategyBook(store, runtime.clock, templates, policies)
    retry = timedelta(seconds=settings.standing_retry_seconds)
    ruler = Ruler(
        cases, guard, runtime.clock, book=book, enrichment=enricher, standings=standings, standing_retry=retry
    )
    # Each case a handler changes remembers the event's id in the same write (`Case.takes`), and its changes of a
    # person's contact state are keyed (action, debt, agreement, hold): no processed ids, two round trips an event.
    runtime.consume(TOPICS, handlers(ruler, guard, enricher), keyed_by_event=True)
    runtime.add_grpc(
        lambda server: pb_grpc.add_StrategyServiceServicer_to_server(StrategyServicer(cases, ruler, book), server),
        "cordial.strategy.v1.StrategyService",
    )
    stop = asyncio.Event()
    scheduler: list[asyncio.Task[None]] = []

    async def start_scheduler() -> None:
        scheduler.append(asyncio.create_task(_schedule(ruler, settings, stop)))

    async def stop_scheduler() -> None:
        stop.set()
        await asyncio.gather(*scheduler)

    runtime.on_stop(stop_scheduler)
    await runtime.run(ready=start_scheduler)


if __name__ == "__main__":
    run_service(main)
