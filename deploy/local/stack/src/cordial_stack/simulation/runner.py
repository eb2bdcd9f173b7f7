"""Runs a simulation, fresh or resumed from its checkpoint: the stack started on the run directory, driven, stopped."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cordial_core.clock import FileClock
from cordial_stack.infra import start_infra
from cordial_stack.paths import new_run_dir
from cordial_stack.platform import new_secrets, start_platform
from cordial_stack.simulation import checkpoint as checkpoints
from cordial_stack.simulation.checkpoint import Checkpoint
from cordial_stack.simulation.config import Config, Outcome
from cordial_stack.simulation.scenario import pace
from cordial_stack.simulation.simulation import Simulation

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


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
