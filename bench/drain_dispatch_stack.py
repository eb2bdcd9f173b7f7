"""Drains a burst of requested actions through messaging's real store and provider, on the wall clock.

Run: ``make bench`` (10,000 actions, about 3.5 minutes here) or
``.venv/bin/python bench/drain_dispatch_stack.py --actions 50000`` (about 16 minutes on this shared 2-core
machine at load 5-10, which is why ``make bench`` stops at 10,000; the rate does not fall with the size).
Where ``drain_dispatch.py`` shows the pacing on simulated time with an in-memory store, this runs what the
service runs against real servers: the Dispatcher with its MessageRepository (attempts recorded before each
send), the audit trail, templates and creditors (cached as the service caches them) on FerretDB, provider
cells and recipient marks shared through FerretDB, the due-scheduler alongside, and the WhatsApp Cloud
adapter over HTTP to the sandbox. The contact plan (contact-locator) and the send-time policy check
(strategy) are in-process stand-ins, actions come from a queue rather than Kafka (the workers stand for the
actions topic's six partitions, handled at once as the service does) and the outbox relay does not run:
the figure is messaging's own drain. It prints the rate (overall, and steady without the deferred tail),
the most requests started in any one second against the configured rate and the busiest second as the
sandbox stamped their arrival, how long requests took from their start to that stamp, the closest two
sends to one number, that the sandbox received each action's message exactly once, the requests the
sandbox refused for the Cloud API's limits (80/s per number, 6 s per user), and the load average beside
it; it exits non-zero when any request was refused. The rate and spacing default to the service's own.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import itertools
import os
import platform
import re
import secrets
import time
from datetime import datetime
from pathlib import Path

import httpx
from cryptography.fernet import Fernet
from pymongo import AsyncMongoClient, monitoring

from cordial.types.v1 import types_pb2
from cordial_core.clock import SystemClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.money import Money
from cordial_core.store import TenantCollection
from cordial_messaging.adapters.audit import AuditRepository
from cordial_messaging.adapters.cached import CachedCreditors, CachedTemplates
from cordial_messaging.adapters.catalogue import CreditorRepository, TemplateRepository
from cordial_messaging.adapters.messages import MessageRepository
from cordial_messaging.adapters.providers import WhatsAppCloud
from cordial_messaging.adapters.rate_slots import MongoRateSlots
from cordial_messaging.app import MessagingSettings
from cordial_messaging.domain.composer import Composer, Creditor
from cordial_messaging.domain.dispatch import (
    ActionToSend,
    Attempt,
    Dispatcher,
    OutboundMessage,
    Recipient,
    Reconciled,
    UncertainSend,
)
from cordial_messaging.domain.throttle import Pace, Throttle
from cordial_stack.infra import start_ferretdb
from cordial_stack.paths import FERRETDB_BUILD, new_run_dir
from cordial_stack.platform import start_sandbox

TOKEN = secrets.token_urlsafe(16)
WHATSAPP = types_pb2.CHANNEL_WHATSAPP
TENANT = "bench-tenant"
# Each message's breakdown link names its debt, so the inbox tells which action each message came from.
_DEBT_LINK = re.compile(r"pay\.example/(d\d+)/breakdown")


class Plan:
    """Each debtor's one WhatsApp number (contact-locator's answer, in process)."""

    async def plan(self, debtor_id: str, channels: tuple[int, ...]) -> list[Recipient]:
        return [Recipient(f"cp-{debtor_id}", WHATSAPP, f"+55119{int(debtor_id):08d}")]


class Timed:
    """The WhatsApp adapter, noting when each request starts (the moment the rate applies to) and which were taken."""

    def __init__(self, inner: WhatsAppCloud) -> None:
        self.inner = inner
        self.name = inner.name
        self.started: list[float] = []
        self.to: list[str] = []
        # Each taken message's start on the wall clock by its wamid, to set beside its arrival at the sandbox.
        self.taken: dict[str, float] = {}

    async def send(self, message: OutboundMessage) -> str:
        self.started.append(time.monotonic())
        self.to.append(message.to)
        wall = time.time()
        wamid = await self.inner.send(message)
        self.taken[wamid] = wall
        return wamid

    async def reconcile(self, attempt: Attempt) -> Reconciled:
        return await self.inner.reconcile(attempt)


def closest_to_one_person(times: list[float], numbers: list[str]) -> float:
    """The shortest time between two sends to one number (infinity when no number got two)."""
    by_number: dict[str, list[float]] = collections.defaultdict(list)
    for t, number in zip(times, numbers, strict=True):
        by_number[number].append(t)
    gaps = [b - a for sends in by_number.values() for a, b in itertools.pairwise(sorted(sends))]
    return min(gaps, default=float("inf"))


def steady_rate(times: list[float]) -> float:
    """Sends per second between the 10th and the 90th percentile send: the drain without its start and its tail."""
    ordered = sorted(times)
    low, high = len(ordered) // 10, len(ordered) * 9 // 10
    if high <= low or ordered[high] <= ordered[low]:
        return 0.0
    return (high - low) / (ordered[high] - ordered[low])


def most_in_one_second(times: list[float]) -> int:
    """The most sends started within any one-second window."""
    window: collections.deque[float] = collections.deque()
    most = 0
    for t in sorted(times):
        window.append(t)
        while window[0] <= t - 1.0:
            window.popleft()
        most = max(most, len(window))
    return most


async def drain(args: argparse.Namespace, uri: str, url: str, pids: dict[str, int]) -> int:
    """Queues the burst, runs the workers and the due-scheduler until every action is decided; the sends refused."""
    load_before = _load()
    clock = SystemClock()
    cipher = PersonalDataCipher(Fernet.generate_key().decode(), "bench-lookup")
    commands = RoundTrips()
    listeners = [commands] if args.round_trips else []
    client: AsyncMongoClient[dict] = AsyncMongoClient(uri, tz_aware=True, event_listeners=listeners)
    db = client["bench_drain"]
    messages = MessageRepository(TenantCollection(db["messages"]), cipher, clock, "bench-1")
    await messages.ensure_indexes()
    creditors = CachedCreditors(CreditorRepository(TenantCollection(db["creditors"]), cipher, clock), 30.0)
    await creditors.put(TENANT, Creditor("Loja Bench", "Rua das Flores 10, São Paulo SP", "11.222.333/0001-81"))
    throttle = Throttle({WhatsAppCloud.name: Pace(args.rate, 1, args.spacing)})
    block = args.cells_per_claim or throttle.cells_per_claim  # messaging's own by default
    slots = MongoRateSlots(db["rate_slots"], clock, cipher.lookup_hash, block=block)
    await slots.ensure_indexes()
    audit = AuditRepository(TenantCollection(db["audit"]), cipher)
    await audit.ensure_indexes()
    async with httpx.AsyncClient(timeout=10, limits=httpx.Limits(max_connections=args.workers)) as http:
        whatsapp = Timed(WhatsAppCloud(http, url, "v21.0", "100000000000001", TOKEN))
        dispatcher = Dispatcher(
            messages,
            Plan(),
            {WHATSAPP: whatsapp},
            clock,
            Composer(
                CachedTemplates(TemplateRepository(TenantCollection(db["templates"]), clock), 30.0),
                creditors,
                "https://pay.example",
            ),
            throttle=throttle,
            audit=audit,
            slots=slots,
        )
        queue: asyncio.Queue[ActionToSend] = asyncio.Queue()
        for i in range(args.actions):
            debtor = i if i % 100 else max(i - 1, 0)  # 1% share a number with the action before: spacing applies
            queue.put_nowait(
                ActionToSend(f"a{i}", TENANT, f"d{i}", str(debtor), (WHATSAPP,), "reminder", Money(15000, "BRL"), "X")
            )

        uncertain: list[str] = []

        async def worker() -> None:
            while not queue.empty():
                action = queue.get_nowait()
                try:
                    await dispatcher.handle(action)
                except UncertainSend:  # the service holds it (the Cloud API cannot tell whether it took it)
                    uncertain.append(action.action_id)

        async def scheduler() -> None:
            # As the service's send_due loop: deferred ones (a number shared within the spacing, a retry) sent when due.
            while len(whatsapp.taken) + len(uncertain) < args.actions:
                if not await dispatcher.run_due():
                    await asyncio.sleep(0.5)

        commands.counts.clear()  # the set-up's commands are not the drain's
        cpu_before = _cpu(pids)
        started = time.monotonic()
        due = asyncio.create_task(scheduler())
        await asyncio.gather(*(worker() for _ in range(args.workers)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(due, 4 * args.spacing + 120)  # retries after a refusal wait their backoff
        wall = time.monotonic() - started
        cpu = {name: spent - cpu_before[name] for name, spent in _cpu(pids).items()}
        load_after_drain = _load()
        inbox = (await http.get(f"{url}/sandbox/inbox")).json()["messages"]
        limits = (await http.get(f"{url}/sandbox/whatsapp/limits")).json()
    await client.close()
    sent = len(whatsapp.taken)
    cells = args.cells_per_claim or throttle.cells_per_claim(WhatsAppCloud.name)
    per_action = collections.Counter(m.group(1) for e in inbox if (m := _DEBT_LINK.search(e["body"])))
    once = len(per_action) == args.actions and set(per_action.values()) == {1} and len(inbox) == sent
    delays = sorted(e["arrived_at"] - whatsapp.taken[e["id"]] for e in inbox if e["id"] in whatsapp.taken)
    handling = sorted(datetime.fromisoformat(e["received_at"]).timestamp() - e["arrived_at"] for e in inbox)
    recorded = [datetime.fromisoformat(e["received_at"]).timestamp() for e in inbox]
    print(
        f"conditions: {args.actions} actions queued at once, {args.workers} concurrent handlers, WhatsApp at "
        f"{args.rate}/s, {args.spacing}s between two messages to one person (1% share a number), one instance, "
        f"FerretDB {FERRETDB_BUILD} (SQLite: WAL, synchronous=normal) and the sandbox on this machine "
        f"({os.cpu_count()} CPUs shared, load average {load_before} before, {_load()} after; Python "
        f"{platform.python_version()}), provider cells (claimed {cells} at a time) and recipient marks shared "
        "through FerretDB"
    )
    print(f"sent {sent} of {args.actions} in {wall:.1f}s wall = {sent / wall:.1f}/s (configured {args.rate}/s)")
    print(f"  steady rate (middle 80% of the requests, no deferred tail): {steady_rate(whatsapp.started):.1f}/s")
    print(
        f"  most requests started in any one second: {most_in_one_second(whatsapp.started)} (rate {args.rate}/s); "
        f"the sandbox's busiest second by arrival: {limits['busiest_second']} (its limit {limits['rate']}/s)"
    )
    print(
        f"  start to arrival at the sandbox: median {_ms(delays, 0.5)}, 99th percentile {_ms(delays, 0.99)}, "
        f"99.9th {_ms(delays, 0.999)}, most {_ms(delays, 1.0)}; arrival to recorded (the sandbox's own handling): "
        f"median {_ms(handling, 0.5)}, most {_ms(handling, 1.0)}, busiest second by the time recorded "
        f"{most_in_one_second(recorded)}"
    )
    print(
        f"  closest two requests to one number: {closest_to_one_person(whatsapp.started, whatsapp.to):.2f}s "
        f"started, {limits['closest_pair_seconds']}s between two taken by arrival (pair limit "
        f"{limits['pair_seconds']}s)"
    )
    print(f"  the sandbox received {len(inbox)} messages, each action's exactly once: {once}")
    if uncertain:
        print(f"  answers lost (held as uncertain, as the service would): {len(uncertain)}, e.g. {uncertain[:3]}")
    _print_cost(cpu, wall, sent, load_before, load_after_drain, commands if args.round_trips else None)
    refused = limits["refused"]
    print(
        f"  the sandbox refused {refused['130429']} for throughput (130429) and {refused['131056']} for the pair "
        f"rate (131056) of {len(whatsapp.started)} requests"
    )
    return sum(refused.values())


class RoundTrips(monitoring.CommandListener):
    """Counts the commands the drain sends to FerretDB, by command and collection (``--round-trips``)."""

    def __init__(self) -> None:
        self.counts: collections.Counter[tuple[str, str]] = collections.Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        """Counts one round trip."""
        target = event.command.get(event.command_name)
        self.counts[(event.command_name, target if isinstance(target, str) else "")] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        """Nothing to count."""

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        """Nothing to count."""


def _cpu(pids: dict[str, int]) -> dict[str, float]:
    """CPU seconds (user and system) each process has used: this one (messaging's drain) and the servers'."""
    own = os.times()
    spent = {"messaging (the bench's process)": own.user + own.system}
    ticks = os.sysconf("SC_CLK_TCK")
    for name, pid in pids.items():
        # /proc/PID/stat: utime and stime are the 14th and 15th fields, counted after the command's closing ")".
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        spent[name] = (int(fields[11]) + int(fields[12])) / ticks
    return spent


def _print_cost(
    cpu: dict[str, float], wall: float, sent: int, load_before: str, load_after: str, commands: RoundTrips | None
) -> None:
    """CPU per message by process, and the rate two idle cores would allow if CPU were the only bound."""
    total = sum(cpu.values())
    each = ", ".join(f"{name} {1000 * spent / max(sent, 1):.2f}" for name, spent in cpu.items())
    print(
        f"  CPU per message sent (ms): {each}; all {1000 * total / max(sent, 1):.2f} "
        f"({total:.1f} CPU-s in {wall:.1f}s wall, load average {load_before} -> {load_after}); "
        f"two idle cores would allow {2 * sent / total if total else 0:.0f}/s"
    )
    if commands is not None:
        trips = sum(commands.counts.values())
        top = ", ".join(f"{name} {coll} {n / max(sent, 1):.2f}" for (name, coll), n in commands.counts.most_common())
        print(f"  round trips to FerretDB per message sent: {trips / max(sent, 1):.2f} ({top})")


def _ms(ordered: list[float], quantile: float) -> str:
    """A quantile of sorted delays in milliseconds."""
    if not ordered:
        return "-"
    return f"{1000 * ordered[min(len(ordered) - 1, int(quantile * len(ordered)))]:.0f} ms"


# What the WhatsApp Cloud API allows a sending number; the configured rate sits under it for the network's jitter.
CLOUD_API_LIMIT = 80


def _load() -> str:
    """The 1-minute load average, to read each figure beside."""
    return f"{os.getloadavg()[0]:.2f}"


def main() -> None:
    """Starts FerretDB and the sandbox, drains, stops them."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--actions", type=int, default=10_000)
    defaults = MessagingSettings.model_fields  # the service's own defaults, so the bench measures what it ships
    parser.add_argument("--rate", type=float, default=defaults["whatsapp_rate_per_second"].default)
    parser.add_argument("--spacing", type=float, default=defaults["recipient_spacing_seconds"].default)
    parser.add_argument(
        "--workers", type=int, default=6, help="concurrent handlers (the actions topic has 6 partitions)"
    )
    parser.add_argument(
        "--round-trips", action="store_true", help="count the commands sent to FerretDB (costs the drain a little CPU)"
    )
    parser.add_argument(
        "--cells-per-claim", type=int, default=0, help="shared cells one insert claims (0: as messaging, per rate)"
    )
    args = parser.parse_args()
    run_dir = new_run_dir("bench")
    uri, ferretdb = start_ferretdb(run_dir)
    url, sandbox = start_sandbox(run_dir, TOKEN)
    try:
        pids = {"FerretDB": ferretdb.pid, "sandbox": sandbox.pid}
        refused = asyncio.run(drain(args, uri, url, {name: pid for name, pid in pids.items() if pid}))
    finally:
        sandbox.stop()
        ferretdb.stop()
    if refused:
        raise SystemExit(f"the sandbox refused {refused} sends for a rate limit")


if __name__ == "__main__":
    main()
