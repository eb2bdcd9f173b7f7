"""The simulation's report: conditions, what happened, every violation count, per-variant outcomes, wall time."""

from __future__ import annotations

import os
from typing import Any

from cordial_stack.simulation.config import Outcome
from cordial_stack.simulation.population import BEHAVIOURS, PLACES
from cordial_stack.simulation.scenario import CLIENTS


def _variant_line(client: str, result: dict[str, Any]) -> str:
    money = {name: int((result.get(name) or {}).get("amount_minor", 0) or 0) / 100 for name in ("recovered", "cost")}
    fields = ("debts", "contacted", "right_party_contacts", "agreements", "messages_sent")
    counts = " ".join(f"{name}={result.get(name, 0)}" for name in fields)
    variant = f"v{result.get('version', '?')} {result.get('variant', '')}"
    return f"  {client:8} {variant:18} {counts} recovered={money['recovered']:.2f} cost={money['cost']:.2f} BRL"


def _segment_lines(outcome: Outcome) -> list[str]:
    """One line per sitting of the run: when, how long, its CPU, the load at its start and end, the days it ran."""
    lines = [f"segments ({len(outcome.segments)}; figures above add up over all of them):"]
    for n, seg in enumerate(outcome.segments, 1):
        first, last = seg["days"]
        lines.append(
            f"  {n}: from {seg['started']} UTC, {seg['wall_seconds']:.0f} s wall, {seg['cpu_seconds']:.0f} CPU-s, "
            f"load {seg['load'][0]:.1f} -> {seg['load'][1]:.1f}, days {first} -> {last}, ended: {seg['ended']}"
        )
    return lines


def render(outcome: Outcome) -> str:
    """The report as printed lines."""
    c = outcome.config
    places = " ".join(f"{country}-{state}" for _, country, state, _, _ in PLACES)
    lines = [
        f"simulation: {c.debtors} debtors, {len(CLIENTS)} clients, {c.days} simulated days "
        f"from {c.start:%Y-%m-%d %H:%M} UTC, steps of {c.step_minutes} min, seed {c.seed}",
        f"places: {places}; behaviour weights: {BEHAVIOURS}",
        f"conditions: the real stack (Kafka, FerretDB, sandbox, six services as processes) on one shared file clock; "
        f"{os.cpu_count()} cores, load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        "what happened:",
    ]
    lines += [f"  {name}: {count}" for name, count in sorted(outcome.stats.items())]
    lines += [f"  checker looked at {name}: {count}" for name, count in sorted(outcome.findings.looked_at.items())]
    lines.append("violations (each must be 0):")
    for rule, count in outcome.findings.violations.items():
        lines.append(f"  {rule}: {count}")
        lines += [f"      e.g. {example}" for example in outcome.findings.examples.get(rule, [])]
    lines.append("per-strategy outcomes (client, version, variant):")
    for client, results in outcome.variants.items():
        lines += [_variant_line(client, r) for r in results]
    days = outcome.day_seconds
    per_day = sum(days) / len(days) if days else 0.0
    lines.append(
        "wall time: "
        + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in outcome.timings.items())
        + f"; {per_day:.1f} s per simulated day (slowest {max(days, default=0):.0f} s)"
    )
    cpu = sorted(outcome.cpu_seconds.items(), key=lambda item: -item[1])
    lines.append("CPU seconds by process: " + ", ".join(f"{name} {seconds:.0f}" for name, seconds in cpu))
    lines += _segment_lines(outcome)
    lines.append(f"logs: {outcome.logs}")
    verdict = "every invariant held" if outcome.clean else "VIOLATIONS FOUND"
    if not outcome.complete:
        why = outcome.segments[-1]["ended"] if outcome.segments else "wall-time limit"
        verdict += f" over {outcome.stats['simulated days run']} of {c.days} days (stopped: {why})"
    lines.append(f"RESULT: {verdict}")
    if not outcome.complete and outcome.run_dir:
        lines.append(f"resumable: python bench/simulate.py --run-dir {outcome.run_dir} --resume")
    return "\n".join(lines)
