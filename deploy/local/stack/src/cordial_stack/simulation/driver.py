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
import signal
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
from cordial_stack.platform import Platform, new_secrets, start_platform
from cordial_stack.simulation import checkpoint as checkpoints
from cordial_stack.simulation.checker import Findings, Place, Reply, check
from cordial_stack.simulation.checkpoint import (
    Checkpoint,
    replies_in,
    replies_out,
    restore_rng,
    rng_state,
)
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
    day_cpu: list[dict[str, float]] = field(default_factory=list)
    # Each sitting of the run: its wall and CPU seconds, load and the days it ran (one entry unless resumed).
    segments: list[dict[str, Any]] = field(default_factory=list)
    run_dir: str = ""

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
        self.day_cpu: list[dict[str, float]] = []
        self.moment = config.start  # the clock step the driver stands at
        self.day_so_far: dict[str, Any] = {"wall": 0.0, "cpu": {}}  # the part of a day earlier segments ran
        self.cpu_spent: dict[str, float] = {}  # CPU seconds per process in earlier segments
        self.stop_requested = ""  # why the run stops before its last day (a signal), once asked
        ports = {name: svc.metrics_port for name, svc in platform.services.items()}
        self.quiet = Quiescence(ports, platform.infra.kafka_bootstrap_servers)

    def cpu(self) -> dict[str, float]:
        """CPU seconds used so far by each process of the stack (Linux /proc), in this segment."""
        return {name: cpu_seconds(p.pid) for name, p in processes_of(self.platform).items()}

    def cpu_total(self) -> dict[str, float]:
        """CPU seconds used by each process over every segment of the run."""
        now = self.cpu()
        return {name: self.cpu_spent.get(name, 0.0) + now.get(name, 0.0) for name in {*self.cpu_spent, *now}}

    def request_stop(self, why: str) -> None:
        """Asks the run to stop after the clock step in progress (a signal's handler)."""
        self.stop_requested = self.stop_requested or why

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
        moment, cpu_at = self.moment, self.cpu()
        # A day begun in an earlier segment goes on from what it had cost there.
        day_started = time.monotonic() - float(self.day_so_far["wall"])
        cpu_at = {name: c - self.day_so_far["cpu"].get(name, 0.0) for name, c in cpu_at.items()}
        limit = time.monotonic() + (self.config.wall_limit_seconds or float("inf"))
        await self.quiet.wait()
        while moment < end and time.monotonic() < limit and not self.stop_requested:
            moment = next_moment(moment, step, zones, end)
            self.moment = moment
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
                used = {name: cpu_at[name] - cpu_before.get(name, 0.0) for name in cpu_at}
                self.day_cpu.append(used)
                if self.config.progress:
                    acted = sum(v for k, v in self.stats.items() if k.startswith("acted"))
                    busiest = ", ".join(f"{n} {c:.0f}" for n, c in sorted(used.items(), key=lambda i: -i[1]))
                    print(
                        f"day {len(self.day_seconds)}: {self.day_seconds[-1]:.0f} s wall, "
                        f"{len(self.messages)} messages so far, {acted} debtors acted; CPU s {sum(used.values()):.0f} "
                        f"({busiest}), load {os.getloadavg()[0]:.1f}",
                        flush=True,
                    )
        now = self.cpu()
        self.day_so_far = {
            "wall": time.monotonic() - day_started,
            "cpu": {name: now[name] - cpu_at.get(name, 0.0) for name in now},
        }

    def checkpoint(self, timings: dict[str, float], segments: list[dict[str, Any]], complete: bool) -> Checkpoint:
        """What the driver knows now, to resume from (`restore`)."""
        c = self.config
        return Checkpoint(
            config={
                "debtors": c.debtors,
                "days": c.days,
                "seed": c.seed,
                "step_minutes": c.step_minutes,
                "start": c.start.isoformat(),
                "batch_size": c.batch_size,
            },
            moment=self.moment.isoformat(),
            clock=self.clock.now().isoformat(),
            rng=rng_state(self.rng),
            stats=dict(self.stats),
            replies=replies_out(self.replies),
            paid_in_full=sorted(self.paid_in_full),
            last_channel=dict(self.last_channel),
            inbox_cursor=self.inbox_cursor,
            messages=self.messages,
            done=sorted(self.done),
            debt_ids={str(d.index): dict(d.debt_ids) for d in self.debtors if d.debt_ids},
            keys=dict(self.keys),
            client_ids=dict(self.client_ids),
            gateway_url=self.platform.gateway_url,
            day_seconds=list(self.day_seconds),
            day_cpu=list(self.day_cpu),
            day_so_far=self.day_so_far,
            cpu_spent=self.cpu_total(),
            timings=timings,
            segments=segments,
            complete=complete,
        )

    def restore(self, kept: Checkpoint) -> None:
        """Takes up the driver's state where a checkpoint left it (the debtors were seeded the same from the seed)."""
        self.moment = datetime.fromisoformat(kept.moment)
        self.rng = restore_rng(kept.rng)
        self.stats = Counter(kept.stats)
        self.replies = replies_in(kept.replies)
        self.paid_in_full = set(kept.paid_in_full)
        self.last_channel = dict(kept.last_channel)
        self.inbox_cursor = kept.inbox_cursor
        self.messages = list(kept.messages)
        self.done = set(kept.done)
        for debtor in self.debtors:
            debtor.debt_ids = dict(kept.debt_ids.get(str(debtor.index), {}))
        self.keys, self.client_ids = dict(kept.keys), dict(kept.client_ids)
        self.day_seconds, self.day_cpu = list(kept.day_seconds), list(kept.day_cpu)
        self.day_so_far = kept.day_so_far
        self.cpu_spent = dict(kept.cpu_spent)

    async def keep_sandbox(self) -> None:
        """Has the sandbox write its records to its state file (they go with the checkpoint)."""
        await self._ok(self.http.post(f"{self.platform.sandbox_url}/sandbox/snapshot"))

    async def repoint_webhooks(self, old_gateway: str) -> None:
        """Points the sandbox's webhook targets kept from an earlier segment at the gateway as it now listens."""
        sandbox = self.platform.sandbox_url
        targets = await self._ok(self.http.get(f"{sandbox}/sandbox/webhooks"))
        for kind, url in (targets.get("webhooks") or {}).items():
            if url.startswith(old_gateway):
                moved = {"kind": kind, "url": self.platform.gateway_url + url[len(old_gateway) :]}
                await self._ok(self.http.post(f"{sandbox}/sandbox/webhooks", json=moved))

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


