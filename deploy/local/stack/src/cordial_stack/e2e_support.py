"""Helpers of the end-to-end tests: polling, API clients, valid debt bodies."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import httpx
from validate_docbr import CPF

from cordial_stack.platform import Platform

# What every collection message must disclose of the creditor (CDC art. 42-A); a made-up CNPJ.
CREDITOR = {"address": "Rua das Flores 10, São Paulo SP, 01000-000", "document": "11.222.333/0001-81"}


def eventually(probe: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
    """Polls until probe() returns something truthy; fails naming what never happened."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout:.0f}s; last seen: {last!r}")


def new_client(platform: Platform, name: str) -> httpx.Client:
    """An HTTP client authenticated as a newly created creditor client."""
    admin = {"Authorization": f"Bearer {platform.secrets['CORDIAL_ADMIN_TOKEN']}"}
    reply = httpx.post(
        f"{platform.gateway_url}/agency/v1/clients",
        json={"name": name, "creditor": CREDITOR},
        headers=admin,
        timeout=10,
    )
    assert reply.status_code == 201, reply.text
    key = reply.json()["api_key"]
    return httpx.Client(base_url=platform.gateway_url, headers={"Authorization": f"Bearer {key}"}, timeout=10)


def debt_body(reference: str, **overrides: Any) -> dict[str, Any]:
    """A valid debt of a debtor of its own (caps count per debtor); overrides replace top-level fields."""
    body: dict[str, Any] = {
        "client_reference": reference,
        "debtor": {"kind": "person", "document": CPF().generate(mask=True), "name": "Maria Souza"},
        "principal": {"amount_minor": 15000, "currency": "BRL"},
        "due_date": "2026-01-10",
        # A phone of its own too: messages to one recipient are spaced, so a shared number queues.
        "contact_points": {
            "phones": [f"+55119{random.randint(60_000_000, 99_999_999)}"],  # noqa: S311 - test data
            "emails": ["maria@example.com"],
        },
    }
    body.update(overrides)
    return body
