"""The provider sandbox and the six services, each started as its own process."""

from __future__ import annotations

import os
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import httpx
from cryptography.fernet import Fernet
from grpc_health.v1 import health_pb2, health_pb2_grpc

from cordial_stack.infra import Infra
from cordial_stack.paths import free_port
from cordial_stack.process import ManagedProcess, wait_until

SERVICES = ("agreements", "contact-locator", "strategy", "messaging", "registry-bridge", "gateway")


@dataclass
class ServiceProcess:
    """A running service: its process and where it listens."""

    name: str
    process: ManagedProcess
    grpc_port: int
    metrics_port: int
    http_port: int | None = None

    @property
    def grpc_address(self) -> str:
        """host:port of its gRPC server."""
        return f"127.0.0.1:{self.grpc_port}"


@dataclass
class Platform:
    """Everything `make run` and the end-to-end tests talk to."""

    infra: Infra
    run_dir: Path
    secrets: dict[str, str]
    sandbox_url: str
    sandbox: ManagedProcess
    clock_offset_seconds: float = 0.0
    sandbox_smtp_port: int = 0
    # A simulation's shared clock (cordial_core.clock.FileClock); empty everywhere else.
    clock_file: str = ""
    services: dict[str, ServiceProcess] = field(default_factory=dict)
    # Settings a run adds to every service (e.g. a simulation's scheduler pace).
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def gateway_url(self) -> str:
        """Base URL of the public REST edge."""
        return f"http://127.0.0.1:{self.services['gateway'].http_port}"

    def stop(self) -> None:
        """Stops the services (gateway first), then the sandbox."""
        for name in reversed(SERVICES):
            if name in self.services:
                self.services[name].process.stop()
        self.sandbox.stop()

    def log_paths(self) -> dict[str, Path]:
        """Each process's log file."""
        paths = {name: svc.process.log_path for name, svc in self.services.items()}
        paths["sandbox"] = self.sandbox.log_path
        for process in self.infra.processes:
            paths[process.name] = process.log_path
        return paths


def new_secrets() -> dict[str, str]:
    """Fresh keys and tokens for one local run; never reused, never committed."""
    return {
        "CORDIAL_DATA_KEY": Fernet.generate_key().decode(),
        "CORDIAL_LOOKUP_KEY": secrets.token_urlsafe(32),
        "CORDIAL_ADMIN_TOKEN": secrets.token_urlsafe(24),
        "PROVIDER_TOKEN": secrets.token_urlsafe(24),
        "WHATSAPP_APP_SECRET": secrets.token_urlsafe(24),
        "WHATSAPP_VERIFY_TOKEN": secrets.token_urlsafe(24),
    }


def grpc_serving(address: str) -> bool:
    """True when the server's overall health is SERVING."""
    with grpc.insecure_channel(address) as channel:
        reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""), timeout=1)
    return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)


def http_ok(url: str) -> bool:
    """True when the URL answers 200."""
    return httpx.get(url, timeout=1).status_code == 200


def sandbox_smtp_port(sandbox_url: str) -> int:
    """Where the sandbox's SMTP sink listens."""
    return int(httpx.get(f"{sandbox_url}/sandbox/smtp", timeout=5).json()["port"])


def start_sandbox(
    run_dir: Path,
    token: str,
    app_secret: str = "",
    clock_file: str = "",
    rates: dict[str, float] | None = None,
    state_file: str = "",
) -> tuple[str, ManagedProcess]:
    """Starts the provider sandbox on a free port; WhatsApp webhooks are signed with app_secret; ``rates`` are
    providers' rate limits the sandbox enforces (requests in any one second, per channel); ``state_file`` keeps its
    records across a restart (loaded when it exists, written on `POST /sandbox/snapshot` and at stop)."""
    port = free_port()
    command = [sys.executable, "-m", "cordial_sandbox", "--host", "127.0.0.1", "--port", str(port), f"--token={token}"]
    # Its SMTP sink listens on a port of its own; GET /sandbox/smtp tells where.
    command.append(f"--smtp-port={free_port()}")
    if app_secret:
        command.append(f"--app-secret={app_secret}")
    if clock_file:
        command.append(f"--clock-file={clock_file}")
    if state_file:
        command.append(f"--state-file={state_file}")
    command.extend(f"--rate={channel}={per_second}" for channel, per_second in (rates or {}).items())
    process = ManagedProcess(
        "sandbox",
        command,
        run_dir / "logs" / "sandbox.log",
    ).start()
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: http_ok(f"{url}/healthz"), 30, "provider sandbox", process)
    return url, process