async def drive(sim: Simulation, resumed_from: Checkpoint | None = None) -> Outcome:
    """Runs the simulation on a started platform, from the start or from a checkpoint's clock step; SIGINT and
    SIGTERM stop it after the clock step in progress, once the platform is quiet."""
    timings: dict[str, float] = dict(resumed_from.timings) if resumed_from else {}
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, sim.request_stop, sig.name)
    await sim.quiet.start()
    try:
        if resumed_from is None:
            began = time.monotonic()
            await sim.setup()
            await sim.place()
            timings["setup and placement"] = time.monotonic() - began
            if sim.config.progress:
                print(f"placed {sim.stats['debts placed']} debts in {timings['setup and placement']:.0f} s", flush=True)
        else:
            await sim.repoint_webhooks(resumed_from.gateway_url)
        began = time.monotonic()
        await sim.run()
        spent = {
            "simulated days": time.monotonic() - began,
            "waiting for quiet": sim.quiet.waited_seconds,
            "of which steps with nothing to do": sim.quiet.quiet_seconds,
        }
        for name, seconds in spent.items():
            timings[name] = timings.get(name, 0.0) + seconds
        sim.stats["Kafka lag checks"] += sim.quiet.lag_checks
        findings, variants = await sim.collect()
        # The sandbox's records as they stand now, with the checkpoint (it writes them again when it stops).
        await sim.keep_sandbox()
    finally:
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)
        await sim.quiet.stop()
        await sim.http.aclose()
    sim.stats["messages received by providers"] = findings.looked_at["messages"]
    outcome = Outcome(sim.config, findings, sim.stats, variants, timings, list(sim.day_seconds))
    outcome.day_cpu = list(sim.day_cpu)
    return outcome


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _exit_on_term(signum: int, frame: object) -> None:
    """SIGTERM outside the stepping: leave through the `finally` that stops every process (no new checkpoint)."""
    raise SystemExit(128 + signum)


