"""Processes a test started, found by a tag in their environment and stopped whatever became of their parent.

``make run``'s runner starts each server in its own session (``ManagedProcess``), so killing the runner's process
group leaves Kafka, FerretDB, the sandbox and the services running, and once the runner is gone they belong to no
one a test can ask. Every process inherits the runner's environment, so a tag put there finds them all in
``/proc`` (Linux), the runner dead or alive.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Mapping
from pathlib import Path

TAG = "CORDIAL_TEST_TAG"


def tagged(env: Mapping[str, str]) -> tuple[dict[str, str], str]:
    """A copy of ``env`` with a new tag, and the tag."""
    tag = uuid.uuid4().hex
    return {**env, TAG: tag}, tag


def tagged_pids(tag: str) -> list[int]:
    """The live processes whose environment carries ``tag`` (zombies, already dead, are left out)."""
    marker = f"{TAG}={tag}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0") and not _zombie(entry):
                found.append(int(entry.name))
        except OSError:
            continue  # gone meanwhile, or not ours to read
    return found


def stop_tagged(tag: str, grace: float = 10.0) -> list[int]:
    """SIGTERM to the process group of every tagged process, SIGKILL to what is left after ``grace``; the pids found.

    Returns once none is left (or a SIGKILL went unanswered for 10 s, when the kernel is the one to ask).
    """
    found = tagged_pids(tag)
    _signal_groups(found, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while (left := tagged_pids(tag)) and time.monotonic() < deadline:
        time.sleep(0.2)
    if left:
        _signal_groups(left, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while tagged_pids(tag) and time.monotonic() < deadline:
            time.sleep(0.1)
    return found


def _signal_groups(pids: list[int], sig: int) -> None:
    """Signals each pid's process group (a server's own children with it), else the pid alone."""
    for pid in pids:
        try:
            os.killpg(os.getpgid(pid), sig)
        except ProcessLookupError:
            continue
        except PermissionError:
            os.kill(pid, sig)


def _zombie(entry: Path) -> bool:
    """True for a process that exited and waits for its parent to read it."""
    return entry.joinpath("stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
