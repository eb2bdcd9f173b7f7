"""Verifies a batch of 100,000 numbers through contact-locator's real verification code on K instances sharing the
provider's rate, and prints the figures; exits non-zero when the sandbox refused a lookup or the budget was passed.

Run: ``make bench`` (or ``.venv/bin/python bench/verify_numbers.py --numbers 100000 --instances 2``).
What runs is what the service runs: ``VerificationJobs`` batches over the ``Verifier`` with the MongoDB cache,
the per-tenant budget (compare-and-set counter) and batch progress on FerretDB, the provider's rate shared
through rate cells in MongoDB (``cordial_core.rate_cells``, as contact-locator wires it), and Twilio-Lookup-shaped
lookups at the sandbox over HTTP. Each instance is its own process with its own MongoDB and HTTP clients, running
a batch of its share of the numbers. The sandbox enforces the provider's limit over any sliding second (a lookup
past it is refused with 429, code 20429) and reports what it accepted and refused, and its ledger what it was paid
for. Three passes: the batch (paid), the same numbers again on new processes (all from the cache), and new
numbers once the budget is spent (all refused, nothing paid). The main process reads each batch's stored
progress every ten seconds, as any other instance would.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import queue
import secrets
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from cryptography.fernet import Fernet
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from cordial_contact_locator.adapters.contact_points import ContactPointRepository
from cordial_contact_locator.adapters.lookup import TwilioLookup
from cordial_contact_locator.adapters.verification_store import MongoBatches, MongoBudgets, MongoVerificationCache
from cordial_contact_locator.app import LOOKUP_PROVIDER
from cordial_contact_locator.domain.verification import Verifier
from cordial_contact_locator.domain.verification_jobs import VerificationJobs, progress_counts
from cordial_core.clock import SystemClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.ids import stable_id
from cordial_core.rate_cells import SharedRate, cells_per_claim
from cordial_core.rate_slots import MongoRateSlots
from cordial_core.store import TenantCollection
from cordial_stack.infra import start_ferretdb
from cordial_stack.paths import new_run_dir
from cordial_stack.platform import start_sandbox

TOKEN = secrets.token_urlsafe(16)
TENANT = "bench-tenant"
DATABASE = "bench_verify_numbers"


def parse_args() -> argparse.Namespace:
    """The bench's knobs."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--numbers", type=int, default=100_000)
    parser.add_argument("--instances", type=int, default=1, help="verification instances (processes) at once")
    parser.add_argument(
        "--provider-rate", type=int, default=500, help="the sandbox's limit: lookups in any sliding second"
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="the instances' configured rate, shared (default: 95%% of --provider-rate, room for network jitter)",
    )
    parser.add_argument("--budget", type=int, default=0, help="the tenant's monthly lookups (default: --numbers)")
    parser.add_argument(
        "--group", type=int, default=500, help="numbers verified together (one cache read, one budget move)"
    )
    # httpcore checks every pooled connection on each request: more than the requests in flight is CPU wasted.
    parser.add_argument("--connections", type=int, default=32, help="HTTP connections to the provider per instance")
    parser.add_argument("--extra", type=int, default=1000, help="new numbers tried once the budget is spent")
    return parser.parse_args()


@dataclass(frozen=True)
class Setup:
    """What every instance process needs to wire itself (plain values: it crosses a process boundary)."""

    uri: str
    url: str
    token: str
    data_key: str
    lookup_key: str
    rate: float
    budget: int
    group: int
    connections: int


def batch_id(reference: str) -> str:
    """The id a batch started with this reference gets (``VerificationJobs.start``)."""
    return stable_id(TENANT, "verification-batch", reference)


async def run_instance(setup: Setup, reference: str, numbers: list[str]) -> dict[str, Any]:
    """One contact-locator instance: its own store and HTTP clients, a batch of its numbers at the shared rate."""
    clock = SystemClock()
    cpu_at_start = time.process_time()
    cipher = PersonalDataCipher(setup.data_key, setup.lookup_key)
    client: AsyncMongoClient[dict] = AsyncMongoClient(setup.uri, tz_aware=True)
    db = client[DATABASE]
    limits = httpx.Limits(max_connections=setup.connections, max_keepalive_connections=setup.connections)
    try:
        async with httpx.AsyncClient(timeout=30, limits=limits) as http:
            verifier = Verifier(
                TwilioLookup(http, setup.url, "ACbench", setup.token, clock),
                MongoVerificationCache(TenantCollection(db["line_lookups"]), cipher, clock),
                MongoBudgets(TenantCollection(db["verification_budgets"])),
                clock,
                SharedRate(
                    MongoRateSlots(db["rate_slots"], clock, block=cells_per_claim(setup.rate)),
                    LOOKUP_PROVIDER,
                    setup.rate,
                    clock,
                ),
                ttl=timedelta(days=30),
                monthly_budget=setup.budget,
            )
            points = ContactPointRepository(TenantCollection(db["contact_points"]), cipher, clock)
            batches = MongoBatches(TenantCollection(db["verification_batches"]), cipher)
            jobs = VerificationJobs(verifier, points, batches, clock, group=setup.group)
            batch = await jobs.start(TENANT, [], numbers, reference=reference)
            await jobs.wait(batch.id)
            final = await batches.get(TENANT, batch.id)
            assert final is not None
            ran = ((final.finished_at or clock.now()) - final.started_at).total_seconds()
            return {
                "state": final.state,
                "done": final.progress.done,
                "seconds": ran,
                "cpu": time.process_time() - cpu_at_start,
                **progress_counts(final.progress),
            }
    finally:
        await client.close()