def resumed_config(kept: dict[str, Any], given: Config) -> Config:
    """The run's own size and shape from its checkpoint; the wall limit and progress as given now."""
    return Config(
        debtors=int(kept["debtors"]),
        days=int(kept["days"]),
        seed=int(kept["seed"]),
        step_minutes=int(kept["step_minutes"]),
        start=datetime.fromisoformat(kept["start"]),
        batch_size=int(kept["batch_size"]),
        progress=given.progress,
        wall_limit_seconds=given.wall_limit_seconds,
    )


def prepare(config: Config, run_dir: Path, resume: bool) -> tuple[Config, Checkpoint | None, dict[str, str]]:
    """The run's config, checkpoint (when resuming) and secrets; sets the clock file where the run stands."""
    clock_file = run_dir / "clock"
    if not resume:
        if any((run_dir / name).exists() for name in (checkpoints.CHECKPOINT, "kafka", "ferretdb")):
            raise RuntimeError(f"{run_dir} holds a run already: --resume it, or name a new --run-dir")
        keys = new_secrets()
        checkpoints.keep_secrets(run_dir, keys)
        FileClock.move_to(clock_file, config.start)
        return config, None, keys
    if (run_dir / checkpoints.STEPPING).exists():
        raise RuntimeError(
            f"{run_dir}: a segment ended without its checkpoint (killed or crashed); its data went past the last "
            "checkpoint, so the run cannot be resumed"
        )
    kept = checkpoints.read(run_dir)
    if kept.complete:
        raise RuntimeError(f"{run_dir}: the run completed all its days; nothing to resume")
    # The shared clock stands where it stood when the run stopped, not where the wall time since would move it.
    FileClock.write(clock_file, datetime.fromisoformat(kept.clock) - datetime.now(UTC))
    return resumed_config(kept.config, config), kept, checkpoints.kept_secrets(run_dir)


def run_simulation(config: Config, run_dir: Path | None = None, resume: bool = False) -> Outcome:
    """Starts Kafka, FerretDB, the sandbox and the six services on a shared clock, runs, checkpoints, stops
    everything. With ``resume`` it restarts them on the run directory's data and goes on from its checkpoint."""
    started, began_at, load_at_start = time.monotonic(), datetime.now(UTC), os.getloadavg()[0]
    run_dir = run_dir or new_run_dir("simulate")
    run_dir.mkdir(parents=True, exist_ok=True)
    config, kept, keys = prepare(config, run_dir, resume)
    clock_file = run_dir / "clock"
    # Outside the stepping (start-up, the check, the stop) SIGTERM ends the run as Ctrl-C does: every process stopped.
    previous_term = signal.signal(signal.SIGTERM, _exit_on_term)
    infra = start_infra(run_dir)
    platform = None
    try:
        platform = start_platform(
            infra,
            run_dir,
            clock_file=str(clock_file),
            extra_env=pace(),
            keys=keys,
            sandbox_state_file=str(run_dir / checkpoints.SANDBOX_STATE),
        )
        sim = Simulation(config, platform, clock_file)
        if kept is not None:
            sim.restore(kept)
        days_before = len(sim.day_seconds)
        (run_dir / checkpoints.STEPPING).touch()
        outcome = asyncio.run(drive(sim, kept))
        signal.signal(signal.SIGTERM, _exit_on_term)  # asyncio left the default (die at once) when drive ended
        outcome.cpu_seconds = sim.cpu_total()
        wall = time.monotonic() - started
        outcome.timings["total"] = outcome.timings.get("total", 0.0) + wall
        segment = {
            "started": began_at.isoformat(timespec="seconds"),
            "wall_seconds": round(wall, 1),
            "cpu_seconds": round(sum(sim.cpu().values()), 1),
            "load": [round(load_at_start, 2), round(os.getloadavg()[0], 2)],
            "days": [days_before, len(sim.day_seconds)],
            "ended": "complete" if outcome.complete else sim.stop_requested or "wall-time limit",
        }
        outcome.segments = [*(kept.segments if kept else []), segment]
        checkpoints.write(run_dir, sim.checkpoint(outcome.timings, outcome.segments, outcome.complete))
        (run_dir / checkpoints.STEPPING).unlink()
    finally:
        if platform is not None:
            platform.stop()
        infra.stop()
        signal.signal(signal.SIGTERM, previous_term if previous_term is not None else signal.SIG_DFL)
    outcome.logs = str(run_dir / "logs")
    outcome.run_dir = str(run_dir)
    return outcome
