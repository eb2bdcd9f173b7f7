"""Prometheus metrics shared by every service, and the /metrics endpoint."""

from __future__ import annotations

from prometheus_client import Counter, Histogram, start_http_server

GRPC_REQUESTS = Histogram(
    "cordial_grpc_server_handling_seconds",
    "Time to handle a gRPC call, by method and status code.",
    ["method", "code"],
)
EVENTS_PUBLISHED = Counter("cordial_events_published_total", "Events published to Kafka, by type.", ["type"])
EVENTS_CONSUMED = Counter(
    "cordial_events_consumed_total",
    "Events handled by a consumer, by type and outcome (ok, ignored, duplicate, dead_letter).",
    ["type", "outcome"],
)
EVENT_HANDLER_RETRIES = Counter("cordial_event_handler_retries_total", "Handler attempts that failed and were retried.")
BACKGROUND_PASSES = Counter(
    "cordial_background_passes_total",
    "Passes of a background loop (outbox relay, schedulers), by loop and outcome (idle: it found nothing to do).",
    ["loop", "outcome"],
)


def count_pass(loop: str, done: int) -> None:
    """Counts one pass of a background loop; a pass that did nothing is idle (a quiet system shows only those)."""
    BACKGROUND_PASSES.labels(loop=loop, outcome="idle" if done == 0 else "busy").inc()


def serve_metrics(port: int, host: str = "0.0.0.0") -> int:
    """Starts the /metrics HTTP endpoint in a thread and returns its port."""
    server, _thread = start_http_server(port, addr=host)
    return int(server.server_address[1])
