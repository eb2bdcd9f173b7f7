"""`make simulate`: the time-compressed run of the real stack on a shared clock, with an independent checker.

Starts Kafka, FerretDB, the provider sandbox and the six services, all reading one clock file the driver moves;
seeds clients, strategies (champion/challenger) and debtors across Brazilian states and US zones; steps the clock
and lets debtors answer, pay, break plans, dispute and opt out through the real edges; then checks what the
providers received. Prints the figures, wall time and conditions; exits 1 on any violation, 2 when it stopped at
the wall-time limit before the last day.

    make simulate                                   # 10,000 debtors, 60 days
    make simulate ARGS="--debtors 1000 --days 60"

A long run goes in segments: ``--run-dir DIR`` keeps it in that directory; at the wall-time limit or on SIGINT/SIGTERM
the driver ends the clock step, waits for quiet, writes a checkpoint and stops everything (exit 2), and
``--run-dir DIR --resume`` restarts the stack on the same data and goes on from there.

    python bench/simulate.py --run-dir .run/sim-10k --wall-limit-minutes 170
    python bench/simulate.py --run-dir .run/sim-10k --resume --wall-limit-minutes 170
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cordial_stack.simulation.config import Config
from cordial_stack.simulation.report import render
from cordial_stack.simulation.runner import run_simulation


def main() -> int:
    """Runs and reports."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--debtors", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--step-minutes", type=int, default=60)
    parser.add_argument("--wall-limit-minutes", type=float, default=0, help="stop stepping then, and check (0: never)")
    parser.add_argument("--run-dir", type=Path, default=None, help="keep the run there (default: a new .run/ folder)")
    parser.add_argument(
        "--resume", action="store_true", help="go on from the --run-dir's checkpoint (its size and seed, not these)"
    )
    args = parser.parse_args()
    if args.resume and args.run_dir is None:
        parser.error("--resume needs --run-dir: the directory of the run to go on with")
    limit = args.wall_limit_minutes * 60
    config = Config(args.debtors, args.days, args.seed, args.step_minutes, progress=True, wall_limit_seconds=limit)
    outcome = run_simulation(config, args.run_dir, args.resume)
    print(render(outcome), flush=True)
    return 1 if not outcome.clean else 0 if outcome.complete else 2


if __name__ == "__main__":
    sys.exit(main())
