"""CPU accounting of a run: the stack's processes by name and the CPU seconds each has used (Linux /proc)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cordial_stack.platform import Platform


def processes_of(platform: Platform) -> dict[str, Any]:
    """The stack's processes by name: the six services, the sandbox, Kafka and FerretDB."""
    processes: dict[str, Any] = {name: svc.process for name, svc in platform.services.items()}
    return processes | {"sandbox": platform.sandbox} | {p.name: p for p in platform.infra.processes}


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds a process has used (Linux /proc)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / 100
