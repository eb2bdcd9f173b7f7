"""The simulation's driver: the real stack on a shared clock it moves, seeded clients and debtors, their behaviour
through the real edges, and the independent checker over what the providers received.

It starts Kafka, FerretDB, the provider sandbox and the six services (`cordial_stack`), every one reading time from
one clock file (`cordial_core.clock.FileClock`). It creates the clients and their strategies through the agency API,
places the debts through the client API's batch endpoint, then moves the clock a step at a time and waits at each
step until the platform is quiet (`Quiescence`). Debtors act once contacted: replies and opt-out words through the
gateway's WhatsApp and SMS webhooks as the sandbox delivers them, payments through the sandbox's PIX flow, plans
accepted through the API (and broken by not paying). After debtors act, the clock moves on `ANSWER_SECONDS` and the
platform settles again, so what it answers within seconds goes at its time, not a step later.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from cordial_core.clock import FileClock
from cordial_stack.e2e_support import CREDITOR
from cordial_stack.infra import start_infra
from cordial_stack.paths import new_run_dir
from cordial_stack.platform import Platform, start_platform
from cordial_stack.simulation.checker import Findings, Place, Reply, check
from cordial_stack.simulation.population import SimDebtor, seed
from cordial_stack.simulation.quiescence import Quiescence

START = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # Monday 00:00 in São Paulo; Good Friday and Tiradentes within 60 days
# The widest contact hours of any place simulated (the US's 08:00-21:00; every Brazilian state's lie within).
WIDEST_HOURS = (8, 21)
POLICY = {"bands": [{"min_days_past_due": 0}], "max_installments": 3, "offer_validity_days": 3, "grace_days": 5}


def pace() -> dict[str, str]:
    """The pace of the background loops: short, so each step settles quickly (the defaults suit real time), at
    any size: an idle pass reads nothing (strategy's due index and messaging's deferred list are read only when
    something may be due, `cordial_core.due_watch`; agreements keeps its agenda in memory)."""
    seconds = 0.25
    return {
        "SCHEDULER_INTERVAL_SECONDS": str(seconds),
        "MESSAGING_DUE_POLL_SECONDS": str(seconds),
        "AGREEMENTS_CHECK_INTERVAL_SECONDS": str(seconds),
        # Every write's events are relayed by `_id` at once; the sweep only finds events of a process that died,
        # and on FerretDB it reads every document of every outboxed collection (2.8 s for 361 cases).
        "OUTBOX_SWEEP_SECONDS": "600",
    }


TEXTS = {
    "disputes": "Já paguei essa conta",
    "opts_out": "SAIR",
    "hardship": "Estou desempregado, não consigo pagar agora",
    "answers": "Recebi, vou ver",
}
# How far the clock moves on after debtors acted, before the next step: an answer that waits seconds (an opt-out's
# confirmation held to the recipient's spacing and the Cloud API's pair window, up to twice the spacing) is sent
# then, as it would be in real time, not at the next step hours later.
ANSWER_SECONDS = 30
REPLY_KINDS = {"disputes": "dispute", "opts_out": "opt_out", "hardship": "hardship"}


def _path(name: str, channels: tuple[str, str]) -> dict[str, Any]:
    return {
        "segment": name,
        "steps": [
            {"name": "reminder-1", "channels": list(channels), "template": "reminder", "day_offset": 0},
            {"name": "reminder-2", "channels": list(channels[::-1]), "template": "reminder", "day_offset": 4},
            {"name": "answer", "channels": [channels[0]], "template": "reminder", "on_event": "reply.received"},
            {"name": "formal", "channels": ["sms"], "template": "reminder", "day_offset": 12, "tone": "formal"},
        ],
    }


def strategy(name: str, channels: tuple[str, str], escalate: bool) -> dict[str, Any]:
    """A strategy document: two segments, a path of reminders, escalation to the bureau when the client opted in."""
    segments: list[dict[str, Any]] = [{"segment": "high", "min_balance_minor": 100_000}, {"segment": "all"}]
    body: dict[str, Any] = {
        "name": name,
        "segments": segments,
        "paths": [_path(s["segment"], channels) for s in segments],
    }
    if escalate:
        body["escalation"] = ["prior_notice", "bureau_inscription"]
        body["escalation_conditions"] = {"min_balance_minor": 5_000, "min_days_past_due": 30, "client_opted_in": True}
    return body


WHATSAPP_FIRST, SMS_FIRST = ("whatsapp", "sms"), ("sms", "whatsapp")
# Client key -> (name, variants as (strategy name, first channels, percent), escalation opted in).
CLIENTS: dict[str, tuple[str, list[tuple[str, tuple[str, str], int]], bool]] = {
    "banco": ("Banco Aurora", [("whatsapp-first", WHATSAPP_FIRST, 70), ("sms-first", SMS_FIRST, 30)], True),
    "varejo": ("Varejo Boa Compra", [("whatsapp-first", WHATSAPP_FIRST, 50), ("sms-first", SMS_FIRST, 50)], True),
    "energia": ("Energia Serena", [("sms-first", SMS_FIRST, 100)], False),
}


def dark(moment: datetime, zones: set[str]) -> bool:
    """True when no zone is within the widest contact hours at the moment: no rule lets anyone be contacted."""
    opens, closes = WIDEST_HOURS
    return all(not opens <= moment.astimezone(ZoneInfo(zone)).hour < closes for zone in zones)


def next_moment(moment: datetime, step: timedelta, zones: set[str], end: datetime) -> datetime:
    """The next moment the clock stands at: the next step, except that a night dark in every zone is crossed in
    one step to its last dark step. The platform still runs at the night's first and last dark steps (a contact
    sent at night would reach the sandbox then, and the checker would count it), and whatever fell due in the
    hours between is done at the last one."""
    later = moment + step
    if dark(moment, zones) and dark(later, zones):
        while later + step < end and dark(later + step, zones):
            later += step
    return min(later, end)


@dataclass
class Config:
    """The size and shape of one run."""

    debtors: int = 10_000
    days: int = 60
    seed: int = 7
    step_minutes: int = 60
    start: datetime = START
    batch_size: int = 1_000
    progress: bool = False  # a line per simulated day on stdout
    wall_limit_seconds: float = 0.0  # stop stepping after this long (0: never) and check what was done


@dataclass
class Outcome:
    """What a run found and did, and how long it took."""

    config: Config
    findings: Findings
    stats: Counter[str] = field(default_factory=Counter)
    variants: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    day_seconds: list[float] = field(default_factory=list)
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    logs: str = ""

    @property
    def complete(self) -> bool:
        """True when every simulated day ran."""
        return self.stats["simulated days run"] >= self.config.days

    @property
    def clean(self) -> bool:
        """True when every violation count is zero."""
        return not any(self.findings.violations.values())


class Simulation:
    """Drives one run against a started platform."""

    def __init__(self, config: Config, platform: Platform, clock_file: Path) -> None:
        self.config = config
        self.platform = platform
        self.clock_file = clock_file
        self.clock = FileClock(clock_file)
        self.rng = random.Random(config.seed)  # noqa: S311 - a reproducible simulation, not cryptography
        self.debtors = seed(self.rng, config.debtors, list(CLIENTS), config.start, config.days)
        self.admin = {"Authorization": f"Bearer {platform.secrets['CORDIAL_ADMIN_TOKEN']}"}
        self.http = httpx.AsyncClient(timeout=120)
        self.keys: dict[str, str] = {}  # client key -> API key
        self.client_ids: dict[str, str] = {}
        self.stats: Counter[str] = Counter()
        self.replies: list[Reply] = []
        self.paid_in_full: set[str] = set()
        self.last_channel: dict[str, str] = {}  # digits -> channel of the last message received
        self.inbox_cursor = 0
        self.messages: list[dict[str, Any]] = []
        self.done: set[int] = set()
        self.day_seconds: list[float] = []
        ports = {name: svc.metrics_port for name, svc in platform.services.items()}
        self.quiet = Quiescence(ports, platform.infra.kafka_bootstrap_servers)

    def cpu(self) -> dict[str, float]:
        """CPU seconds used so far by each process of the stack (Linux /proc)."""
        return {name: cpu_seconds(p.pid) for name, p in processes_of(self.platform).items()}

    def api(self, client: str) -> dict[str, str]:
        """The client API's auth header of a client."""
        return {"Authorization": f"Bearer {self.keys[client]}"}

    async def setup(self) -> None:
        """Clients, their negotiation policy and strategies (champion/challenger), the sandbox's webhooks."""
        gateway = self.platform.gateway_url
        for key, (name, variants, escalate) in CLIENTS.items():
            made = await self._ok(
                self.http.post(
                    f"{gateway}/agency/v1/clients", json={"name": name, "creditor": CREDITOR}, headers=self.admin
                )
            )
            self.keys[key], self.client_ids[key] = made["api_key"], made["client_id"]
            agency = f"{gateway}/agency/v1"
            cid = made["client_id"]
            await self._ok(self.http.put(f"{agency}/clients/{cid}/negotiation-policy", json=POLICY, headers=self.admin))
            shares = []
            for variant, channels, percent in variants:
                doc = strategy(f"{name} {variant}", channels, escalate)
                saved = await self._ok(self.http.post(f"{agency}/strategies/{cid}", json=doc, headers=self.admin))
                shares.append({"version": saved["version"], "percent": percent})
            await self._ok(
                self.http.post(f"{agency}/strategies/{cid}/activate", json={"shares": shares}, headers=self.admin)
            )
        non_users = [d.phone for d in self.debtors if not d.whatsapp]
        sandbox = self.platform.sandbox_url
        await self._ok(self.http.post(f"{sandbox}/sandbox/whatsapp/non-users", json={"numbers": non_users}))

    async def place(self) -> None:
        """Every debt through the client API's batch endpoint, in batches per client."""
        for client in CLIENTS:
            owed = [(d, d.debts[client]) for d in self.debtors if client in d.debts]
            for start in range(0, len(owed), self.config.batch_size):
                chunk = owed[start : start + self.config.batch_size]
                reply = await self._ok(
                    self.http.post(
                        f"{self.platform.gateway_url}/v1/debts/batch",
                        json={"items": [body for _, body in chunk]},
                        headers=self.api(client),
                    )
                )
                for (debtor, _), item in zip(chunk, reply["items"], strict=True):
                    if item["status"] == "rejected":
                        raise RuntimeError(f"debt refused: {item}")
                    debtor.debt_ids[client] = item["debt_id"]
                self.stats["debts placed"] += reply["created"]

    async def run(self) -> None:
        """Steps the clock to the end, acting and settling at each step; records the wall time of each day."""
        step = timedelta(minutes=self.config.step_minutes)
        end = self.config.start + timedelta(days=self.config.days)
        zones = {d.zone for d in self.debtors}
        moment, day_started, cpu_at = self.config.start, time.monotonic(), self.cpu()
        limit = time.monotonic() + (self.config.wall_limit_seconds or float("inf"))
        await self.quiet.wait()
        while moment < end and time.monotonic() < limit:
            moment = next_moment(moment, step, zones, end)
            FileClock.move_to(self.clock_file, moment)
            self.stats["clock steps"] += 1
            if not await self.quiet.wait():
                self.stats["clock steps with nothing to do"] += 1
            if await self.act(moment):
                await self.quiet.wait()
                FileClock.move_to(self.clock_file, moment + timedelta(seconds=ANSWER_SECONDS))
                await self.quiet.wait()
            days_done = (moment - self.config.start) // timedelta(days=1)
            if days_done > len(self.day_seconds):
                # A step never crosses more than a night, so at most one day ends at a step.
                self.day_seconds.append(time.monotonic() - day_started)
                day_started, cpu_before, cpu_at = time.monotonic(), cpu_at, self.cpu()
                self.stats["simulated days run"] = len(self.day_seconds)
                if self.config.progress:
                    acted = sum(v for k, v in self.stats.items() if k.startswith("acted"))
                    used = {name: cpu_at[name] - cpu_before.get(name, 0.0) for name in cpu_at}
                    busiest = ", ".join(f"{n} {c:.0f}" for n, c in sorted(used.items(), key=lambda i: -i[1]))
                    print(
                        f"day {len(self.day_seconds)}: {self.day_seconds[-1]:.0f} s wall, "
                        f"{len(self.messages)} messages so far, {acted} debtors acted; CPU s {sum(used.values()):.0f} "
                        f"({busiest}), load {os.getloadavg()[0]:.1f}",
                        flush=True,
                    )

    async def read_inbox(self) -> None:
        """Takes the messages the sandbox received since the last read."""
        reply = await self.http.get(f"{self.platform.sandbox_url}/sandbox/inbox", params={"since": self.inbox_cursor})
        new = reply.json()["messages"]
        self.inbox_cursor += len(new)
        for message in new:
            message.pop("payload", None)
            self.messages.append(message)
            self.last_channel[message["to"].lstrip("+")] = message["channel"]

    async def act(self, moment: datetime) -> bool:
        """Debtors whose moment has come and who have been contacted do what they do; True if any did."""
        await self.read_inbox()
        acted = False
        for debtor in self.debtors:
            if debtor.act_at is None or debtor.index in self.done or debtor.act_at > moment:
                continue
            if debtor.digits not in self.last_channel:
                continue  # they act on a message; not contacted yet
            self.done.add(debtor.index)
            await self.behave(debtor)
            acted = True
        return acted

    async def behave(self, debtor: SimDebtor) -> None:
        """One debtor's act through the real edges."""
        self.stats[f"acted {debtor.behaviour}"] += 1
        if debtor.behaviour in ("pays", "pays_late"):
            for client, debt_id in debtor.debt_ids.items():
                await self.pay(client, debt_id, "full")
            if all(debt_id in self.paid_in_full for debt_id in debtor.debt_ids.values()):
                self.replies.append(Reply(debtor.digits, "paid_in_full", "", self.clock.now()))
        elif debtor.behaviour == "breaks":
            client, debt_id = next(iter(debtor.debt_ids.items()))
            await self.pay(client, debt_id, "installments")
        else:
            await self.reply(debtor, TEXTS[debtor.behaviour])

    async def reply(self, debtor: SimDebtor, text: str) -> None:
        """The debtor answers on the channel of their last message, to the client of their first debt; the checker
        holds the platform to a reply only when the gateway accepted the webhook carrying it."""
        channel = self.last_channel[debtor.digits]
        client = next(iter(debtor.debt_ids))
        base, sandbox = f"{self.platform.gateway_url}/hooks/{self.client_ids[client]}", self.platform.sandbox_url
        at = self.clock.now()
        if channel == "whatsapp":
            await self._ok(
                self.http.post(f"{sandbox}/sandbox/webhooks", json={"kind": "whatsapp", "url": f"{base}/whatsapp"})
            )
            sent = await self._ok(
                self.http.post(f"{sandbox}/sandbox/whatsapp/replies", json={"sender": debtor.digits, "text": text})
            )
        else:
            target = {"kind": "sms_inbound", "url": f"{base}/sms/inbound"}
            await self._ok(self.http.post(f"{sandbox}/sandbox/webhooks", json=target))
            sent = await self._ok(
                self.http.post(f"{sandbox}/sandbox/sms/replies", json={"sender": debtor.phone, "body": text})
            )
        status = int(sent["status"])  # what the gateway answered the sandbox's webhook
        if not 200 <= status < 300:
            # Refused (e.g. 429, 503): the platform never heard it, so the checker holds it to nothing.
            self.stats[f"replies refused by the gateway ({status})"] += 1
            return
        self.stats["replies delivered"] += 1
        if debtor.behaviour in REPLY_KINDS:
            self.replies.append(Reply(debtor.digits, REPLY_KINDS[debtor.behaviour], channel, at))

    async def pay(self, client: str, debt_id: str, kind: str) -> None:
        """Accepts an offer of the kind (full, or the first plan in installments) and pays its first payment by PIX."""
        gateway, headers = self.platform.gateway_url, self.api(client)
        menu = await self.http.get(f"{gateway}/v1/debts/{debt_id}/offers", headers=headers)
        offers = menu.json().get("offers", []) if menu.status_code == 200 else []
        offer = next((o for o in offers if o["kind"].startswith(kind)), None)
        if offer is None:
            self.stats[f"no {kind} offer (status {menu.status_code})"] += 1
            return
        accepted = await self.http.post(
            f"{gateway}/v1/debts/{debt_id}/agreements", json={"offer_id": offer["id"]}, headers=headers
        )
        if accepted.status_code not in (200, 201):
            self.stats[f"agreement refused ({accepted.status_code})"] += 1
            return
        self.stats["agreements accepted"] += 1
        agreement = await self._ok(self.http.get(f"{gateway}/v1/agreements/{accepted.json()['id']}", headers=headers))
        links = agreement.get("payment_links") or []
        if not links:
            self.stats["agreements without a payment link"] += 1
            return
        sandbox = self.platform.sandbox_url
        target = {"kind": "pix", "url": f"{gateway}/hooks/{self.client_ids[client]}/pix"}
        await self._ok(self.http.post(f"{sandbox}/sandbox/webhooks", json=target))
        paid = await self._ok(self.http.post(f"{sandbox}/sandbox/pix/payments", json={"txid": links[0]["txid"]}))
        self.stats["PIX payments" if paid.get("status") == 200 else "PIX payments refused"] += 1
        if kind == "full":
            self.paid_in_full.add(debt_id)

    async def settled(self, client_debts: list[tuple[str, str]]) -> set[str]:
        """The debts paid in full that the platform reports settled, listed page by page per client (a debt's
        own page carries its timeline, which the gateway finds by a scan on FerretDB)."""
        done: set[str] = set()
        for client in {c for c, _ in client_debts}:
            cursor = ""
            while True:
                params = {"status": "settled", "page_size": "500", **({"cursor": cursor} if cursor else {})}
                page = await self._ok(
                    self.http.get(f"{self.platform.gateway_url}/v1/debts", params=params, headers=self.api(client))
                )
                done.update(d["id"] for d in page["debts"] if d["status"] == "settled")
                cursor = page.get("next_cursor") or ""
                if not cursor:
                    break
        return done & {d for _, d in client_debts}

    async def collect(self) -> tuple[Findings, dict[str, list[dict[str, Any]]]]:
        """Reads what the providers received and the per-variant results; runs the checker."""
        await self.read_inbox()
        registries = await self._ok(self.http.get(f"{self.platform.sandbox_url}/sandbox/registries"))
        paid = [(c, d) for debtor in self.debtors for c, d in debtor.debt_ids.items() if d in self.paid_in_full]
        settled = await self.settled(paid)
        self.stats["debts paid in full"] = len(paid)
        self.stats["debts settled"] = len(settled)
        places = {d.digits: Place(d.zone, d.country, d.state) for d in self.debtors}
        findings = check(self.messages, registries, places, self.replies, settled)
        self.stats["inscribed and settled"] = sum(1 for i in registries["inscriptions"] if i["debt_id"] in settled)
        variants = {}
        for key, cid in self.client_ids.items():
            results = await self._ok(
                self.http.get(f"{self.platform.gateway_url}/agency/v1/strategies/{cid}/results", headers=self.admin)
            )
            variants[key] = results.get("results", [])
        return findings, variants

    async def _ok(self, call: Any) -> dict[str, Any]:
        reply: httpx.Response = await call
        if reply.status_code >= 300:
            raise RuntimeError(f"{reply.request.method} {reply.request.url} answered {reply.status_code}: {reply.text}")
        body: dict[str, Any] = reply.json()
        return body


