"""Drains a burst of 50,000 requested actions through the dispatcher at the configured pace, on simulated time.

Run: ``make bench`` (or ``.venv/bin/python bench/drain_dispatch.py --actions 50000 --rate 80``).
The dispatcher is the real one (domain/dispatch.py with its Throttle, Composer and the built-in
templates); messages, the contact plan and the provider are in-memory, and time is a discrete-event
simulation: ``workers`` concurrent handlers (as consumer partitions would be) sleep on a virtual clock
that jumps to the next wake-up. An action whose recipient is within the spacing is deferred (stored as
due) and sent by the scheduler loop (``Dispatcher.run_due`` every ``--poll`` seconds), as in the service.
It prints the simulated drain time and rate, the most sends in any one second against the limit, the
closest two messages to one recipient came, how many were deferred and the longest any handler slept,
with the wall time the simulation took.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import itertools
import time
from datetime import UTC, datetime, timedelta

from cordial.types.v1 import types_pb2
from cordial_core.clock import ControllableClock
from cordial_core.events import Event
from cordial_core.money import Money
from cordial_messaging.domain.catalogue import StoredTemplate
from cordial_messaging.domain.composer import Composer, Creditor
from cordial_messaging.domain.dispatch import (
    ActionToSend,
    Attempt,
    Dispatcher,
    MessageRecord,
    OutboundMessage,
    Recipient,
    Reconciled,
)
from cordial_messaging.domain.throttle import Pace, Throttle

START = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
WHATSAPP = types_pb2.CHANNEL_WHATSAPP


class VirtualTime:
    """A clock and a sleep that only move when every handler waits: the next wake-up becomes now."""

    def __init__(self, clock: ControllableClock) -> None:
        self.clock = clock
        self._waiting: list[tuple[datetime, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self.longest = 0.0

    async def sleep(self, seconds: float) -> None:
        """Waits ``seconds`` of virtual time."""
        self.longest = max(self.longest, seconds)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (self.clock.now() + timedelta(seconds=seconds), next(self._seq), future))
        await future

    async def drive(self, work: asyncio.Future[list[None]]) -> None:
        """Lets handlers run until all wait, then wakes those due next, until the work is done."""
        while not work.done():
            for _ in range(3):
                await asyncio.sleep(0)
            if not self._waiting:
                continue
            due = self._waiting[0][0]
            self.clock.set(max(self.clock.now(), due))
            while self._waiting and self._waiting[0][0] <= due:
                heapq.heappop(self._waiting)[2].set_result(None)


class Messages:
    """In-memory messages: enough of the repository for a first send and a deferral."""

    def __init__(self) -> None:
        self.state: dict[str, str] = {}
        self.due_at: dict[str, tuple[datetime, ActionToSend]] = {}
        self.deferred = 0

    async def open(self, action: ActionToSend) -> MessageRecord:
        return MessageRecord(self.state.setdefault(action.action_id, "pending"), 0, {})

    async def defer(self, action: ActionToSend, due_at: datetime) -> None:
        self.deferred += 1
        self.due_at[action.action_id] = (due_at, action)

    async def due(self, now: datetime, lease_until: datetime, limit: int) -> list[ActionToSend]:
        ready = sorted((at, a.action_id) for at, a in self.due_at.values() if at <= now)[:limit]
        taken = [self.due_at.pop(action_id)[1] for _, action_id in ready]
        return [a for a in taken if self.state[a.action_id] == "pending"]

    def pending(self) -> int:
        return sum(1 for state in self.state.values() if state == "pending")

    async def flag(self, action: ActionToSend, name: str, value: object) -> bool:
        return False  # the bench's reminders owe no validation notice

    async def start_attempt(self, action: ActionToSend, attempt: Attempt, version: int) -> bool:
        return True

    async def end_attempt(self, action: ActionToSend, attempt_id: str, status: str, reason: str) -> None:
        return None

    async def finish(self, action: ActionToSend, state: str, fields: dict[str, object], events: list[Event]) -> None:
        self.state[action.action_id] = state

    async def taken(self, tenant: str, provider: str, provider_ids: tuple[str, ...]) -> set[str]:
        return set()


class Plan:
    """Each debtor's one WhatsApp number; ``repeat`` debtors share a number with another."""

    async def plan(self, debtor_id: str, channels: tuple[int, ...]) -> list[Recipient]:
        return [Recipient(f"cp-{debtor_id}", WHATSAPP, f"+55119{int(debtor_id) % 1_000_000_000:08d}")]


