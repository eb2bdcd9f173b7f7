"""Outbox fields keep event order; the tenant scope cannot be escaped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cordial.events.v1 import debts_pb2
from cordial_core.clock import ControllableClock
from cordial_core.events import decode_envelope, new_event
from cordial_core.outbox import outbox_fields
from cordial_core.store import TenantCollection

NOW = datetime(2024, 3, 4, 12, 0, tzinfo=UTC)


def events(clock: ControllableClock, n: int) -> list:
    return [
        new_event(
            "payment.received",
            debts_pb2.PaymentReceived(debt_id="d1", payment_id=f"p{i}"),
            source="agreements",
            tenant="t1",
            subject="d1",
            key="debtor-1",
            clock=clock,
        )
        for i in range(n)
    ]


def test_outbox_fields_order_keys_in_event_order_and_flag_pending() -> None:
    clock = ControllableClock(NOW)
    batch = events(clock, 12)
    fields = outbox_fields(batch, clock)
    outbox = fields["_outbox"]
    assert fields["_outbox_pending"] == max(outbox), "the flag names the newest key, so each write changes it"
    assert len(outbox) == 12
    in_key_order = [outbox[k]["id"] for k in sorted(outbox)]
    assert in_key_order == [e.id for e in batch]
    for key, value in outbox.items():
        assert key.endswith(value["id"])


def test_outbox_entries_carry_what_the_relay_publishes() -> None:
    clock = ControllableClock(NOW)
    [event] = events(clock, 1)
    [entry] = outbox_fields([event], clock)["_outbox"].values()
    assert entry["id"] == event.id
    assert entry["type"] == "payment.received"
    assert entry["topic"] == "debts"
    assert entry["key"] == "debtor-1"
    assert bytes(entry["value"]) == event.encode()
    assert decode_envelope(bytes(entry["value"])).id == event.id


def test_later_batches_sort_after_earlier_ones() -> None:
    clock = ControllableClock(NOW)
    first = outbox_fields(events(clock, 3), clock)["_outbox"]
    clock.advance(timedelta(milliseconds=1))
    second = outbox_fields(events(clock, 3), clock)["_outbox"]
    assert max(first) < min(second)


def test_empty_batch_still_flags() -> None:
    fields = outbox_fields([], ControllableClock(NOW))
    assert fields == {"_outbox": {}, "_outbox_pending": True}


def test_scope_adds_the_tenant() -> None:
    assert TenantCollection._scope("t1", {"_id": "x"}) == {"_id": "x", "tenant": "t1"}


def test_scope_accepts_the_same_tenant_in_the_query() -> None:
    assert TenantCollection._scope("t1", {"tenant": "t1", "a": 1}) == {"tenant": "t1", "a": 1}


def test_scope_does_not_mutate_the_query() -> None:
    query = {"_id": "x"}
    TenantCollection._scope("t1", query)
    assert query == {"_id": "x"}


@pytest.mark.parametrize("tenant", ["", None])
def test_scope_requires_a_tenant(tenant: str | None) -> None:
    with pytest.raises(ValueError, match="tenant is required"):
        TenantCollection._scope(tenant, {"_id": "x"})  # type: ignore[arg-type]


def test_scope_refuses_another_tenant() -> None:
    with pytest.raises(ValueError, match="another tenant"):
        TenantCollection._scope("t1", {"tenant": "t2"})
    with pytest.raises(ValueError, match="another tenant"):
        TenantCollection._scope("t1", {"tenant": {"$ne": "t1"}})
