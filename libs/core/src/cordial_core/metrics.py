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
    "Events handled by a consumer, by type and outcome (ok, duplicate, dead_letter).",
    ["type", "outcome"],
)
EVENT_HANDLER_RETRIES = Counter("cordial_event_handler_retries_total", "Handler attempts that failed and were retried.")


def serve_metrics(port: int, host: str = "0.0.0.0") -> int:
    """Starts the /metrics HTTP endpoint in a thread and returns its port."""
    server, _thread = start_http_server(port, addr=host)
    return int(server.server_address[1])