class Templates:
    """No stored templates: the built-in reminder is used."""

    async def save(self, template: StoredTemplate) -> StoredTemplate:
        return template

    async def latest(self, tenant: str, name: str, channel: str, locale: str, tone: str = "") -> StoredTemplate | None:
        return None

    async def list(self, tenant: str, all_versions: bool) -> list[StoredTemplate]:
        return []


class Creditors:
    """Every tenant's creditor identity."""

    async def get(self, tenant: str) -> Creditor | None:
        return Creditor("Loja X", "Rua das Flores 10, São Paulo SP", "12.345.678/0001-95")

    async def put(self, tenant: str, creditor: Creditor) -> Creditor:
        return creditor


class Provider:
    """Records when each message was accepted, on the virtual clock."""

    name = "whatsapp-cloud"

    def __init__(self, clock: ControllableClock) -> None:
        self.clock = clock
        self.sent: list[tuple[float, str]] = []

    async def send(self, message: OutboundMessage) -> str:
        self.sent.append((self.clock.now().timestamp() - START.timestamp(), message.to))
        return f"wamid.{len(self.sent)}"

    async def reconcile(self, attempt: Attempt) -> Reconciled:
        return Reconciled(False)


def most_in_one_second(times: list[float]) -> int:
    """The most sends in any window of one second (half-open), by a sliding window over sorted times."""
    times, best, left = sorted(times), 0, 0
    for right, t in enumerate(times):
        while times[left] <= t - 1.0:
            left += 1
        best = max(best, right - left + 1)
    return best


def closest_repeat(sent: list[tuple[float, str]]) -> float | None:
    """The shortest gap between two messages to one recipient."""
    last: dict[str, float] = {}
    gaps = []
    for t, to in sorted(sent):
        if to in last:
            gaps.append(t - last[to])
        last[to] = t
    return min(gaps) if gaps else None


class Slots:
    """Shared provider cells in memory, as the MongoDB ones behave: each cell taken once, the first free one."""

    def __init__(self) -> None:
        self.taken: set[tuple[str, int]] = set()
        self.next: dict[str, int] = {}
        self.marked: set[str] = set()

    async def marks(self, keys: list[str]) -> int:
        for count, key in enumerate(keys):
            if key in self.marked:
                return count
            self.marked.add(key)
        return len(keys)

    async def take(self, provider: str, first: int) -> int:
        slot = max(first, self.next.get(provider, first))
        while (provider, slot) in self.taken:
            slot += 1
        self.taken.add((provider, slot))
        self.next[provider] = slot + 1
        return slot


class Instance:
    """One messaging process: its dispatcher, its own partitions' queue and deferred messages, its handlers."""

    def __init__(
        self,
        args: argparse.Namespace,
        clock: ControllableClock,
        virtual: VirtualTime,
        provider: Provider,
        slots: Slots | None,
    ) -> None:
        self.messages = Messages()
        self.queue: asyncio.Queue[ActionToSend] = asyncio.Queue()
        # With shared slots the pace is the provider's whole rate; otherwise each instance gets its share.
        rate = args.rate if slots is not None else args.rate / args.instances
        self.dispatcher = Dispatcher(
            self.messages,
            Plan(),
            {WHATSAPP: provider},
            clock,
            Composer(Templates(), Creditors(), "https://portal.example/p"),
            sleep=virtual.sleep,
            throttle=Throttle({provider.name: Pace(rate, args.burst, args.spacing)}),
            slots=slots,
        )
        self.args, self.virtual = args, virtual

    async def worker(self) -> None:
        while not self.queue.empty():
            await self.dispatcher.handle(self.queue.get_nowait())

    async def scheduler(self) -> None:
        while not self.queue.empty() or self.messages.pending():
            while await self.dispatcher.run_due(limit=1000):
                pass
            await self.virtual.sleep(self.args.poll)


