"""A run's size and shape (`Config`) and what it found, did and cost (`Outcome`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cordial_stack.simulation.checker import Findings

START = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # Monday 00:00 in São Paulo; Good Friday and Tiradentes within 60 days


@dataclass
class Config:
    """The size and shape of one run."""

    debtors: int = 10_000
    days: int = 60
    seed: int = 7
    step_minutes: int = 60
    start: datetime = START
    batch_size: int = 1_000
    progress: bool = False  # a line per simulated day on stdout
    wall_limit_seconds: float = 0.0  # stop stepping after this long (0: never) and check what was done


@dataclass
class Outcome:
    """What a run found and did, and how long it took."""

    config: Config
    findings: Findings
    stats: Counter[str] = field(default_factory=Counter)
    variants: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    day_seconds: list[float] = field(default_factory=list)
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    logs: str = ""
    day_cpu: list[dict[str, float]] = field(default_factory=list)
    # Each sitting of the run: its wall and CPU seconds, load and the days it ran (one entry unless resumed).
    segments: list[dict[str, Any]] = field(default_factory=list)
    run_dir: str = ""

    @property
    def complete(self) -> bool:
        """True when every simulated day ran."""
        return self.stats["simulated days run"] >= self.config.days

    @property
    def clean(self) -> bool:
        """True when every violation count is zero."""
        return not any(self.findings.violations.values())