def service_env(
    platform: Platform, name: str, grpc_port: int, metrics_port: int, http_port: int | None
) -> dict[str, str]:
    """The environment one service starts with."""
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": platform.infra.kafka_bootstrap_servers,
        "MONGODB_URI": platform.infra.mongodb_uri,
        "GRPC_HOST": "127.0.0.1",
        "GRPC_PORT": str(grpc_port),
        "METRICS_PORT": str(metrics_port),
        "CORDIAL_DATA_KEY": platform.secrets["CORDIAL_DATA_KEY"],
        "CORDIAL_LOOKUP_KEY": platform.secrets["CORDIAL_LOOKUP_KEY"],
        "SHUTDOWN_GRACE_SECONDS": "5",
        "CLOCK_OFFSET_SECONDS": str(platform.clock_offset_seconds),
    }
    if platform.clock_file:
        env["CLOCK_FILE"] = platform.clock_file
    env.update(platform.extra_env)
    if os.environ.get("CORDIAL_DB_SUFFIX"):
        env["MONGODB_DATABASE"] = f"cordial_{name.replace('-', '_')}_{os.environ['CORDIAL_DB_SUFFIX']}"
    if name == "gateway":
        env.update(
            HTTP_PORT=str(http_port),
            AGREEMENTS_ADDR=platform.services["agreements"].grpc_address,
            STRATEGY_ADDR=platform.services["strategy"].grpc_address,
            CORDIAL_ADMIN_TOKEN=platform.secrets["CORDIAL_ADMIN_TOKEN"],
            MESSAGING_ADDR=platform.services["messaging"].grpc_address,
            CONTACT_LOCATOR_ADDR=platform.services["contact-locator"].grpc_address,
            WHATSAPP_APP_SECRET=platform.secrets["WHATSAPP_APP_SECRET"],
            WHATSAPP_VERIFY_TOKEN=platform.secrets["WHATSAPP_VERIFY_TOKEN"],
            # The sandbox's SMS gateway signs callbacks with its auth token, as Twilio does.
            TWILIO_AUTH_TOKEN=platform.secrets["PROVIDER_TOKEN"],
            # The sandbox's PIX provider signs its webhooks with the provider token too.
            PIX_WEBHOOK_SECRET=platform.secrets["PROVIDER_TOKEN"],
            # Tests watch retries happen: send due client webhooks often, retry after a second.
            CLIENT_WEBHOOK_DISPATCH_SECONDS="0.5",
            CLIENT_WEBHOOK_RETRY_BASE_SECONDS="1",
        )
    if name == "agreements":
        env.update(
            PIX_PROVIDER_URL=f"{platform.sandbox_url}/pix/v2",
            PIX_PROVIDER_TOKEN=platform.secrets["PROVIDER_TOKEN"],
            PIX_KEY="cobranca@cordial.example",
            BOLETO_PROVIDER_URL=f"{platform.sandbox_url}/cobrancas/v2",
            BOLETO_PROVIDER_TOKEN=platform.secrets["PROVIDER_TOKEN"],
        )
    if name == "contact-locator":
        env.update(
            # The sandbox's Lookup v2 takes the provider token as the Basic password, as Twilio takes the auth token.
            LOOKUP_URL=platform.sandbox_url,
            LOOKUP_ACCOUNT_SID="ACcordial",
            LOOKUP_AUTH_TOKEN=platform.secrets["PROVIDER_TOKEN"],
            # Every e2e tenant has the sandbox's WhatsApp contacts check: it calls "invalid" exactly the numbers
            # the sandbox's Cloud API answers 131026 for, so the e2e WhatsApp sends are unchanged.
            WHATSAPP_CHECK_URL=platform.sandbox_url,
            WHATSAPP_CHECK_TOKEN=platform.secrets["PROVIDER_TOKEN"],
            WHATSAPP_CHECK_TENANTS="*",
        )
    if name == "messaging":
        env.update(
            CONTACT_LOCATOR_ADDR=platform.services["contact-locator"].grpc_address,
            STRATEGY_ADDR=platform.services["strategy"].grpc_address,
            SMS_PROVIDER_URL=platform.sandbox_url,
            WHATSAPP_PROVIDER_URL=platform.sandbox_url,
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(platform.sandbox_smtp_port),
            VOICE_PROVIDER_URL=platform.sandbox_url,
            PRINT_PROVIDER_URL=platform.sandbox_url,
            PROVIDER_TOKEN=platform.secrets["PROVIDER_TOKEN"],
            PORTAL_BASE_URL="http://127.0.0.1/portal",
        )
    if name == "strategy":
        # Offer sets in a strategy are checked against the client's negotiation policy when saved.
        env.update(AGREEMENTS_ADDR=platform.services["agreements"].grpc_address)
    if name == "registry-bridge":
        token = platform.secrets["PROVIDER_TOKEN"]
        env.update(BUREAU_URL=platform.sandbox_url, BUREAU_TOKEN=token)
        env.update(
            PROTEST_URL=platform.sandbox_url, PROTEST_TOKEN=token, COURT_URL=platform.sandbox_url, COURT_TOKEN=token
        )
    if name in ("strategy", "contact-locator"):
        env.update(ENRICHMENT_URL=platform.sandbox_url, ENRICHMENT_TOKEN=platform.secrets["PROVIDER_TOKEN"])
    return env


