"""Child processes start once, stop idempotently, and take their whole process group with them."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from cordial_stack.process import ManagedProcess, stop_all


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie waiting for its parent counts as gone.
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def test_start_and_stop_are_idempotent(tmp_path: Path) -> None:
    process = ManagedProcess("sleeper", ["sleep", "60"], tmp_path / "sleeper.log")
    process.start()
    pid = process.pid
    assert pid is not None
    process.start()
    assert process.pid == pid, "a second start while running starts nothing"
    assert process.stop() == -signal.SIGTERM
    assert process.stop() == -signal.SIGTERM
    assert not process.running()


def test_stop_takes_grandchildren_too(tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild.pid"
    process = ManagedProcess(
        "parent", ["sh", "-c", f"sleep 60 & echo $! > {pid_file}; wait"], tmp_path / "parent.log"
    ).start()
    for _ in range(100):
        if pid_file.exists() and pid_file.read_text().strip():
            break
        time.sleep(0.02)
    grandchild = int(pid_file.read_text())
    assert _alive(grandchild)
    process.stop()
    for _ in range(100):
        if not _alive(grandchild):
            break
        time.sleep(0.02)
    assert not _alive(grandchild)


def test_stop_all_stops_everything_started(tmp_path: Path) -> None:
    first = ManagedProcess("a", ["sleep", "60"], tmp_path / "a.log").start()
    second = ManagedProcess("b", ["sleep", "60"], tmp_path / "b.log").start()
    stop_all()
    assert not first.running()
    assert not second.running()


def test_a_process_ignoring_sigterm_is_killed(tmp_path: Path) -> None:
    log = tmp_path / "s.log"
    stubborn = ManagedProcess("stubborn", ["sh", "-c", "trap '' TERM; echo ready; sleep 60"], log).start()
    for _ in range(250):
        if log.exists() and "ready" in log.read_text():
            break
        time.sleep(0.02)
    assert stubborn.stop(timeout=0.5) == -signal.SIGKILL
