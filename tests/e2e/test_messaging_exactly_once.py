"""Exactly once: messaging killed after the provider took a message, before it recorded so."""

from __future__ import annotations

import random
import time

import httpx

from cordial_stack.e2e_support import debt_body, eventually
from cordial_stack.platform import Platform, start_service


def _entries(api: httpx.Client, debt_id: str) -> list[dict[str, str]]:
    reply = api.get(f"/v1/debts/{debt_id}/timeline")
    assert reply.status_code == 200, reply.text
    entries: list[dict[str, str]] = reply.json()["entries"]
    return entries


def _inbox(platform: Platform, digits: str) -> list[dict[str, str]]:
    messages: list[dict[str, str]] = httpx.get(
        f"{platform.sandbox_url}/sandbox/inbox", params={"to": digits}, timeout=5
    ).json()["messages"]
    return messages


def test_sigkill_between_provider_accept_and_record_sends_exactly_once(platform: Platform, api: httpx.Client) -> None:
    digits = f"55119{random.randint(10_000_000, 99_999_999)}"
    sandbox = platform.sandbox_url
    # Not on WhatsApp: the first channel fails for good and the plan falls back to SMS.
    assert httpx.post(f"{sandbox}/sandbox/whatsapp/non-users", json={"numbers": [digits]}).status_code == 200
    # The SMS provider records the message, then holds its answer long enough to kill the sender.
    stalled = httpx.post(f"{sandbox}/sandbox/stalls", json={"channel": "sms", "seconds": 120, "count": 1})
    assert stalled.status_code == 200
    try:
        body = debt_body("kill-mid-send", contact_points={"phones": [f"+{digits}"]})
        placed = api.post("/v1/debts", json=body)
        assert placed.status_code == 201, placed.text
        debt_id = placed.json()["id"]

        eventually(lambda: _inbox(platform, digits), "the SMS reached the provider", timeout=60)
        messaging = platform.services["messaging"]
        messaging.process.kill()
        assert "message.sent" not in [e["type"] for e in _entries(api, debt_id)]
    finally:
        httpx.post(f"{sandbox}/sandbox/stalls", json={"channel": "sms", "seconds": 1, "count": 0})

    start_service(platform, "messaging")
    sent = eventually(
        lambda: [e for e in _entries(api, debt_id) if e["type"] == "message.sent"],
        "message.sent recorded after the restart",
        timeout=90,
    )
    time.sleep(3)  # room for a wrong resend to show up
    inbox = _inbox(platform, digits)
    assert [m["channel"] for m in inbox] == ["sms"], inbox
    [entry] = [e for e in _entries(api, debt_id) if e["type"] == "message.sent"]
    assert entry == sent[0]
    # The recorded message is the one the provider took before the kill.
    assert inbox[0]["id"] in entry["summary"]
