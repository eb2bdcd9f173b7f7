"""Child processes that are always stopped: on exit, on Ctrl-C and when a test run fails."""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

_running: list[ManagedProcess] = []


class ManagedProcess:
    """One child process in its own process group, logging to a file."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        log_path: Path,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.log_path = log_path
        self.env = dict(env) if env is not None else None
        self.cwd = cwd
        self._popen: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """The process id while it runs."""
        return self._popen.pid if self._popen else None

    def start(self) -> ManagedProcess:
        """Starts the process; a second call while it runs does nothing."""
        if self.running():
            return self
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self._popen = subprocess.Popen(
                self.argv, stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=self.cwd, start_new_session=True
            )
        _running.append(self)
        return self

    def running(self) -> bool:
        """True while the process is alive."""
        return self._popen is not None and self._popen.poll() is None

    def signal(self, sig: int) -> None:
        """Sends a signal to the whole process group."""
        if self.running() and self._popen is not None:
            os.killpg(self._popen.pid, sig)

    def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM, then SIGKILL after the timeout; returns the exit code. Idempotent."""
        if self._popen is None:
            return None
        if self._popen.poll() is None:
            self.signal(signal.SIGTERM)
            try:
                self._popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.signal(signal.SIGKILL)
                self._popen.wait(5)
        if self in _running:
            _running.remove(self)
        return self._popen.returncode

    def kill(self) -> None:
        """Kills at once, as a crash would."""
        self.signal(signal.SIGKILL)
        if self._popen is not None:
            self._popen.wait(5)
        if self in _running:
            _running.remove(self)

    def tail(self, lines: int = 30) -> str:
        """The end of the log, for error messages."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def wait_until(check: Callable[[], bool], timeout: float, what: str, process: ManagedProcess | None = None) -> None:
    """Polls until check() holds; fails naming what did not become ready and its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and not process.running():
            raise RuntimeError(f"{what} exited early; log {process.log_path}:\n{process.tail()}")
        try:
            if check():
                return
        except Exception:  # noqa: S110 - not ready yet
            pass
        time.sleep(0.2)
    tail = f"; log {process.log_path}:\n{process.tail()}" if process else ""
    raise TimeoutError(f"{what} not ready after {timeout:.0f}s{tail}")


def stop_all() -> None:
    """Stops every process this interpreter started, newest first."""
    for process in reversed(list(_running)):
        process.stop()


atexit.register(stop_all)
