"""Client webhooks: a settled debt is notified to the client's endpoint, signed, retried after a failure
until acknowledged, and every attempt is in the delivery log the client reads."""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from cordial_stack.e2e_support import debt_body, eventually
from cordial_stack.platform import Platform


class Receiver(BaseHTTPRequestHandler):
    """The client's endpoint: fails the first call with 500, acknowledges the rest."""

    calls: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        Receiver.calls.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(500 if len(Receiver.calls) == 1 else 204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def receiver() -> Iterator[str]:
    Receiver.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/cordial"
    server.shutdown()


def test_settlement_notified_signed_and_retried_until_acknowledged(
    platform: Platform, api: httpx.Client, receiver: str
) -> None:
    bad = api.post("/v1/webhooks", json={"url": "ftp://x", "events": ["debt.exploded"]})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"url", "events"}
    created = api.post("/v1/webhooks", json={"url": receiver, "events": ["debt.settled"]})
    assert created.status_code == 201, created.text
    endpoint = created.json()
    secret = endpoint["secret"]
    assert secret.startswith("whsec_")
    listed = api.get("/v1/webhooks").json()["endpoints"]
    assert [(e["id"], e["secret"]) for e in listed] == [(endpoint["id"], None)]

    debt = api.post("/v1/debts", json=debt_body("hook-001", due_date="2026-01-10")).json()
    balance = api.get(f"/v1/debts/{debt['id']}/balance").json()["total"]
    payment = {"amount": balance, "payment_reference": "hook-001-full"}
    assert api.post(f"/v1/debts/{debt['id']}/payments", json=payment).status_code == 201

    def log() -> list[dict[str, object]]:
        deliveries: list[dict[str, object]] = api.get("/v1/webhooks/deliveries").json()["deliveries"]
        return deliveries

    eventually(lambda: log() and log()[0]["status"] == "delivered", "the settlement delivered", timeout=60)
    delivery = log()[0]
    assert delivery["event_type"] == "debt.settled"
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 204]  # type: ignore[union-attr]
    assert len(Receiver.calls) == 2
    (first_headers, first_body), (headers, body) = Receiver.calls
    assert first_body == body
    assert headers["x-cordial-delivery"] == first_headers["x-cordial-delivery"] == delivery["id"]
    timestamp, _, mac = headers["x-cordial-signature"].partition(",v1=")
    signed = timestamp.removeprefix("t=").encode() + b"." + body
    assert hmac.compare_digest(mac, hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest())
    assert debt["id"] in body.decode()

    assert api.delete(f"/v1/webhooks/{endpoint['id']}").status_code == 204
    assert api.get("/v1/webhooks").json()["endpoints"] == []
    assert api.delete(f"/v1/webhooks/{endpoint['id']}").status_code == 404
