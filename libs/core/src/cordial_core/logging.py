"""JSON logs that carry service, tenant and correlation id on every line."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from cordial_core.context import correlation_var, tenant_var


class _ContextFilter(logging.Filter):
    """Stamps each record with the service and the request context."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self._service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self._service
        record.tenant = tenant_var.get()
        record.correlation_id = correlation_var.get()
        return True


def configure_logging(service: str, level: str = "INFO") -> None:
    """Sends JSON lines to stderr; replaces any handler configured before."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_ContextFilter(service))
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(service)s %(tenant)s %(correlation_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # httpx logs every request's URL at INFO, and a provider's URL can hold personal data (Lookup's phone number).
    for noisy in ("aiokafka", "kafka", "pymongo", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
