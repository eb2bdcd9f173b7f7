"""`make run`'s stack runner: everything starts, a demo is seeded, Ctrl-C stops every process."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time

import httpx

from cordial_stack.e2e_support import debt_body


def _listening(url: str) -> bool:
    host, port = re.match(r"http://([\d.]+):(\d+)", url).groups()  # type: ignore[union-attr]
    with socket.socket() as sock:
        return sock.connect_ex((host, int(port))) == 0


def test_stack_runs_seeds_a_demo_and_stops_on_ctrl_c() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URI")}
    runner = subprocess.Popen(
        [sys.executable, "-m", "cordial_stack", "run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )
    output: list[str] = []
    try:
        assert runner.stdout is not None
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            line = runner.stdout.readline()
            if not line:
                break
            output.append(line)
            if "Ctrl-C stops everything." in line:
                break
        text = "".join(output)
        assert "Ctrl-C stops everything." in text, text
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
    finally:
        if runner.poll() is None:
            os.killpg(runner.pid, signal.SIGKILL)
            runner.wait(10)