def processes_of(platform: Platform) -> dict[str, Any]:
    """The stack's processes by name: the six services, the sandbox, Kafka and FerretDB."""
    processes: dict[str, Any] = {name: svc.process for name, svc in platform.services.items()}
    return processes | {"sandbox": platform.sandbox} | {p.name: p for p in platform.infra.processes}


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds a process has used (Linux /proc)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / 100


async def drive(sim: Simulation) -> Outcome:
    """Runs the simulation on a started platform."""
    timings: dict[str, float] = {}
    await sim.quiet.start()
    try:
        began = time.monotonic()
        await sim.setup()
        await sim.place()
        timings["setup and placement"] = time.monotonic() - began
        if sim.config.progress:
            print(f"placed {sim.stats['debts placed']} debts in {timings['setup and placement']:.0f} s", flush=True)
        began = time.monotonic()
        await sim.run()
        timings["simulated days"] = time.monotonic() - began
        timings["waiting for quiet"] = sim.quiet.waited_seconds
        timings["of which steps with nothing to do"] = sim.quiet.quiet_seconds
        sim.stats["Kafka lag checks"] = sim.quiet.lag_checks
        findings, variants = await sim.collect()
    finally:
        await sim.quiet.stop()
        await sim.http.aclose()
    sim.stats["messages received by providers"] = findings.looked_at["messages"]
    return Outcome(sim.config, findings, sim.stats, variants, timings, list(sim.day_seconds))


def run_simulation(config: Config) -> Outcome:
    """Starts Kafka, FerretDB, the sandbox and the six services on a shared clock, runs, stops everything."""
    started = time.monotonic()
    run_dir = new_run_dir("simulate")
    clock_file = run_dir / "clock"
    FileClock.move_to(clock_file, config.start)
    infra = start_infra(run_dir)
    platform = None
    try:
        platform = start_platform(infra, run_dir, clock_file=str(clock_file), extra_env=pace())
        sim = Simulation(config, platform, clock_file)
        outcome = asyncio.run(drive(sim))
        outcome.cpu_seconds = sim.cpu()
    finally:
        if platform is not None:
            platform.stop()
        infra.stop()
    outcome.timings["total"] = time.monotonic() - started
    outcome.logs = str(run_dir / "logs")
    return outcome
