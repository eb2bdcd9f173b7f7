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
