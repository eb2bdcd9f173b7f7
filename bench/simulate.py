"""Time-compressed simulation: seeded debtors and behaviour over simulated days on a ControllableClock.

Runs in one process the strategy's real Ruler, contact policy, StrategyBook (champion/challenger), leased
scheduler (run_due + partitioned daily sweep) and escalation rules, and registry-bridge's real bureau state
machine, all on the real MongoDB (FerretDB) repositories. What is simulated: the transport (events go through
an in-process queue instead of Kafka), messaging (it asks CheckContact at send time, as the service does, and
"sends" without a provider), the bureau (an in-process recorder that checks notice and waiting period) and the
debtors' behaviour. Prints its figures, wall time and conditions; exits non-zero on any violation.

    make simulate                      # 10,000 debtors, 60 days
    .venv/bin/python bench/simulate.py --debtors 300 --days 10
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from cordial.events.v1 import actions_pb2, messages_pb2, registry_pb2
from cordial.types.v1 import types_pb2
from cordial_core.clock import ControllableClock
from cordial_core.events import Event, unpack_payload
from cordial_core.money import Money
from cordial_core.store import TenantCollection, connect
from cordial_registry_bridge.adapters.cases import BureauCaseRepository
from cordial_registry_bridge.domain.bridge import RegistryBridge
from cordial_registry_bridge.domain.cases import BUREAU_WAIT_DAYS, BureauCase
from cordial_strategy.adapters.cases import CaseRepository
from cordial_strategy.adapters.debtors import DebtorRepository
from cordial_strategy.adapters.strategies import StrategyRepository
from cordial_strategy.domain.book import Share, StrategyBook
from cordial_strategy.domain.escalation import EscalationConditions
from cordial_strategy.domain.guard import ContactGuard
from cordial_strategy.domain.ruler import Case, Escalation, Ruler
from cordial_strategy.domain.strategies import SegmentRule, StepSpec, Strategy

START = datetime(2024, 3, 4, 3, 0, tzinfo=UTC)  # a Monday
CLIENTS = ("bank", "retail", "utility")
# Zone, country, state: Brazil across three zones and states, and two US zones.
PLACES = (
    ("America/Sao_Paulo", "BR", "SP"),
    ("America/Sao_Paulo", "BR", "RJ"),
    ("America/Sao_Paulo", "BR", "MG"),
    ("America/Manaus", "BR", "AM"),
    ("America/Recife", "BR", "PE"),
    ("America/New_York", "US", "NY"),
    ("America/Chicago", "US", "IL"),
)
BEHAVIOURS = {"ignores": 30, "pays": 20, "pays_late": 10, "breaks": 10, "disputes": 10, "opts_out": 10, "answers": 10}
SMS, WA = types_pb2.CHANNEL_SMS, types_pb2.CHANNEL_WHATSAPP


@dataclass
class Debtor:
    """A seeded person: where they live, their debts, and what they will do."""

    debtor_id: str
    zone: str
    country: str
    state: str
    debts: list[tuple[str, str]]  # (tenant, debt_id)
    behaviour: str
    act_at: datetime


@dataclass
class Tally:
    """What the run saw, and every violation of the invariants."""

    sends: int = 0
    send_denied: int = 0
    outside_hours: int = 0
    cap_breaches: int = 0
    to_held: int = 0
    to_opted_out: int = 0
    inscriptions: int = 0
    inscription_violations: int = 0
    double_inscriptions: int = 0
    removals: int = 0
    unremoved: int = 0
    decisions_recorded: int = 0
    events: Counter[str] = field(default_factory=Counter)
    steps: Counter[str] = field(default_factory=Counter)  # requested steps by name and tone


class QueueingCases(CaseRepository):
    """The real repository; events it writes to the outbox are also handed to the in-process bus."""

    def __init__(self, collection: TenantCollection, clock: ControllableClock, bus: list[Event]) -> None:
        super().__init__(collection, clock)
        self._bus = bus
        self.due: dict[str, datetime] = {}  # when each deferred case falls due, so idle hours skip the poll

    async def save(self, case: Case, events: list[Event]) -> None:
        """Saves, then queues the events."""
        await super().save(case, events)
        self._bus.extend(events)
        if case.next_due_at is None or case.stopped:
            self.due.pop(case.debt_id, None)
        else:
            self.due[case.debt_id] = case.next_due_at

    def anything_due(self, now: datetime) -> bool:
        """True when some case's deferred action is due."""
        return any(at <= now for at in self.due.values())


