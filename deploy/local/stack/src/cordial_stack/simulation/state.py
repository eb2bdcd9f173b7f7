"""What a run's driver holds (the platform, the clock, the seeded debtors, all they did), kept in a checkpoint."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from cordial_core.clock import FileClock
from cordial_stack.platform import Platform
from cordial_stack.simulation.checker import Reply
from cordial_stack.simulation.checkpoint import Checkpoint, replies_in, replies_out, restore_rng, rng_state
from cordial_stack.simulation.config import Config
from cordial_stack.simulation.cpu import cpu_seconds, processes_of
from cordial_stack.simulation.population import seed
from cordial_stack.simulation.quiescence import Quiescence
from cordial_stack.simulation.scenario import CLIENTS, PACE_SECONDS


class SimulationState:
    """A run's state against a started platform, its HTTP client, and its checkpoint out and back in."""

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
        self.quiet = Quiescence(ports, platform.infra.kafka_bootstrap_servers, poll_seconds=PACE_SECONDS)

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

    async def _ok(self, call: Any) -> dict[str, Any]:
        reply: httpx.Response = await call
        if reply.status_code >= 300:
            raise RuntimeError(f"{reply.request.method} {reply.request.url} answered {reply.status_code}: {reply.text}")
        body: dict[str, Any] = reply.json()
        return body
