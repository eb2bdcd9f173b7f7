"""Run the sandbox: ``python -m cordial_sandbox --host H --port N --token T [--smtp-port M] [--clock-file F]
[--rate CHANNEL=PER_SECOND ...] [--state-file F]``.

``--state-file`` keeps the sandbox's records across a restart (a simulation run in segments): loaded at start when
the file exists, written by ``POST /sandbox/snapshot`` and again when the sandbox stops (`cordial_sandbox.snapshot`).

The WhatsApp Cloud API's limits: ``--whatsapp-rate`` messages per second per business number (80, or
SANDBOX_WHATSAPP_RATE) and ``--whatsapp-pair-seconds`` between two messages to one user (6, or
SANDBOX_WHATSAPP_PAIR_SECONDS; 0 for none). ``--rate`` sets other providers' limits (e.g. lookup=100).
"""

import argparse
import os
from pathlib import Path

import uvicorn

from cordial_core.clock import FileClock
from cordial_sandbox import snapshot
from cordial_sandbox.app import create_app
from cordial_sandbox.smtp import SmtpSink
from cordial_sandbox.state import utc_now
from cordial_sandbox.whatsapp_limits import Limits


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="cordial_sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind")
    parser.add_argument("--port", type=int, default=8099, help="port to bind")
    parser.add_argument("--token", required=True, help="secret every provider accepts")
    parser.add_argument("--app-secret", default="", help="signs WhatsApp webhooks (defaults to the token)")
    parser.add_argument("--smtp-port", type=int, default=0, help="port of the SMTP sink (0: no sink)")
    parser.add_argument("--clock-file", default="", help="stamp with a simulation's shared clock (CLOCK_FILE)")
    parser.add_argument("--state-file", default="", help="load the records from it at start, write them at stop")
    parser.add_argument("--log-level", default="warning", help="uvicorn log level")
    parser.add_argument(
        "--rate",
        action="append",
        default=[],
        type=_rate,
        metavar="CHANNEL=PER_SECOND",
        help="a provider's rate limit, enforced over any one second (e.g. lookup=100); repeatable",
    )
    parser.add_argument(
        "--whatsapp-rate",
        type=int,
        default=os.environ.get("SANDBOX_WHATSAPP_RATE", "80"),  # argparse converts a string default
        help="WhatsApp messages per second per business number; more are refused with 130429",
    )
    parser.add_argument(
        "--whatsapp-pair-seconds",
        type=float,
        default=os.environ.get("SANDBOX_WHATSAPP_PAIR_SECONDS", "6"),
        help="seconds between two WhatsApp messages to one user; sooner is refused with 131056 (0: no limit)",
    )
    args = parser.parse_args(argv)
    if args.whatsapp_rate < 1:
        parser.error("--whatsapp-rate (SANDBOX_WHATSAPP_RATE) must be at least 1")
    if args.whatsapp_pair_seconds < 0:
        parser.error("--whatsapp-pair-seconds (SANDBOX_WHATSAPP_PAIR_SECONDS) must not be negative")
    return args


def _rate(value: str) -> tuple[str, float]:
    """One ``channel=per_second`` argument."""
    channel, _, rate = value.partition("=")
    try:
        per_second = float(rate)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--rate wants CHANNEL=PER_SECOND, got {value!r}") from None
    if not channel or per_second < 0:
        raise argparse.ArgumentTypeError(f"--rate wants CHANNEL=PER_SECOND (>= 0), got {value!r}")
    return channel, per_second


def main(argv: list[str] | None = None) -> None:
    """Start uvicorn serving a fresh sandbox app."""
    args = parse_args(argv)
    clock = FileClock(args.clock_file).now if args.clock_file else utc_now
    limits = Limits(args.whatsapp_rate, args.whatsapp_pair_seconds)
    app = create_app(args.token, app_secret=args.app_secret, clock=clock, rates=dict(args.rate), whatsapp_limits=limits)
    if args.state_file:
        app.state.sandbox.snapshot_file = args.state_file
        if Path(args.state_file).exists():
            snapshot.load(app.state.sandbox, Path(args.state_file))
    sink = SmtpSink(app.state.sandbox, args.host, args.smtp_port) if args.smtp_port else None
    if sink is not None:
        sink.start()
    try:
        # Idle connections are kept longer than clients keep them (httpx: 5 s, uvicorn's own default too), so a
        # client never reuses one the sandbox is closing at that moment (a lost answer, an uncertain send).
        uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, timeout_keep_alive=75)
    finally:
        if sink is not None:
            sink.stop()
        if args.state_file:
            snapshot.write(app.state.sandbox, Path(args.state_file))


if __name__ == "__main__":
    main()