class QueueingBureauCases(BureauCaseRepository):
    """The real bureau-case repository, also feeding the in-process bus."""

    def __init__(self, collection: TenantCollection, clock: ControllableClock, bus: list[Event]) -> None:
        super().__init__(collection, clock)
        self._bus = bus

    async def save(self, case: BureauCase, events: list[Event]) -> None:
        """Saves, then queues the events."""
        await super().save(case, events)
        self._bus.extend(events)


class RecordingBureau:
    """The credit bureau, in process: checks that no inscription comes without a notice and its waiting period."""

    def __init__(self, clock: ControllableClock, tally: Tally) -> None:
        self._clock, self._tally = clock, tally
        self.notices: dict[str, datetime] = {}
        self.inscribed: dict[str, str] = {}  # debt id -> inscription id
        self.removed: set[str] = set()

    async def send_notice(self, notice_id: str, case: BureauCase, amount_minor: int, creditor: str) -> bool:
        """Sends and confirms at once."""
        self.notices.setdefault(case.debt_id, self._clock.now())
        return True

    async def inscribe(self, inscription_id: str, case: BureauCase, amount_minor: int, creditor: str) -> None:
        """Inscribes, checking the law's steps independently of the code under test."""
        notice = self.notices.get(case.debt_id)
        if notice is None or self._clock.now() < notice + timedelta(days=BUREAU_WAIT_DAYS):
            self._tally.inscription_violations += 1
        if case.debt_id in self.inscribed:
            self._tally.double_inscriptions += 1
        self.inscribed[case.debt_id] = inscription_id
        self._tally.inscriptions += 1

    async def remove(self, inscription_id: str) -> None:
        """Removes."""
        self.removed.add(inscription_id)
        self._tally.removals += 1


def strategies() -> list[Strategy]:
    """Champion (WhatsApp first) and challenger (SMS first): a path of reminders, both escalating to the bureau."""
    segments = [SegmentRule("high", min_balance_minor=50_000), SegmentRule("all")]
    opted_in = EscalationConditions(min_balance_minor=5_000, min_days_past_due=30, client_opted_in=True)
    made = []
    for name, channels in (("champion", ("whatsapp", "sms")), ("challenger", ("sms", "whatsapp"))):
        path = [
            StepSpec("reminder-1", channels, "reminder", day_offset=0),
            StepSpec("reminder-2", channels[::-1], "reminder", day_offset=4),
            StepSpec("answer", channels[:1], "reminder", on_event="reply.received"),
            StepSpec("formal", ("sms",), "reminder", day_offset=12, tone="formal"),
        ]
        escalation = ["prior_notice", "bureau_inscription"]
        made.append(Strategy(segments, {"high": path, "all": path}, escalation, name, [], opted_in))
    return made


