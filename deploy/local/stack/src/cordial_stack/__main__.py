"""`python -m cordial_stack run`: the whole platform on this machine until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import threading
from datetime import date

from cordial_stack.demo import seed
from cordial_stack.infra import start_infra
from cordial_stack.paths import new_run_dir
from cordial_stack.platform import start_platform
from cordial_stack.process import stop_all


def run() -> None:
    """Starts Kafka, FerretDB, the sandbox and the services, seeds a demo, waits for Ctrl-C."""
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    run_dir = new_run_dir("run")
    try:
        infra = start_infra(run_dir)
        platform = start_platform(infra, run_dir)
        key = seed(platform.gateway_url, platform.secrets["CORDIAL_ADMIN_TOKEN"], date.today())
        print("\nCordial is running.")
        print(f"  API docs          {platform.gateway_url}/docs")
        print(f"  demo client key   {key}   (Authorization: Bearer <key>)")
        print(f"  admin token       {platform.secrets['CORDIAL_ADMIN_TOKEN']}")
        print(f"  sandbox inbox     {platform.sandbox_url}/sandbox/inbox")
        for name, service in platform.services.items():
            print(f"  {name:<17} grpc {service.grpc_address}  metrics http://127.0.0.1:{service.metrics_port}/metrics")
        print(f"  kafka {infra.kafka_bootstrap_servers}   mongodb {infra.mongodb_uri}")
        print("  logs:")
        for name, path in platform.log_paths().items():
            print(f"    {name:<16} {path}")
        print("Ctrl-C stops everything.", flush=True)
        stop.wait()
    finally:
        print("stopping...", flush=True)
        stop_all()


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="cordial_stack")
    parser.add_argument("command", choices=["run"])
    parser.parse_args()
    run()


if __name__ == "__main__":
    main()