def start_service(platform: Platform, name: str) -> ServiceProcess:
    """Starts one service and waits until its gRPC health says SERVING; a restart keeps its ports.

    Keeping them means the services that call it (e.g. the gateway calling messaging) find it again.
    """
    previous = platform.services.get(name)
    if previous is not None:
        grpc_port, metrics_port, http_port = previous.grpc_port, previous.metrics_port, previous.http_port
    else:
        grpc_port, metrics_port = free_port(), free_port()
        http_port = free_port() if name == "gateway" else None
    module = f"cordial_{name.replace('-', '_')}.app"
    process = ManagedProcess(
        name,
        [sys.executable, "-m", module],
        platform.run_dir / "logs" / f"{name}.log",
        env=service_env(platform, name, grpc_port, metrics_port, http_port),
    ).start()
    service = ServiceProcess(name, process, grpc_port, metrics_port, http_port)
    wait_until(lambda: grpc_serving(service.grpc_address), 60, name, process)
    if http_port is not None:
        wait_until(lambda: http_ok(f"http://127.0.0.1:{http_port}/healthz"), 30, f"{name} HTTP", process)
    platform.services[name] = service
    return service


def start_platform(
    infra: Infra,
    run_dir: Path,
    clock_offset_seconds: float = 0.0,
    clock_file: str = "",
    extra_env: dict[str, str] | None = None,
    keys: dict[str, str] | None = None,
    sandbox_state_file: str = "",
) -> Platform:
    """Starts the sandbox and the six services; all share one clock offset (0 in real runs) or a clock file.

    ``keys`` are the secrets of an earlier start on the same data (a resumed simulation), fresh ones otherwise.
    """
    keys = dict(keys) if keys is not None else new_secrets()
    sandbox_url, sandbox = start_sandbox(
        run_dir, keys["PROVIDER_TOKEN"], keys["WHATSAPP_APP_SECRET"], clock_file, state_file=sandbox_state_file
    )
    platform = Platform(
        infra,
        run_dir,
        keys,
        sandbox_url,
        sandbox,
        clock_offset_seconds,
        sandbox_smtp_port(sandbox_url),
        clock_file,
        extra_env=dict(extra_env or {}),
    )
    try:
        for name in SERVICES:
            start_service(platform, name)
    except BaseException:
        platform.stop()
        raise
    return platform
