"""Where the stack keeps its caches (outside the repo) and its run directories."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

KAFKA_VERSION = "3.9.1"
FERRETDB_VERSION = "v1.24.2"
# The local build carries three patches (deploy/local/install.sh): its SQLite backend finds `_id` by its index,
# and does so for any filter naming `_id`, not only `_id` alone; its leak tracking runs in debug builds only.
# buildInfo reports this name (ending as `cordial_core.pushdown.ID_FILTER_BUILD` says).
FERRETDB_BUILD = f"{FERRETDB_VERSION}-untracked-idfilter"


def repo_root() -> Path:
    """The checkout this package lives in."""
    return Path(__file__).resolve().parents[5]


def cache_dir() -> Path:
    """Jars, binaries and tools fetched once per machine, e.g. ~/.cache/cordial."""
    return Path(os.environ.get("CORDIAL_CACHE", Path.home() / ".cache" / "cordial"))


def kafka_libs() -> Path:
    """The folder of Kafka's jars, resolved by Maven from deploy/local/kafka/pom.xml."""
    return cache_dir() / f"kafka-{KAFKA_VERSION}" / "libs"


def ferretdb_binary() -> Path:
    """The FerretDB binary deploy/local/install.sh builds (patched: see FERRETDB_BUILD)."""
    return cache_dir() / "bin" / f"ferretdb-{FERRETDB_BUILD}"


def new_run_dir(label: str) -> Path:
    """A fresh folder for one run's data and logs, under .run/ in the checkout."""
    base = Path(os.environ.get("CORDIAL_RUN_DIR", repo_root() / ".run"))
    path = base / f"{label}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
