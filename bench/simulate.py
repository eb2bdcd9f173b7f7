"""`make simulate`: the time-compressed run of the real stack on a shared clock, with an independent checker.

Starts Kafka, FerretDB, the provider sandbox and the six services, all reading one clock file the driver moves;
seeds clients, strategies (champion/challenger) and debtors across Brazilian states and US zones; steps the clock
and lets debtors answer, pay, break plans, dispute and opt out through the real edges; then checks what the
providers received. Prints the figures, wall time and conditions; exits 1 on any violation, 2 when it stopped at
the wall-time limit before the last day.

    make simulate                                   # 10,000 debtors, 60 days
    make simulate ARGS="--debtors 1000 --days 60"
"""

from __future__ import annotations

import argparse
import sys

from cordial_stack.simulation.driver import Config, run_simulation
from cordial_stack.simulation.report import render


def main() -> int:
    """Runs and reports."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--debtors", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--step-minutes", type=int, default=60)
    parser.add_argument("--wall-limit-minutes", type=float, default=0, help="stop stepping then, and check (0: never)")
    args = parser.parse_args()
    limit = args.wall_limit_minutes * 60
    config = Config(args.debtors, args.days, args.seed, args.step_minutes, progress=True, wall_limit_seconds=limit)
    outcome = run_simulation(config)
    print(render(outcome), flush=True)
    return 1 if not outcome.clean else 0 if outcome.complete else 2


if __name__ == "__main__":
    sys.exit(main())
