"""Verifies 100,000 numbers against the sandbox's Lookup v2 over HTTP and prints the rate and conditions.

Run: ``make bench`` (or ``.venv/bin/python bench/verify_numbers.py --numbers 100000 --rate 1000``).
The provider rate is a token bucket (rate, burst); the sandbox's ledger says how many lookups
it was paid for, the most for one number and the most within one second, so the run shows the
rate limit and "never pay twice" held. A second pass over the same numbers must be all cache.
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

from cordial_contact_locator.adapters.lookup import TwilioLookup
from cordial_contact_locator.adapters.verification_memory import MemoryBudgets, MemoryCache
from cordial_contact_locator.domain.verification import BatchProgress, Verifier
from cordial_core.clock import SystemClock
from cordial_core.rate_limit import TokenBucket
from cordial_stack.paths import new_run_dir
from cordial_stack.platform import start_sandbox

TOKEN = secrets.token_urlsafe(16)


def parse_args() -> argparse.Namespace:
    """The bench's knobs."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--numbers", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=1000.0, help="provider rate limit, lookups per second")
    parser.add_argument("--burst", type=int, default=50)
    parser.add_argument("--budget", type=int, default=100_000, help="the tenant's monthly lookups")
    parser.add_argument("--workers", type=int, default=64)
    return parser.parse_args()


async def report_progress(progress: BatchProgress, started: float) -> None:
    """Prints the batch's progress every few seconds, as an operator would read it."""
    while True:
        await asyncio.sleep(5)
        elapsed = time.perf_counter() - started
        print(f"  progress {progress.snapshot()} after {elapsed:.0f}s", flush=True)


async def run(args: argparse.Namespace, url: str) -> None:
    """Two passes over the same numbers: the first pays, the second is served by the cache."""
    numbers = [f"+55119{i:08d}" for i in range(args.numbers)]
    limits = httpx.Limits(max_connections=args.workers, max_keepalive_connections=args.workers)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:
        clock = SystemClock()
        verifier = Verifier(
            TwilioLookup(http, url, "ACbench", TOKEN, clock),
            MemoryCache(),
            MemoryBudgets(),
            clock,
            TokenBucket(args.rate, args.burst, clock.now().timestamp()),
            ttl=timedelta(days=30),
            monthly_budget=args.budget,
        )
        for label in ("first pass (paid lookups)", "second pass (same numbers, within the TTL)"):
            progress = BatchProgress(len(numbers))
            started = time.perf_counter()
            reporter = asyncio.create_task(report_progress(progress, started))
            await verifier.batch("bench-tenant", numbers, progress, workers=args.workers)
            reporter.cancel()
            elapsed = time.perf_counter() - started
            print(f"{label}: {progress.done} numbers in {elapsed:.1f}s = {progress.done / elapsed:,.0f} numbers/s")
            print(f"  outcome {progress.counts}")
            ledger = (await http.get(f"{url}/sandbox/lookups")).json()
            print(
                f"  sandbox ledger: {ledger['total']} paid lookups, at most {ledger['per_number_max']} per number, "
                f"at most {ledger['max_per_second']} in one second (limit {args.rate:.0f}/s, burst {args.burst})"
            )


def main() -> None:
    """Starts the sandbox, runs the bench, prints the figures and the conditions."""
    args = parse_args()
    print(
        f"conditions: {args.numbers} distinct numbers, one tenant, budget {args.budget}, provider rate "
        f"{args.rate:.0f}/s burst {args.burst}, {args.workers} concurrent workers, in-memory cache and budget, "
        f"sandbox Lookup v2 over HTTP on 127.0.0.1 (one uvicorn process), {os.cpu_count()} CPUs shared, "
        f"Python {platform.python_version()}"
    )
    url, process = start_sandbox(new_run_dir("bench"), TOKEN)
    try:
        asyncio.run(run(args, url))
    finally:
        process.stop()


if __name__ == "__main__":
    main()