def seed(rng: random.Random, n: int, days: int) -> list[Debtor]:
    """n debtors; one in five owes to two clients (so caps across clients matter)."""
    names, weights = list(BEHAVIOURS), list(BEHAVIOURS.values())
    debtors = []
    for i in range(n):
        zone, country, state = rng.choice(PLACES)
        tenants = rng.sample(CLIENTS, 2 if rng.random() < 0.2 else 1)
        behaviour = rng.choices(names, weights)[0]
        latest = days * 24 - 1
        hour = {
            "pays": rng.randint(min(2 * 24, latest // 2), latest),
            "pays_late": rng.randint(min(30 * 24, latest // 2), latest),
        }.get(behaviour, rng.randint(1, min(20 * 24, latest)))
        debtors.append(
            Debtor(
                f"p{i}",
                zone,
                country,
                state,
                [(t, f"{t}-d{i}") for t in tenants],
                behaviour,
                START + timedelta(hours=hour, minutes=rng.randint(0, 59)),
            )
        )
    return debtors


def inside_hours(at: datetime, zone: str, country: str) -> bool:
    """An independent, coarse check of the law's windows (the policy is at least this strict)."""
    local = at.astimezone(ZoneInfo(zone))
    if country == "US":
        return 8 <= local.hour < 21
    if local.weekday() == 6:
        return False
    return 8 <= local.hour < (14 if local.weekday() == 5 else 20)


class Simulation:
    """Wires the real domain to FerretDB and drives it."""

    def __init__(self, db: Any, debtors: list[Debtor], tally: Tally) -> None:
        self.clock = ControllableClock(START)
        self.bus: list[Event] = []
        self.tally = tally
        self.cases = QueueingCases(TenantCollection(db["cases"]), self.clock, self.bus)
        self.guard = ContactGuard(DebtorRepository(TenantCollection(db["debtors"])), self.clock)
        store = StrategyRepository(TenantCollection(db["strategies"]), TenantCollection(db["activations"]))
        self.book = StrategyBook(store, self.clock, frozenset({"reminder"}))
        self.ruler = Ruler(self.cases, self.guard, self.clock, book=self.book)
        self.bureau = RecordingBureau(self.clock, tally)
        bridge_cases = QueueingBureauCases(TenantCollection(db["bureau_cases"]), self.clock, self.bus)
        self.bridge = RegistryBridge(bridge_cases, self.bureau, self.clock)
        self.debtors = {d.debtor_id: d for d in debtors}
        self.sent_days: Counter[tuple[str, date]] = Counter()
        self.held: dict[str, datetime] = {}  # debt id -> disputed at
        self.hardship: dict[str, datetime] = {}  # debtor id -> until
        self.opted_out: dict[tuple[str, int], datetime] = {}
        self.settled: set[str] = set()

    async def setup(self) -> None:
        """Each client runs champion 80% / challenger 20%."""
        await self.cases.ensure_indexes()
        for client in CLIENTS:
            versions = [await self.book.save(client, s) for s in strategies()]
            await self.book.activate(client, [Share(versions[0].version, 80), Share(versions[1].version, 20)])

    async def place(self, debtor: Debtor, rng: random.Random) -> None:
        """Places every debt of a debtor and verifies a contact point."""
        for tenant, debt_id in debtor.debts:
            balance = Money(rng.randint(5_000, 200_000), "BRL")
            await self.ruler.debt_placed(
                tenant,
                debt_id,
                debtor.debtor_id,
                tenant.title(),
                balance,
                debtor.zone,
                country=debtor.country,
                state=debtor.state,
                due_date="2024-01-15",
            )
            await self.ruler.contact_verified(tenant, debt_id, debtor.debtor_id)
        await self.drain()

    async def behave(self, debtor: Debtor) -> None:
        """What the debtor does at their moment."""
        now = self.clock.now()
        tenant, debt_id = debtor.debts[0]
        b = debtor.behaviour
        if b in ("pays", "pays_late"):
            for tenant, debt_id in debtor.debts:
                await self.ruler.count(tenant, debt_id, lambda r: r.recovered(1))
                await self.ruler.debt_settled(tenant, debt_id, debtor.debtor_id)
                await self.bridge.settled(tenant, debt_id, debtor.debtor_id)
                self.settled.add(debt_id)
        elif b == "disputes":
            await self._reply(debtor, tenant, debt_id, messages_pb2.REPLY_INTENT_DISPUTE)
            self.held[debt_id] = now
        elif b == "breaks":
            await self._reply(debtor, tenant, debt_id, messages_pb2.REPLY_INTENT_CANNOT_PAY_NOW)
            self.hardship[debtor.debtor_id] = now + timedelta(days=30)
        elif b == "opts_out":
            for channel in (SMS, WA):
                await self.guard.opted_out(debtor.debtor_id, channel, "reply")
                self.opted_out[(debtor.debtor_id, channel)] = now
        elif b == "answers":
            await self._reply(debtor, tenant, debt_id, messages_pb2.REPLY_INTENT_OTHER)
        await self.drain()

    async def _reply(self, debtor: Debtor, tenant: str, debt_id: str, intent: int) -> None:
        reply = messages_pb2.ReplyReceived(debtor_id=debtor.debtor_id, debt_id=debt_id, channel=SMS, intent=intent)  # type: ignore[arg-type]
        await self.guard.reply(tenant, reply)
        await self.ruler.count(tenant, debt_id, lambda r: setattr(r, "right_party", True))
        await self.ruler.happened(tenant, debt_id, "reply.received")

    async def drain(self) -> None:
        """Delivers queued events to their consumers until none is left."""
        while self.bus:
            event = self.bus.pop(0)
            self.tally.events[event.type] += 1
            payload = unpack_payload(event.envelope)
            tenant = event.envelope.tenant
            if isinstance(payload, actions_pb2.ActionRequested):
                self.tally.steps[f"{payload.step.split('#')[0]}/{payload.tone or '-'}"] += 1
                await self._send(tenant, payload)
            elif isinstance(payload, actions_pb2.DecisionRecorded):
                self.tally.decisions_recorded += 1
            elif isinstance(payload, registry_pb2.EscalationRequested):
                await self.bridge.requested(tenant, payload)
            elif isinstance(payload, registry_pb2.BureauNoticeConfirmed):
                at = payload.confirmed_at.ToDatetime(tzinfo=UTC)
                await self.ruler.bureau_update(tenant, payload.debt_id, _confirmed_at(at))
            elif isinstance(payload, registry_pb2.BureauInscribed):
                await self.ruler.bureau_update(tenant, payload.debt_id, lambda e: setattr(e, "inscribed", True))
            elif isinstance(payload, registry_pb2.BureauRemoved):
                await self.ruler.bureau_update(tenant, payload.debt_id, lambda e: setattr(e, "removed", True))

    async def _send(self, tenant: str, action: actions_pb2.ActionRequested) -> None:
        """Messaging: re-checks the policy at send time on the first channel allowed, then sends."""
        for channel in action.channels:
            decision = await self.ruler.check_contact(tenant, action.debt_id, channel, "cp", action.action_id)
            if decision.allowed:
                self._audit(action.debtor_id, action.debt_id, channel)
                sent = messages_pb2.MessageSent(
                    message_id=action.action_id,
                    action_id=action.action_id,
                    debt_id=action.debt_id,
                    debtor_id=action.debtor_id,
                    channel=channel,
                )
                await self.guard.message_sent(tenant, sent)
                await self.ruler.count(tenant, action.debt_id, lambda r: r.message_sent(5))
                return
        self.tally.send_denied += 1

    def _audit(self, debtor_id: str, debt_id: str, channel: int) -> None:
        """Checks every send against the invariants, independently of the policy."""
        now, debtor = self.clock.now(), self.debtors[debtor_id]
        self.tally.sends += 1
        if not inside_hours(now, debtor.zone, debtor.country):
            self.tally.outside_hours += 1
        day = now.astimezone(ZoneInfo(debtor.zone)).date()
        self.sent_days[(debtor_id, day)] += 1
        if self.sent_days[(debtor_id, day)] > 1:
            self.tally.cap_breaches += 1
        if debt_id in self.held or self.hardship.get(debtor_id, now) > now or debt_id in self.settled:
            self.tally.to_held += 1
        if (debtor_id, channel) in self.opted_out:
            self.tally.to_opted_out += 1

    async def run(self, days: int, rng: random.Random) -> None:
        """Places every debt at the start, then steps hour by hour: behaviour, due actions, the daily sweep."""
        await self.setup()
        for debtor in self.debtors.values():
            await self.place(debtor, rng)
        by_hour: dict[datetime, list[Debtor]] = defaultdict(list)
        for debtor in self.debtors.values():
            by_hour[debtor.act_at.replace(minute=0)].append(debtor)
        for hour in range(days * 24):
            now = START + timedelta(hours=hour)
            self.clock.set(now)
            for debtor in by_hour.get(now, []):
                await self.behave(debtor)
            while self.cases.anything_due(now) and await self.ruler.run_due(limit=500):
                await self.drain()
            if now.hour == 3:  # the daily sweep, in two partitions as two instances would
                for partition in (0, 1):
                    while await self.ruler.sweep(partition, 2, limit=500):
                        await self.drain()
            await self.drain()
        for debt_id in self.settled:
            if debt_id in self.bureau.inscribed and self.bureau.inscribed[debt_id] not in self.bureau.removed:
                self.tally.unremoved += 1

    async def outcomes(self) -> list[str]:
        """Per client, strategy version and variant: debts, contacted, right party, recovered, messages."""
        lines = []
        for client in CLIENTS:
            for r in await self.ruler.variant_results(client):
                lines.append(
                    f"  {client:8} v{r.version} {r.variant:12} debts={r.debts:6} contacted={r.contacted:6} "
                    f"right_party={r.right_party:5} paid_debts={r.recovered_minor:5} messages={r.messages_sent}"
                )
        return lines


def _confirmed_at(at: datetime) -> Callable[[Escalation], None]:
    return lambda e: setattr(e, "notice_confirmed_at", at)


def violations(t: Tally) -> dict[str, int]:
    """The figures that must be zero."""
    return {
        "contacts outside hours": t.outside_hours,
        "cap breaches": t.cap_breaches,
        "contacts to held or settled debts": t.to_held,
        "contacts to opted-out channels": t.to_opted_out,
        "inscriptions without notice and waiting period": t.inscription_violations,
        "debts inscribed twice": t.double_inscriptions,
        "settled debts still inscribed": t.unremoved,
    }


async def simulate(
    mongodb_uri: str, database: str, debtors: int, days: int, seed_value: int = 7
) -> tuple[Tally, list[str]]:
    """Runs one simulation in a fresh database; returns the tally and the per-strategy outcome lines."""
    client = connect(mongodb_uri)
    await client.drop_database(database)
    try:
        tally = Tally()
        rng = random.Random(seed_value)  # noqa: S311 - a reproducible simulation, not cryptography
        sim = Simulation(client[database], seed(rng, debtors, days), tally)
        await sim.run(days, rng)
        return tally, await sim.outcomes()
    finally:
        await client.drop_database(database)
        await client.close()


async def _main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--debtors", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    uri = os.environ.get("MONGODB_URI", "")
    started = time.perf_counter()
    ferretdb = None
    if not uri:  # no server given: start our own FerretDB, as the tests do
        from cordial_stack.infra import start_ferretdb
        from cordial_stack.paths import new_run_dir

        uri, ferretdb = start_ferretdb(new_run_dir("simulate"))
    try:
        tally, lines = await simulate(uri, "cordial_simulation", args.debtors, args.days, args.seed)
    finally:
        if ferretdb is not None:
            ferretdb.stop()
    wall = time.perf_counter() - started
    print(
        f"simulation: {args.debtors} debtors, {len(CLIENTS)} clients, {len(PLACES)} places "
        f"(BR states SP RJ MG AM PE, US NY IL), {args.days} simulated days, seed {args.seed}"
    )
    print(
        f"conditions: one process, real strategy + registry-bridge domain on FerretDB, in-process bus; "
        f"{os.cpu_count()} cores shared"
    )
    print(f"behaviour: {BEHAVIOURS}")
    print(
        f"sends={tally.sends} denied_at_send={tally.send_denied} decisions_recorded={tally.decisions_recorded} "
        f"inscriptions={tally.inscriptions} removals={tally.removals}"
    )
    print(f"events: {dict(sorted(tally.events.items()))}")
    print(f"steps requested (step/tone): {dict(sorted(tally.steps.items()))}")
    for name, count in violations(tally).items():
        print(f"{name}: {count}")
    print("per-strategy outcomes:")
    print("\n".join(lines))
    print(f"wall time: {wall:.1f} s")
    return 1 if any(violations(tally).values()) else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(_main()))
