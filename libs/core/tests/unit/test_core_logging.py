"""JSON log lines carry service, tenant and correlation id, and nothing else is lost."""

from __future__ import annotations

import io
import json
import logging

import pytest

from cordial_core.context import bound
from cordial_core.logging import configure_logging


def test_log_lines_are_json_with_context(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        configure_logging("agreements", "INFO")
        with bound("tenant-1", "corr-9"):
            logging.getLogger("cordial.test").info("debt placed", extra={"debt_id": "d1"})
        logging.getLogger("cordial.test").debug("hidden")
    finally:
        root.handlers[:], root.level = saved
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 1
    line = lines[0]
    assert line["message"] == "debt placed"
    assert line["service"] == "agreements"
    assert line["tenant"] == "tenant-1"
    assert line["correlation_id"] == "corr-9"
    assert line["debt_id"] == "d1"
    assert line["level"] == "INFO"


def test_http_client_request_lines_which_can_hold_a_phone_number_in_the_url_are_not_logged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        configure_logging("contact-locator", "INFO")
        logging.getLogger("httpx").info('HTTP Request: GET http://lookup/v2/PhoneNumbers/+5511987654321 "200 OK"')
        logging.getLogger("httpx").warning("a provider's connection pool is full")
    finally:
        root.handlers[:], root.level = saved
    logged = stream.getvalue()
    assert "+5511987654321" not in logged
    assert "connection pool is full" in logged, "the client's warnings still reach the log"