async def run(args: argparse.Namespace) -> None:
    """Requests the burst at once and drains it."""
    clock = ControllableClock(START)
    virtual = VirtualTime(clock)
    provider = Provider(clock)
    slots = Slots() if args.instances > 1 and not args.split_rate else None
    instances = [Instance(args, clock, virtual, provider, slots) for _ in range(args.instances)]
    # Every 100th action is for a debtor already in the burst (same number): its spacing must hold.
    debtors = [i - 1 if i % 100 == 99 else i for i in range(args.actions)]
    for i, debtor in enumerate(debtors):
        action = ActionToSend(f"a{i}", "t1", f"d{i}", str(debtor), (WHATSAPP,), "reminder", Money(15000, "BRL"), "X")
        instances[debtor % args.instances].queue.put_nowait(action)  # events are keyed (partitioned) by debtor

    started = time.perf_counter()
    per_instance = max(1, args.workers // args.instances)
    tasks = [w.worker() for w in instances for _ in range(per_instance)] + [w.scheduler() for w in instances]
    work = asyncio.gather(*tasks)
    await virtual.drive(work)
    wall = time.perf_counter() - started
    times = [t for t, _ in provider.sent]
    drained = max(times)
    print(f"sent {len(provider.sent)} of {args.actions} in {drained:.1f}s simulated = {len(times) / drained:.1f}/s")
    print(f"  expected drain at the pace: {(args.actions - args.burst) / args.rate:.1f}s")
    print(f"  most sends in any one second: {most_in_one_second(times)} (rate {args.rate:g}/s, burst {args.burst})")
    gap = closest_repeat(provider.sent)
    print(f"  closest two messages to one recipient: {gap:.2f}s apart (spacing {args.spacing:g}s)")
    print(
        f"  deferred for the spacing and sent by the scheduler: {sum(w.messages.deferred for w in instances)}; "
        f"longest single sleep of any handler or the scheduler: {virtual.longest:.3f}s"
    )
    print(f"  simulation took {wall:.1f}s of wall time")


def main() -> None:
    """Parses the knobs, prints the conditions, runs."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--actions", type=int, default=50_000)
    parser.add_argument("--rate", type=float, default=80.0)
    parser.add_argument("--burst", type=int, default=1)
    parser.add_argument("--spacing", type=float, default=6.0)
    parser.add_argument("--workers", type=int, default=64)
    parser.add_argument("--poll", type=float, default=0.5, help="seconds between two scheduler rounds")
    parser.add_argument("--instances", type=int, default=1, help="messaging processes sharing the provider")
    parser.add_argument(
        "--split-rate", action="store_true", help="give each instance rate/instances instead of shared slots"
    )
    args = parser.parse_args()
    print(
        f"conditions: {args.actions} actions requested at once, one WhatsApp sender, pace {args.rate:g}/s "
        f"burst {args.burst}, {args.spacing:g}s between two messages to one recipient (1% of actions repeat a "
        f"recipient), {args.instances} instance(s) "
        f"{'each with rate/instances' if args.split_rate or args.instances == 1 else 'sharing provider slots'}, "
        f"{args.workers} concurrent handlers in all, scheduler every {args.poll:g}s, real Dispatcher, "
        f"Throttle and Composer (built-in pt-BR reminder), in-memory store and provider, simulated time"
    )
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
