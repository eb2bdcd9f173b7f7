"""Client webhooks: backoff doubles to a cap, attempts are logged, 2xx delivers, the end fails; one per event."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from cordial_core.clock import ControllableClock
from cordial_gateway.domain.client_webhooks import (
    Delivery,
    RetryPolicy,
    check_events,
    check_url,
    signature,
    verify,
)
from cordial_gateway.domain.notifier import Endpoint, Notifier

T0 = datetime(2026, 3, 3, 13, 0, tzinfo=UTC)


def test_backoff_doubles_up_to_the_cap() -> None:
    policy = RetryPolicy(base_seconds=30, cap_seconds=300)
    assert [policy.delay(n).total_seconds() for n in range(1, 6)] == [30, 60, 120, 240, 300]


def test_attempts_logged_until_delivered_or_failed() -> None:
    policy = RetryPolicy(base_seconds=10, max_attempts=3)
    delivery = Delivery("d", "t", "e", "ev", "debt.settled", "{}", T0)
    delivery.record(T0, 500, "boom", policy)
    assert (delivery.status, delivery.next_attempt_at) == ("pending", T0 + timedelta(seconds=10))
    delivery.record(T0, 204, "", policy)
    assert (delivery.status, delivery.next_attempt_at) == ("delivered", None)
    failing = Delivery("d", "t", "e", "ev", "debt.settled", "{}", T0)
    for _ in range(3):
        failing.record(T0, 0, "ConnectError", policy)
    assert failing.status == "failed"
    assert len(failing.attempts) == 3


def test_signature_covers_time_and_body() -> None:
    header = signature("s", 1_700_000_000, b"{}")
    assert header == "t=1700000000,v1=" + hmac.new(b"s", b"1700000000.{}", hashlib.sha256).hexdigest()


def test_checks_name_what_is_wrong() -> None:
    assert check_url("https://client.example/hooks") == "https://client.example/hooks"
    with pytest.raises(ValueError, match="absolute"):
        check_url("/relative")
    assert check_events(["debt.settled", "debt.settled"]) == ["debt.settled"]
    with pytest.raises(ValueError, match=r"debt\.exploded"):
        check_events(["debt.exploded"])


class FakeEndpoints:
    def __init__(self) -> None:
        self.items: list[Endpoint] = []

    async def add(self, endpoint: Endpoint) -> None:
        self.items.append(endpoint)

    async def of_tenant(self, tenant: str) -> list[Endpoint]:
        return [e for e in self.items if e.tenant == tenant]

    async def rotate(self, endpoint: Endpoint) -> bool:
        self.items = [endpoint if e.id == endpoint.id else e for e in self.items]
        return True

    async def remove(self, tenant: str, endpoint_id: str) -> bool:
        before = len(self.items)
        self.items = [e for e in self.items if not (e.tenant == tenant and e.id == endpoint_id)]
        return len(self.items) < before


class FakeDeliveries:
    def __init__(self) -> None:
        self.items: dict[str, Delivery] = {}

    async def add(self, delivery: Delivery) -> None:
        self.items.setdefault(delivery.id, delivery)

    async def due(self, now: datetime, limit: int) -> list[Delivery]:
        due = [
            d for d in self.items.values() if d.status == "pending" and d.next_attempt_at and d.next_attempt_at <= now
        ]
        return due[:limit]

    async def save(self, delivery: Delivery) -> bool:
        self.items[delivery.id] = delivery
        return True

    async def of_tenant(self, tenant: str, limit: int) -> list[Delivery]:
        return [d for d in self.items.values() if d.tenant == tenant][:limit]


class FakeSender:
    def __init__(self, answers: list[int]) -> None:
        self.answers = answers
        self.sent: list[dict[str, str]] = []

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        self.sent.append(headers)
        return self.answers.pop(0), ""


async def test_one_delivery_per_event_retried_after_the_backoff() -> None:
    clock = ControllableClock(T0)
    sender = FakeSender([503, 200])
    notifier = Notifier(FakeEndpoints(), FakeDeliveries(), sender, clock, RetryPolicy(base_seconds=60))
    await notifier.register("t1", "https://a.example", ["debt.settled"])
    await notifier.register("t2", "https://b.example", ["debt.settled"])
    assert await notifier.enqueue("t1", "ev1", "debt.settled", {"debt_id": "d1"}) == 1
    assert await notifier.enqueue("t1", "ev1", "debt.settled", {"debt_id": "d1"}) == 1
    assert await notifier.enqueue("t1", "ev2", "message.sent", {}) == 0
    assert await notifier.deliver_due() == 1
    assert await notifier.deliver_due() == 0  # not due before the backoff
    clock.advance(timedelta(seconds=60))
    assert await notifier.deliver_due() == 1
    [delivery] = await notifier.log("t1")
    assert delivery.status == "delivered"
    assert [a["status_code"] for a in delivery.attempts] == [503, 200]
    assert await notifier.log("t2") == []


def test_a_header_with_two_secrets_verifies_with_either() -> None:
    header = signature(["new", "old"], 1_700_000_000, b"{}")
    mac = {k: hmac.new(k.encode(), b"1700000000.{}", hashlib.sha256).hexdigest() for k in ("new", "old")}
    assert header == f"t=1700000000,v1={mac['new']},v1={mac['old']}"
    assert verify("new", header, b"{}")
    assert verify("old", header, b"{}")
    assert not verify("other", header, b"{}")
    assert not verify("new", header, b"{ }")  # the body is signed


async def test_rotation_signs_with_both_secrets_during_the_overlap_then_only_the_new() -> None:
    clock = ControllableClock(T0)
    endpoints = FakeEndpoints()
    sender = FakeSender([200, 200, 200])
    notifier = Notifier(endpoints, FakeDeliveries(), sender, clock, RetryPolicy())
    endpoint = await notifier.register("t1", "https://a.example", ["debt.settled"])
    assert await notifier.rotate("t1", "nope", timedelta(hours=1)) is None
    assert await notifier.rotate("t2", endpoint.id, timedelta(hours=1)) is None  # another client's endpoint
    with pytest.raises(ValueError, match="overlap"):
        await notifier.rotate("t1", endpoint.id, timedelta(days=8))
    rotated = await notifier.rotate("t1", endpoint.id, timedelta(hours=1))
    assert rotated is not None
    assert rotated.secret != endpoint.secret
    assert rotated.previous_secret == endpoint.secret
    assert rotated.previous_until == T0 + timedelta(hours=1)

    await notifier.enqueue("t1", "ev1", "debt.settled", {})
    await notifier.deliver_due()
    during = sender.sent[-1]["x-cordial-signature"]
    assert during.count("v1=") == 2
    assert verify(rotated.secret, during, _body(notifier, "t1", "ev1"))
    assert verify(endpoint.secret, during, _body(notifier, "t1", "ev1"))

    clock.advance(timedelta(hours=1))
    await notifier.enqueue("t1", "ev2", "debt.settled", {})
    await notifier.deliver_due()
    after = sender.sent[-1]["x-cordial-signature"]
    assert after.count("v1=") == 1
    assert verify(rotated.secret, after, _body(notifier, "t1", "ev2"))
    assert not verify(endpoint.secret, after, _body(notifier, "t1", "ev2"))


def test_the_previous_secret_signs_only_until_its_overlap_ends() -> None:
    endpoint = Endpoint("e", "t", "https://a.example", [], "new", T0)
    assert endpoint.signing_secrets(T0) == ["new"]
    rolled = replace(endpoint, previous_secret="old", previous_until=T0 + timedelta(minutes=5))
    assert rolled.signing_secrets(T0) == ["new", "old"]
    assert rolled.signing_secrets(T0 + timedelta(minutes=5)) == ["new"]


def _body(notifier: Notifier, tenant: str, event_id: str) -> bytes:
    deliveries = notifier._deliveries.items.values()  # type: ignore[attr-defined]
    return next(d.body for d in deliveries if d.event_id == event_id).encode()
