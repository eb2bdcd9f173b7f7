"""A tagged run's processes are all stopped, even those in sessions of their own whose parent was killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from cordial_stack.tagged import stop_tagged, tagged, tagged_pids

# A runner in miniature: a child in its own session (as ManagedProcess starts servers), then it waits.
RUNNER = (
    "import subprocess, sys, time; "
    "child = subprocess.Popen(['sleep', '300'], start_new_session=True); "
    "open(sys.argv[1], 'w').write(str(child.pid)); time.sleep(300)"
)


def _child_of(runner: subprocess.Popen[bytes], pid_file: Path) -> int:
    for _ in range(200):
        if pid_file.exists() and pid_file.read_text():
            return int(pid_file.read_text())
        assert runner.poll() is None, "the runner exited before starting its child"
        time.sleep(0.05)
    raise AssertionError("the runner never started its child")


def test_killing_the_runners_group_leaves_its_servers_and_stop_tagged_finds_and_stops_them(tmp_path: Path) -> None:
    env, tag = tagged(os.environ)
    pid_file = tmp_path / "child.pid"
    runner = subprocess.Popen([sys.executable, "-c", RUNNER, str(pid_file)], env=env, start_new_session=True)
    child = _child_of(runner, pid_file)
    try:
        assert set(tagged_pids(tag)) == {runner.pid, child}
        # What the test's old cleanup did: the runner's group only. Its server lives on, orphaned.
        os.killpg(runner.pid, signal.SIGKILL)
        runner.wait(10)
        assert tagged_pids(tag) == [child]

        assert stop_tagged(tag, grace=5) == [child]
        assert tagged_pids(tag) == []
    finally:
        for pid in tagged_pids(tag):
            os.kill(pid, signal.SIGKILL)


def test_a_tag_finds_nothing_of_another_run() -> None:
    _, tag = tagged(os.environ)
    assert tagged_pids(tag) == []
    assert stop_tagged(tag) == []
