"""Wires the shared mechanics of a service and runs it until SIGTERM or Ctrl-C."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from datetime import timedelta
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from cordial_core.bus import EventConsumer, EventPublisher, Handler, ensure_topics
from cordial_core.clock import Clock, FileClock, OffsetClock, SystemClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.grpc_server import GrpcServer, Registration
from cordial_core.logging import configure_logging
from cordial_core.metrics import serve_metrics
from cordial_core.outbox import OutboxRelay
from cordial_core.settings import ServiceSettings, SettingsError
from cordial_core.store import Document, KeyedByEvent, MongoProcessedEvents, TenantCollection, connect

log = logging.getLogger(__name__)


def clock_from(settings: ServiceSettings) -> Clock:
    """The clock the settings ask for: the shared file clock of a simulation, an offset, or the wall clock."""
    if settings.clock_file:
        return FileClock(settings.clock_file)
    offset = timedelta(seconds=settings.clock_offset_seconds)
    return OffsetClock(offset) if offset else SystemClock()


class ServiceRuntime:
    """One service process: metrics, MongoDB, Kafka, the outbox relay, consumers and gRPC."""

    def __init__(self, service: str, settings: ServiceSettings, clock: Clock | None = None) -> None:
        self.service = service
        self.settings = settings
        self.clock: Clock = clock or clock_from(settings)
        self.cipher = PersonalDataCipher(settings.data_key.get_secret_value(), settings.lookup_key.get_secret_value())
        self._client = connect(settings.mongodb_uri.get_secret_value())
        self.db: AsyncDatabase[Document] = self._client[settings.database_name(service)]
        self.publisher = EventPublisher(settings.kafka_bootstrap_servers)
        self._registrations: list[Registration] = []
        self._service_names: list[str] = []
        self._relay_collections: list[AsyncCollection[Document]] = []
        self._consumers: list[EventConsumer] = []
        self._background: list[Callable[[], Awaitable[None]]] = []
        self._loops: list[Callable[[], Coroutine[Any, Any, None]]] = []
        self._loop_tasks: list[asyncio.Task[None]] = []
        self._stop = asyncio.Event()
        self.relay: OutboxRelay | None = None
        self.grpc: GrpcServer | None = None
        self.metrics_port = 0

    def add_grpc(self, registration: Registration, service_name: str) -> None:
        """Registers a servicer under its full gRPC service name."""
        self._registrations.append(registration)
        self._service_names.append(service_name)

    def outbox_collection(self, name: str) -> TenantCollection:
        """A tenant-scoped collection whose documents queue events for the outbox relay."""
        collection = self.db[name]
        self._relay_collections.append(collection)
        return TenantCollection(collection, on_events=self.notify_relay)

    def consume(
        self,
        topics: Iterable[str],
        handler: Handler,
        group_suffix: str = "",
        partitions_in_parallel: bool = False,
        keyed_by_event: bool = False,
        keys_in_parallel: bool = False,
    ) -> None:
        """Handles the events of the given topics in this service's consumer group (partitions, or keys, at once if
        asked); with keyed_by_event, the handler's writes are keyed by the event id (or record it in the one document
        each changes, in the same write) and no processed ids are kept."""
        group = self.service + (f".{group_suffix}" if group_suffix else "")
        processed = KeyedByEvent() if keyed_by_event else MongoProcessedEvents(self.db, group)
        self._consumers.append(
            EventConsumer(
                bootstrap_servers=self.settings.kafka_bootstrap_servers,
                group_id=group,
                topics=list(topics),
                handler=handler,
                processed=processed,
                publisher=self.publisher,
                partitions_in_parallel=partitions_in_parallel,
                keys_in_parallel=keys_in_parallel,
            )
        )

    def notify_relay(self, collection: str = "", document_id: object = None) -> None:
        """Wakes the relay after a write that queued events, naming the document when known."""
        if self.relay is not None:
            self.relay.notify(collection, document_id)

    def run_in_background(self, loop: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """A loop to start once consumers run and to cancel when the service stops, before the on_stop closers."""
        self._loops.append(loop)

    def on_stop(self, closer: Callable[[], Awaitable[None]]) -> None:
        """Something to close when the service stops, after consumers and gRPC."""
        self._background.append(closer)

    async def run(self, ready: Callable[[], Awaitable[None]] | None = None) -> None:
        """Starts everything, waits for a stop signal, then stops in order without losing work."""
        configure_logging(self.service, self.settings.log_level)
        self.metrics_port = serve_metrics(self.settings.metrics_port)
        await self.db.command("ping")
        await ensure_topics(self.settings.kafka_bootstrap_servers)
        await self.publisher.start()
        # Documents written here are relayed by _id at once; a full scan every OUTBOX_SWEEP_SECONDS (and at start)
        # finds the rest.
        sweep, poll = self.settings.outbox_sweep_seconds, self.settings.outbox_poll_seconds
        self.relay = OutboxRelay(self._relay_collections, self.publisher, poll_seconds=poll, sweep_seconds=sweep)
        await self.relay.start()
        self.grpc = GrpcServer(
            self.settings.grpc_host, self.settings.grpc_port, self._registrations, self._service_names
        )
        await self.grpc.start()
        for consumer in self._consumers:
            await consumer.start()
        self._loop_tasks = [asyncio.create_task(loop()) for loop in self._loops]
        if ready is not None:
            await ready()
        await self.grpc.ready()
        self._install_signal_handlers()
        log.info(
            "%s ready",
            self.service,
            extra={"grpc_port": self.grpc.port, "metrics_port": self.metrics_port},
        )
        await self._stop.wait()
        await self._shutdown()

    def request_stop(self) -> None:
        """Asks the service to stop; safe from a signal handler."""
        self._stop.set()

    def _install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self.request_stop)

    async def _shutdown(self) -> None:
        grace = self.settings.shutdown_grace_seconds
        log.info("%s stopping", self.service)
        if self.grpc is not None:
            await self.grpc.stop(grace)
        for consumer in self._consumers:
            await consumer.stop()
        for task in self._loop_tasks:
            task.cancel()
        await asyncio.gather(*self._loop_tasks, return_exceptions=True)
        for closer in self._background:
            await closer()
        if self.relay is not None:
            await self.relay.stop()
        await self.publisher.stop()
        await self._client.close()
        log.info("%s stopped", self.service)


def run_service(main: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """The entry point of a service's app module; bad settings end it with their names."""
    try:
        asyncio.run(main())
    except SettingsError as exc:
        sys.stderr.write(f"{exc}\n")
        raise SystemExit(2) from None