def instance_process(setup: Setup, reference: str, numbers: list[str], results: Any) -> None:
    """Entry point of an instance's process: runs its batch and puts its outcome on the queue."""
    results.put((reference, asyncio.run(run_instance(setup, reference, numbers))))


async def report_progress(db: AsyncDatabase[dict], cipher: PersonalDataCipher, ids: list[str], started: float) -> None:
    """Prints the batches' stored progress every ten seconds, as another instance would read it."""
    batches = MongoBatches(TenantCollection(db["verification_batches"]), cipher)
    while True:
        await asyncio.sleep(10)
        seen = [await batches.get(TENANT, batch) for batch in ids]
        done = sum(b.progress.done for b in seen if b is not None)
        total = sum(b.progress.total for b in seen if b is not None)
        paid = sum(progress_counts(b.progress)["paid"] for b in seen if b is not None)
        print(f"  stored progress: {done:,}/{total:,} done, {paid:,} paid, after {time.perf_counter() - started:.0f}s")


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) a process has used so far, from /proc (0 where there is none)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run_pass(
    label: str,
    setup: Setup,
    args: argparse.Namespace,
    numbers: list[str],
    tag: str,
    cipher: PersonalDataCipher,
    servers: dict[str, int],
) -> dict[str, int]:
    """Starts one process per instance, each with its share of the numbers; waits; prints the figures."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    shares = [numbers[i :: args.instances] for i in range(args.instances)]
    references = [f"{tag}-instance-{i}" for i in range(args.instances)]
    client: AsyncMongoClient[dict] = AsyncMongoClient(setup.uri, tz_aware=True)
    load = os.getloadavg()[0]
    servers_cpu = {name: cpu_seconds(pid) for name, pid in servers.items()}
    started = time.perf_counter()
    processes = [
        context.Process(target=instance_process, args=(setup, ref, share, results))
        for ref, share in zip(references, shares, strict=True)
    ]
    for process in processes:
        process.start()
    reporter = asyncio.create_task(
        report_progress(client[DATABASE], cipher, [batch_id(r) for r in references], started)
    )
    outcomes: dict[str, dict[str, Any]] = {}
    while len(outcomes) < len(processes):
        if all(not p.is_alive() for p in processes) and results.empty():
            break
        try:
            reference, outcome = await asyncio.to_thread(results.get, True, 1.0)
            outcomes[reference] = outcome
        except queue.Empty:
            continue
    elapsed = time.perf_counter() - started
    reporter.cancel()
    for process in processes:
        process.join()
    await client.close()
    totals = {
        key: sum(int(o[key]) for o in outcomes.values())
        for key in ("done", "cached", "paid", "refused_budget", "failed")
    }
    states = sorted({str(o["state"]) for o in outcomes.values()})
    ran = max((float(o["seconds"]) for o in outcomes.values()), default=0.0)
    print(
        f"{label}: {totals['done']:,} numbers on {args.instances} instance(s) in {elapsed:.1f}s = "
        f"{totals['done'] / elapsed:,.0f} numbers/s with process start-up; the batches ran {ran:.1f}s = "
        f"{totals['done'] / max(ran, 1e-9):,.0f} numbers/s, state {states}, load average {load:.2f} -> "
        f"{os.getloadavg()[0]:.2f}"
    )
    print(
        f"  outcome {{'cached': {totals['cached']:,}, 'paid': {totals['paid']:,}, "
        f"'refused_budget': {totals['refused_budget']:,}, 'failed': {totals['failed']:,}}}"
    )
    spent = {"instances": sum(float(o["cpu"]) for o in outcomes.values())}
    spent |= {name: cpu_seconds(pid) - servers_cpu[name] for name, pid in servers.items()}
    per_thousand = {name: 1000 * seconds / max(totals["done"], 1) for name, seconds in spent.items()}
    whole = sum(per_thousand.values())
    print(
        "  CPU per 1,000 numbers: "
        + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in per_thousand.items())
        + f"; {whole:.2f} s in all, so at most {os.cpu_count() or 1} CPUs x 1,000 / {whole:.2f} = "
        f"{(os.cpu_count() or 1) * 1000 / max(whole, 1e-9):,.0f} numbers/s on this machine were it idle"
    )
    if len(outcomes) < len(processes):
        print(f"  BREACH: {len(processes) - len(outcomes)} instance(s) ended without a result")
        totals["lost"] = len(processes) - len(outcomes)
    return totals


async def provider_figures(http: httpx.AsyncClient, url: str, db: AsyncDatabase[dict], budget: int) -> list[str]:
    """Prints what the sandbox accepted, refused and was paid for, and the stored budget; the breaches found."""
    paid = (await http.get(f"{url}/sandbox/lookups")).json()
    rate = (await http.get(f"{url}/sandbox/rates")).json()["rates"].get("lookup", {})
    month = SystemClock().now().strftime("%Y-%m")
    spent = await MongoBudgets(TenantCollection(db["verification_budgets"])).spent(TENANT, month)
    print(
        f"  sandbox: {paid['total']:,} paid lookups, at most {paid['per_number_max']} per number; "
        f"{rate.get('accepted', 0):,} accepted, {rate.get('rejected', 0):,} refused (429), at most "
        f"{rate.get('most_in_one_second', 0)} within one sliding second (limit {rate.get('per_second', 0)}/s); "
        f"stored budget spent {spent:,} of {budget:,}"
    )
    breaches = []
    if rate.get("rejected", 0):
        breaches.append(f"the sandbox refused {rate['rejected']} lookups over its rate")
    if spent > budget or paid["total"] > budget:
        breaches.append(f"budget passed: {spent} spent, {paid['total']} paid, budget {budget}")
    if paid["per_number_max"] > 1:
        breaches.append(f"a number was paid for {paid['per_number_max']} times")
    return breaches


async def run(args: argparse.Namespace, url: str, uri: str, servers: dict[str, int]) -> list[str]:
    """The paid pass, the cached pass on new processes, and the over-budget pass; the breaches found."""
    numbers = [f"+55119{i:08d}" for i in range(args.numbers)]
    extra = [f"+55119{args.numbers + i:08d}" for i in range(args.extra)]
    data_key, lookup_key = Fernet.generate_key().decode(), secrets.token_hex(16)
    cipher = PersonalDataCipher(data_key, lookup_key)
    setup = Setup(uri, url, TOKEN, data_key, lookup_key, args.rate, args.budget, args.group, args.connections)
    client: AsyncMongoClient[dict] = AsyncMongoClient(uri, tz_aware=True)
    db = client[DATABASE]
    await MongoRateSlots(db["rate_slots"], SystemClock()).ensure_indexes()
    breaches: list[str] = []
    try:
        async with httpx.AsyncClient(timeout=30) as http:
            first = await run_pass("pass 1, paid lookups", setup, args, numbers, "paid", cipher, servers)
            breaches += await provider_figures(http, url, db, args.budget)
            second = await run_pass(
                "pass 2, the same numbers on new instances (within the TTL)",
                setup,
                args,
                numbers,
                "cached",
                cipher,
                servers,
            )
            breaches += await provider_figures(http, url, db, args.budget)
            print(f"  cache hits on the second pass: {second['cached']:,} of {second['done']:,}")
            third = await run_pass(
                f"pass 3, {args.extra:,} new numbers with the budget spent", setup, args, extra, "over", cipher, servers
            )
            breaches += await provider_figures(http, url, db, args.budget)
            breaches += [
                f"{label} lost instances" for label, t in (("1", first), ("2", second), ("3", third)) if t.get("lost")
            ]
            if third["paid"]:
                breaches.append(f"{third['paid']} lookups paid with the budget spent")
    finally:
        await client.drop_database(DATABASE)
        await client.close()
    return breaches


def main() -> None:
    """Starts FerretDB and the sandbox (enforcing the provider's rate), runs the bench, prints the figures."""
    args = parse_args()
    args.budget = args.budget or args.numbers
    args.rate = args.rate or args.provider_rate * 0.95
    print(
        f"conditions: {args.numbers:,} distinct numbers, one tenant, monthly budget {args.budget:,}, "
        f"{args.instances} instance(s) (one process each, its own MongoDB and HTTP clients, a batch of 1/"
        f"{args.instances} of the numbers), the provider's limit {args.provider_rate}/s over any sliding second "
        f"(enforced by the sandbox), the instances' shared rate {args.rate:g}/s (at most floor(rate) lookups start "
        f"in any second), groups of {args.group} numbers, {args.connections} HTTP connections per instance; the "
        f"service's VerificationJobs with the MongoDB cache, budget, batch progress and rate cells on FerretDB v1 "
        f"(SQLite), sandbox Lookup v2 over HTTP on 127.0.0.1 (one uvicorn process), all on {os.cpu_count()} CPUs "
        f"shared with other engineers' work (load average {os.getloadavg()[0]:.2f} at start), "
        f"Python {platform.python_version()}"
    )
    run_dir = new_run_dir("bench")
    uri, ferretdb = start_ferretdb(run_dir)
    url, sandbox = start_sandbox(run_dir, TOKEN, rates={"lookup": float(args.provider_rate)})
    try:
        servers = {name: process.pid for name, process in (("FerretDB", ferretdb), ("sandbox", sandbox)) if process.pid}
        breaches = asyncio.run(run(args, url, uri, servers))
    finally:
        sandbox.stop()
        ferretdb.stop()
    if breaches:
        print("BREACH: " + "; ".join(breaches))
        sys.exit(1)
    print("held: no lookup refused by the provider, the budget never passed, no number paid twice")


if __name__ == "__main__":
    main()
