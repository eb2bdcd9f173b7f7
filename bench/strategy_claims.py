"""Strategy's scheduler pass on FerretDB: finding due cases through the due index against the query it replaced.

Places N cases (deferred to one moment) through the real CaseRepository on FerretDB, then times an idle pass
of `claim_due` (nothing due yet: the due index is read by `_id`), the claiming pass once they fall due (each
case read by `_id` and claimed), and, for comparison, the query the scheduler ran before (`next_due_at`, a
lease, not stopped), which FerretDB answers by reading every case. Prints the figures and the conditions.

    .venv/bin/python bench/strategy_claims.py --cases 3000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from datetime import UTC, datetime, timedelta

from pymongo import AsyncMongoClient

from cordial_core.clock import ControllableClock
from cordial_core.store import TenantCollection
from cordial_stack.infra import start_infra
from cordial_stack.paths import new_run_dir
from cordial_strategy.adapters.cases import CaseRepository

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
DUE = NOW + timedelta(hours=8)


async def bench(uri: str, count: int) -> None:
    """Fills, then times the passes."""
    client: AsyncMongoClient[dict] = AsyncMongoClient(uri, tz_aware=True)
    clock = ControllableClock(NOW)
    cases = CaseRepository(TenantCollection(client["bench"]["cases"]), clock)
    await cases.ensure_indexes()
    for i in range(count):
        case = await cases.load_or_new("t1", f"d{i:06d}", f"p{i}")
        case.next_due_at = DUE
        await cases.save(case, [])
    idle = await _timed(lambda: cases.claim_due(clock.now(), "a", timedelta(minutes=5), 100))
    old_query = {
        "next_due_at": {"$lte": NOW},
        "stopped": False,
        "$or": [{"lease_until": None}, {"lease_until": {"$lte": NOW}}],
    }
    scan = await _timed(lambda: cases.collection.raw.find(old_query, projection={"tenant": 1}, limit=100).to_list())
    # The claim of one case the old way: its conditions beside the _id made FerretDB read every case again.
    old_claim = {"_id": "d000001", **old_query, "next_due_at": {"$lte": DUE}}
    one = await _timed(lambda: cases.collection.raw.update_one(old_claim, {"$set": {"lease_owner": "x"}}))
    clock.set(DUE)
    claimed = await _timed(lambda: cases.claim_due(clock.now(), "a", timedelta(minutes=5), 100))
    print(f"{count} cases on FerretDB; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    print(f"  idle pass of claim_due (due index by _id): {idle * 1000:.1f} ms")
    print(f"  the idle query it replaced (reads every case, finds none): {scan * 1000:.1f} ms")
    print(f"  the claim of one case it replaced (a conditional update that reads every case): {one * 1000:.1f} ms")
    print(f"  a pass claiming 100 due cases (each read and claimed by _id): {claimed * 1000:.0f} ms")
    await client.close()


async def _timed(call: object) -> float:
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        await call()  # type: ignore[operator]
        best = min(best, time.perf_counter() - began)
    return best


def main() -> None:
    """Starts FerretDB (and Kafka), runs, stops."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=3000)
    args = parser.parse_args()
    infra = start_infra(new_run_dir("bench"))
    try:
        asyncio.run(bench(infra.mongodb_uri, args.cases))
    finally:
        infra.stop()


if __name__ == "__main__":
    main()
