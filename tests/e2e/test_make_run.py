"""`make run`'s stack runner: everything starts, a demo is seeded, Ctrl-C stops every process.

Whatever happens, the test stops all it started: the runner starts each server in a session of its own, so its
teardown finds them by a tag in their environment (``cordial_stack.tagged``), not by the runner's process group.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import httpx
import pytest

from cordial_stack.e2e_support import debt_body
from cordial_stack.tagged import stop_tagged, tagged, tagged_pids

READY = "Ctrl-C stops everything."
# Kafka's JVM, FerretDB, the sandbox, six services and the demo's seeding start one after another on a 2-core
# machine often shared with other test runs and simulations: 180 s was passed at a load average of about 8.
# CORDIAL_RUN_START_SECONDS sets another bound.
START_SECONDS = float(os.environ.get("CORDIAL_RUN_START_SECONDS", "600"))


class Output:
    """The runner's output, read by a thread so waiting for a line is bounded even when it prints nothing."""

    def __init__(self, runner: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self.ready = threading.Event()
        self._thread = threading.Thread(target=self._read, args=(runner,), daemon=True)
        self._thread.start()

    def _read(self, runner: subprocess.Popen[str]) -> None:
        assert runner.stdout is not None
        for line in runner.stdout:
            self.lines.append(line)
            if READY in line:
                self.ready.set()

    def text(self) -> str:
        """Everything printed so far."""
        return "".join(self.lines)


@pytest.fixture
def run() -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`python -m cordial_stack run` on its own servers, and its tag; afterwards every process it started is stopped."""
    env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URI")}
    env, tag = tagged(env)
    process = subprocess.Popen(
        [sys.executable, "-m", "cordial_stack", "run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        yield process, tag
    finally:
        stop_tagged(tag)
        process.wait(10)
        assert tagged_pids(tag) == [], "a process of the run outlived its teardown"


def _listening(url: str) -> bool:
    host, port = re.match(r"http://([\d.]+):(\d+)", url).groups()  # type: ignore[union-attr]
    with socket.socket() as sock:
        return sock.connect_ex((host, int(port))) == 0


def test_stack_runs_seeds_a_demo_and_stops_on_ctrl_c(run: tuple[subprocess.Popen[str], str]) -> None:
    runner, tag = run
    output = Output(runner)
    if not output.ready.wait(START_SECONDS):
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        pytest.fail(
            f"`cordial_stack run` did not print {READY!r} within {START_SECONDS:.0f} s (CORDIAL_RUN_START_SECONDS;"
            f" load average {load}; exited: {runner.poll()}); its output so far:\n{output.text()}"
        )
    text = output.text()
    docs = re.search(r"API docs\s+(\S+)", text).group(1)  # type: ignore[union-attr]
    key = re.search(r"demo client key\s+(\S+)", text).group(1)  # type: ignore[union-attr]
    inbox = re.search(r"sandbox inbox\s+(\S+)", text).group(1)  # type: ignore[union-attr]
    assert "metrics http://127.0.0.1:" in text
    assert re.search(r"kafka\s+/\S+kafka\.log", text)
    gateway = docs.removesuffix("/docs")
    assert httpx.get(docs, timeout=10).status_code == 200
    assert "/v1/debts" in httpx.get(f"{gateway}/openapi.json", timeout=10).json()["paths"]
    seeded = httpx.post(
        f"{gateway}/v1/debts", json=debt_body("demo-1"), headers={"Authorization": f"Bearer {key}"}, timeout=10
    )
    assert seeded.status_code == 200, "the demo portfolio was seeded: demo-1 already exists"
    assert httpx.get(inbox, timeout=10).status_code == 200
    runner.send_signal(signal.SIGINT)
    assert runner.wait(timeout=90) == 0
    assert not _listening(gateway), "the gateway is gone after Ctrl-C"
    assert not _listening(inbox), "the sandbox is gone after Ctrl-C"
    assert tagged_pids(tag) == [], "every process the runner started is gone after Ctrl-C"
