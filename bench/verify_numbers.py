"""Verifies a batch of 100,000 numbers through contact-locator's real verification code and prints the rate.

Run: ``make bench`` (or ``.venv/bin/python bench/verify_numbers.py --numbers 100000 --rate 1000``).
What runs is what the service runs: ``VerificationJobs`` batches over the ``Verifier`` with the MongoDB
cache, the per-tenant budget (compare-and-set counter) and batch progress on FerretDB, the provider's
rate as a token bucket, and Twilio-Lookup-shaped lookups at the sandbox over HTTP. The sandbox's ledger
says how many lookups it was paid for, the most for one number and the most within one second, so the
run shows the budget, the rate and "never pay twice" held. Three passes: the batch (paid), the same
batch again (all from the cache, across a new set of adapters as another instance would have), and a
batch of new numbers once the budget is spent (all refused, nothing paid).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import secrets
import time
from datetime import timedelta

import httpx
from cryptography.fernet import Fernet
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from cordial_contact_locator.adapters.contact_points import ContactPointRepository
from cordial_contact_locator.adapters.lookup import TwilioLookup
from cordial_contact_locator.adapters.verification_store import MongoBatches, MongoBudgets, MongoVerificationCache
from cordial_contact_locator.domain.verification import Verifier
from cordial_contact_locator.domain.verification_jobs import Batch, VerificationJobs, progress_counts
from cordial_core.clock import SystemClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.rate_limit import TokenBucket
from cordial_core.store import TenantCollection
from cordial_stack.infra import start_ferretdb
from cordial_stack.paths import new_run_dir
from cordial_stack.platform import start_sandbox

TOKEN = secrets.token_urlsafe(16)
TENANT = "bench-tenant"


def parse_args() -> argparse.Namespace:
    """The bench's knobs."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--numbers", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=1000.0, help="provider rate limit, lookups per second")
    parser.add_argument("--burst", type=int, default=50)
    parser.add_argument("--budget", type=int, default=0, help="the tenant's monthly lookups (default: --numbers)")
    parser.add_argument(
        "--group", type=int, default=500, help="numbers verified together (one cache read, one budget move)"
    )
    parser.add_argument("--connections", type=int, default=64, help="HTTP connections to the provider")
    parser.add_argument("--extra", type=int, default=1000, help="new numbers tried once the budget is spent")
    return parser.parse_args()


class Instance:
    """One contact-locator instance's verification wiring on the shared database."""

    def __init__(
        self,
        db: AsyncDatabase[dict],
        http: httpx.AsyncClient,
        url: str,
        cipher: PersonalDataCipher,
        args: argparse.Namespace,
    ) -> None:
        clock = SystemClock()
        self.batches = MongoBatches(TenantCollection(db["verification_batches"]), cipher)
        self.budgets = MongoBudgets(TenantCollection(db["verification_budgets"]))
        verifier = Verifier(
            TwilioLookup(http, url, "ACbench", TOKEN, clock),
            MongoVerificationCache(TenantCollection(db["line_lookups"]), cipher, clock),
            self.budgets,
            clock,
            TokenBucket(args.rate, args.burst, clock.now().timestamp()),
            ttl=timedelta(days=30),
            monthly_budget=args.budget,
        )
        points = ContactPointRepository(TenantCollection(db["contact_points"]), cipher, clock)
        self.jobs = VerificationJobs(verifier, points, self.batches, clock, group=args.group)


async def report_progress(instance: Instance, batch_id: str, started: float) -> None:
    """Prints the batch's stored progress every few seconds, as another instance would read it."""
    while True:
        await asyncio.sleep(10)
        batch = await instance.batches.get(TENANT, batch_id)
        if batch is not None:
            elapsed = time.perf_counter() - started
            counts = progress_counts(batch.progress)
            print(f"  stored progress: {batch.progress.done}/{batch.progress.total} {counts} after {elapsed:.0f}s")


async def run_batch(label: str, instance: Instance, reader: Instance, numbers: list[str]) -> Batch:
    """Starts a batch, waits for it, prints its figures."""
    started = time.perf_counter()
    batch = await instance.jobs.start(TENANT, [], numbers)
    reporter = asyncio.create_task(report_progress(reader, batch.id, started))
    await instance.jobs.wait(batch.id)
    reporter.cancel()
    elapsed = time.perf_counter() - started
    final = await reader.batches.get(TENANT, batch.id)
    assert final is not None
    done = final.progress.done
    print(f"{label}: {done:,} numbers in {elapsed:.1f}s = {done / elapsed:,.0f} numbers/s, state {final.state}")
    print(f"  outcome {progress_counts(final.progress)}")
    return final


async def run(args: argparse.Namespace, url: str, uri: str) -> None:
    """The paid pass, the cached pass on new adapters, and the over-budget pass."""
    numbers = [f"+55119{i:08d}" for i in range(args.numbers)]
    extra = [f"+55119{args.numbers + i:08d}" for i in range(args.extra)]
    cipher = PersonalDataCipher(Fernet.generate_key().decode(), secrets.token_hex(16))
    client: AsyncMongoClient[dict] = AsyncMongoClient(uri, tz_aware=True)
    db = client["bench_verify_numbers"]
    limits = httpx.Limits(max_connections=args.connections, max_keepalive_connections=args.connections)
    try:
        async with httpx.AsyncClient(timeout=30, limits=limits) as http:

            async def ledger() -> None:
                paid = (await http.get(f"{url}/sandbox/lookups")).json()
                spent = await Instance(db, http, url, cipher, args).budgets.spent(TENANT, month)
                print(
                    f"  sandbox ledger: {paid['total']:,} paid lookups, at most {paid['per_number_max']} per number, "
                    f"at most {paid['max_per_second']} in one second (limit {args.rate:.0f}/s, burst {args.burst}); "
                    f"stored budget spent {spent:,} of {args.budget:,}"
                )

            month = SystemClock().now().strftime("%Y-%m")
            first, second = Instance(db, http, url, cipher, args), Instance(db, http, url, cipher, args)
            await run_batch("pass 1, paid lookups", first, second, numbers)
            await ledger()
            await run_batch(
                "pass 2, same numbers on another instance's adapters (within the TTL)", second, first, numbers
            )
            await ledger()
            await run_batch(f"pass 3, {args.extra:,} new numbers with the budget spent", first, second, extra)
            await ledger()
    finally:
        await client.drop_database("bench_verify_numbers")
        await client.close()


def main() -> None:
    """Starts FerretDB and the sandbox, runs the bench, prints the figures and the conditions."""
    args = parse_args()
    args.budget = args.budget or args.numbers
    print(
        f"conditions: {args.numbers:,} distinct numbers in one batch, one tenant, monthly budget {args.budget:,}, "
        f"provider rate {args.rate:.0f}/s burst {args.burst}, groups of {args.group} numbers, "
        f"{args.connections} HTTP connections; the service's "
        f"VerificationJobs with the MongoDB cache, budget and batch progress on FerretDB v1 (SQLite), sandbox "
        f"Lookup v2 over HTTP on 127.0.0.1 (one uvicorn process), all on {os.cpu_count()} shared CPUs, "
        f"Python {platform.python_version()}"
    )
    run_dir = new_run_dir("bench")
    uri, ferretdb = start_ferretdb(run_dir)
    url, sandbox = start_sandbox(run_dir, TOKEN)
    try:
        asyncio.run(run(args, url, uri))
    finally:
        sandbox.stop()
        ferretdb.stop()


if __name__ == "__main__":
    main()
