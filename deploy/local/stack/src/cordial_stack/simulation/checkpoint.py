"""A simulation's checkpoint: where a run stopped and everything its driver knew, so a later sitting can resume it.

A run keeps its whole life in one run directory: Kafka's log, FerretDB's data, the sandbox's records
(`sandbox-state.json`), the clock file, the stack's secrets (`secrets.json`) and this checkpoint
(`checkpoint.json`). The checkpoint and the secrets hold API keys and tokens, so both are written owner-only (0600).
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cordial_stack.simulation.checker import Reply

CHECKPOINT = "checkpoint.json"
SECRETS = "secrets.json"
SANDBOX_STATE = "sandbox-state.json"
# Present while the driver steps: a segment that ended without its checkpoint (killed, crashed) leaves it, and its
# Kafka and FerretDB data then went past the last checkpoint, so such a run cannot be resumed honestly.
STEPPING = "stepping"
VERSION = 1


@dataclass
class Checkpoint:
    """Everything the driver needs to go on from a quiet clock step: plain JSON values."""

    config: dict[str, Any]
    moment: str  # the clock step the driver stood at (ISO, UTC)
    clock: str  # what the shared clock told when the run stopped (ISO, UTC); it resumes there
    rng: list[Any]
    stats: dict[str, int]
    replies: list[list[str]]  # digits, kind, channel, at (ISO)
    paid_in_full: list[str]
    last_channel: dict[str, str]
    inbox_cursor: int
    messages: list[dict[str, Any]]
    done: list[int]
    debt_ids: dict[str, dict[str, str]]  # debtor index -> client key -> debt id
    keys: dict[str, str]
    client_ids: dict[str, str]
    gateway_url: str  # where the sandbox's webhook targets pointed; a resumed run points them at the new gateway
    day_seconds: list[float]
    day_cpu: list[dict[str, float]]
    day_so_far: dict[str, Any]  # the day in progress: its wall seconds and CPU seconds per process so far
    cpu_spent: dict[str, float]  # CPU seconds per process over every segment so far
    timings: dict[str, float]
    segments: list[dict[str, Any]] = field(default_factory=list)
    complete: bool = False
    version: int = VERSION


def rng_state(rng: random.Random) -> list[Any]:
    """The generator's state as JSON values."""
    version, internal, gauss = rng.getstate()
    return [version, list(internal), gauss]


def restore_rng(state: list[Any]) -> random.Random:
    """A generator in the state `rng_state` took."""
    rng = random.Random()  # noqa: S311 - a reproducible simulation, not cryptography
    rng.setstate((state[0], tuple(state[1]), state[2]))
    return rng


def replies_out(replies: list[Reply]) -> list[list[str]]:
    """Replies as JSON values."""
    return [[r.digits, r.kind, r.channel, r.at.isoformat()] for r in replies]


def replies_in(kept: list[list[str]]) -> list[Reply]:
    """Replies `replies_out` kept."""
    return [Reply(digits, kind, channel, datetime.fromisoformat(at)) for digits, kind, channel, at in kept]


def write_private(path: Path, value: Any) -> None:
    """Writes JSON owner-only (0600), atomically: a sibling created 0600, then renamed over the file."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mkstemp creates it 0600
    with os.fdopen(fd, "w") as handle:
        json.dump(value, handle)
    os.replace(temporary, path)


def write(run_dir: Path, checkpoint: Checkpoint) -> Path:
    """Writes the checkpoint into the run directory; returns its path."""
    path = run_dir / CHECKPOINT
    write_private(path, asdict(checkpoint))
    return path


def read(run_dir: Path) -> Checkpoint:
    """The checkpoint of a run directory; fails naming the file when there is none or it is of another version."""
    path = run_dir / CHECKPOINT
    if not path.exists():
        raise FileNotFoundError(f"{path}: no checkpoint to resume from (was the run stopped by the driver?)")
    kept = json.loads(path.read_text())
    if kept.get("version") != VERSION:
        raise ValueError(f"{path}: checkpoint version {kept.get('version')!r}, this driver reads {VERSION}")
    return Checkpoint(**kept)


def keep_secrets(run_dir: Path, secrets: dict[str, str]) -> None:
    """Keeps the stack's secrets with the run (0600), so a resumed run's services read the same data."""
    write_private(run_dir / SECRETS, secrets)


def kept_secrets(run_dir: Path) -> dict[str, str]:
    """The secrets a run kept."""
    secrets: dict[str, str] = json.loads((run_dir / SECRETS).read_text())
    return secrets
