"""A simulation in two segments: `bench/simulate.py --run-dir` stopped by SIGINT after day 2 ends its clock step,
checkpoints and stops the stack (exit 2, the report naming the command to resume); `--resume` restarts Kafka, FerretDB,
the sandbox and the services on the same data and runs to the last day. Every invariant holds over both segments, the
checker saw the messages of both, and no message reached a provider twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from cordial_stack.paths import repo_root
from cordial_stack.simulation import checkpoint as checkpoints
from cordial_stack.simulation.checker import RULES
from cordial_stack.simulation.config import Config
from cordial_stack.simulation.report import render
from cordial_stack.simulation.runner import run_simulation

DAYS = 5  # the second reminder (day 4) and the late payers (after day 4.5) fall in the second segment


def _first_segment(run_dir: Path) -> str:
    """Runs the bench until it reports day 2, then sends SIGINT; returns everything it printed."""
    argv = [sys.executable, "bench/simulate.py", "--run-dir", str(run_dir), "--debtors", "20", "--days", str(DAYS)]
    argv += ["--seed", "5", "--step-minutes", "180"]
    bench = subprocess.Popen(argv, cwd=repo_root(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    printed = []
    assert bench.stdout is not None
    for line in bench.stdout:
        printed.append(line)
        if line.startswith("day 2:"):
            os.kill(bench.pid, signal.SIGINT)
    assert bench.wait(120) == 2, "".join(printed)  # stopped before the last day
    return "".join(printed)


# Two start-ups of the whole stack and about 30 clock steps: wall time follows the machine's load.
@pytest.mark.timeout(1500)
def test_a_run_stopped_by_a_signal_resumes_to_the_end_on_the_same_data(tmp_path: Path) -> None:
    run_dir = tmp_path / "sim"
    printed = _first_segment(run_dir)
    assert f"resumable: python bench/simulate.py --run-dir {run_dir} --resume" in printed, printed
    assert "ended: SIGINT" in printed, printed
    stopped = checkpoints.read(run_dir)
    assert 2 <= stopped.stats["simulated days run"] < DAYS
    assert (run_dir / checkpoints.SANDBOX_STATE).exists()
    first_messages = len(stopped.messages)
    assert first_messages > 0

    outcome = run_simulation(Config(), run_dir, resume=True)
    report = render(outcome)
    print(report)
    assert outcome.complete, report
    assert outcome.findings.violations == dict.fromkeys(RULES, 0), report
    assert [s["ended"] for s in outcome.segments] == ["SIGINT", "complete"], report
    assert outcome.stats["debts placed"] == stopped.stats["debts placed"], report  # placed once, not again
    assert len(outcome.day_seconds) == DAYS
    assert all(outcome.cpu_seconds[name] > stopped.cpu_spent[name] for name in stopped.cpu_spent), report

    # The checker looked at the messages of both segments: those before the stop and those after it.
    ended = checkpoints.read(run_dir)
    stop = datetime.fromisoformat(stopped.clock)
    times = [datetime.fromisoformat(m["received_at"]) for m in ended.messages]
    assert any(at <= stop for at in times), report
    assert any(at > stop for at in times), report
    assert ended.messages[:first_messages] == stopped.messages
    assert outcome.findings.looked_at["messages"] > sum(1 for at in times if at <= stop) > 0, report

    # Nothing reached a provider twice: every entry of the sandbox's records (kept across its restart) is its own
    # message, and no WhatsApp send carries an idempotency key another did (the caps above count SMS repeats).
    inbox = json.loads((run_dir / checkpoints.SANDBOX_STATE).read_text())["inbox"]
    assert len(inbox) >= len(ended.messages)  # the sandbox wrote them again when it stopped, after the check
    assert len({m["id"] for m in inbox}) == len(inbox)
    keys = [m["payload"].get("biz_opaque_callback_data") for m in inbox if m["channel"] == "whatsapp"]
    keys = [key for key in keys if key]
    assert keys, report
    assert len(set(keys)) == len(keys), report
