"""The simulation's stepping: the platform set up and its debts placed, the clock moved, the checker's evidence read.

The real stack runs on a shared clock this moves, with seeded clients and debtors, their behaviour through the real
edges, and the independent checker over what the providers received. Kafka, FerretDB, the provider sandbox and the
six services (`cordial_stack`) all read time from one clock file (`cordial_core.clock.FileClock`). The clients and
their strategies are created through the agency API and the debts placed through the client API's batch endpoint;
then the clock moves a step at a time and each step waits until the platform is quiet (`Quiescence`). Debtors act
once contacted (`acts`): replies and opt-out words through the gateway's WhatsApp and SMS webhooks as the sandbox
delivers them, payments through the sandbox's PIX flow, plans accepted through the API (and broken by not paying).
After debtors act, the clock moves on `ANSWER_SECONDS` and the platform settles again, so what it answers within
seconds goes at its time, not a step later.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from datetime import timedelta
from typing import Any

from cordial_core.clock import FileClock
from cordial_stack.e2e_support import CREDITOR
from cordial_stack.simulation.acts import DebtorActs
from cordial_stack.simulation.checker import Findings, Place, check
from cordial_stack.simulation.scenario import CLIENTS, POLICY, strategy
from cordial_stack.simulation.steps import next_moment

# How far the clock moves on after debtors acted, before the next step: an answer that waits seconds (an opt-out's
# confirmation held to the recipient's spacing and the Cloud API's pair window, up to twice the spacing) is sent
# then, as it would be in real time, not at the next step hours later.
ANSWER_SECONDS = 30


class Simulation(DebtorActs):
    """Drives one run against a started platform."""

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
        # Where the day's wall time went: settling (and in how many waits), acting.
        parts: defaultdict[str, float] = defaultdict(float)
        while moment < end and time.monotonic() < limit and not self.stop_requested:
            moment = next_moment(moment, step, zones, end)
            self.moment = moment
            FileClock.move_to(self.clock_file, moment)
            self.stats["clock steps"] += 1
            if not await self._settle(parts):
                self.stats["clock steps with nothing to do"] += 1
            began = time.monotonic()
            someone_acted = await self.act(moment)
            parts["acting"] += time.monotonic() - began
            if someone_acted:
                await self._settle(parts)
                FileClock.move_to(self.clock_file, moment + timedelta(seconds=ANSWER_SECONDS))
                await self._settle(parts)
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
                        f"({busiest}), load {os.getloadavg()[0]:.1f}; settling {parts['settling']:.0f} s in "
                        f"{parts['settles']:.0f} waits, acting {parts['acting']:.0f} s",
                        flush=True,
                    )
                parts.clear()
        now = self.cpu()
        self.day_so_far = {
            "wall": time.monotonic() - day_started,
            "cpu": {name: now[name] - cpu_at.get(name, 0.0) for name in now},
        }

    async def _settle(self, parts: defaultdict[str, float]) -> bool:
        """Waits until the platform is quiet, counting the wait in the day's parts; True if it saw activity."""
        began = time.monotonic()
        active = await self.quiet.wait()
        parts["settling"] += time.monotonic() - began
        parts["settles"] += 1
        return active

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
