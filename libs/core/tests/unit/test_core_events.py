"""The event envelope: every field set, bad input refused, wire round trip."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cordial.events.v1 import actions_pb2, debts_pb2
from cordial.types.v1 import types_pb2
from cordial_core.clock import ControllableClock
from cordial_core.context import bound
from cordial_core.events import (
    CATALOGUE,
    DEAD_LETTER_SUFFIX,
    SCHEMA_VERSION,
    TOPIC_PARTITIONS,
    all_topics,
    decode_envelope,
    event_time,
    new_event,
    unpack_payload,
)

NOW = datetime(2024, 3, 4, 12, 30, 15, 123456, tzinfo=UTC)


def placed() -> debts_pb2.DebtPlaced:
    return debts_pb2.DebtPlaced(
        debt_id="d1",
        debtor_id="p1",
        client_reference="ref-1",
        principal=types_pb2.Money(amount_minor=15000, currency="BRL"),
        creditor_name="Loja",
    )


def make(**overrides: object):
    kwargs: dict[str, object] = {
        "source": "agreements",
        "tenant": "t1",
        "subject": "d1",
        "key": "p1",
        "clock": ControllableClock(NOW),
    }
    kwargs.update(overrides)
    return new_event("debt.placed", placed(), **kwargs)  # type: ignore[arg-type]


def test_new_event_fills_every_envelope_field() -> None:
    event = make(correlation_id="corr-1")
    env = event.envelope
    assert env.id
    assert event.id == env.id
    assert env.type == "debt.placed" == event.type
    assert env.source == "agreements"
    assert env.tenant == "t1"
    assert env.subject == "d1"
    assert event_time(env) == NOW
    assert env.correlation_id == "corr-1"
    assert env.schema_version == SCHEMA_VERSION == 1
    assert event.topic == "debts"
    assert event.key == "p1"
    assert unpack_payload(env) == placed()


def test_event_ids_are_unique() -> None:
    assert len({make().id for _ in range(50)}) == 50


def test_correlation_id_comes_from_context_or_is_new() -> None:
    with bound("t1", "ctx-corr"):
        assert make().envelope.correlation_id == "ctx-corr"
        assert make(correlation_id="explicit").envelope.correlation_id == "explicit"
    fresh = make().envelope.correlation_id
    assert fresh
    assert fresh != "ctx-corr"


def test_unknown_type_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown event type"):
        new_event(
            "debt.exploded", placed(), source="s", tenant="t1", subject="d", key="k", clock=ControllableClock(NOW)
        )


def test_wrong_payload_class_is_refused() -> None:
    with pytest.raises(TypeError, match="DebtPlaced"):
        new_event(
            "debt.placed",
            debts_pb2.DebtSettled(debt_id="d1"),
            source="s",
            tenant="t1",
            subject="d",
            key="k",
            clock=ControllableClock(NOW),
        )


def test_empty_tenant_is_refused() -> None:
    with pytest.raises(ValueError, match="tenant"):
        make(tenant="")


def test_wire_round_trip() -> None:
    event = make(correlation_id="c")
    decoded = decode_envelope(event.encode())
    assert decoded == event.envelope
    assert decoded.id == event.id
    assert event_time(decoded) == NOW
    payload = unpack_payload(decoded)
    assert isinstance(payload, debts_pb2.DebtPlaced)
    assert payload.principal.amount_minor == 15000


def test_every_catalogued_type_round_trips() -> None:
    clock = ControllableClock(NOW)
    for name, kind in CATALOGUE.items():
        event = new_event(name, kind.payload(), source="s", tenant="t", subject="x", key="k", clock=clock)
        assert event.topic == kind.topic
        assert event.topic in TOPIC_PARTITIONS
        assert isinstance(unpack_payload(decode_envelope(event.encode())), kind.payload)


def test_unpack_refuses_unknown_type() -> None:
    env = make().envelope
    env.type = "nope"
    with pytest.raises(ValueError, match="unknown event type"):
        unpack_payload(env)


def test_unpack_refuses_mismatched_payload() -> None:
    env = make().envelope
    env.payload.Pack(actions_pb2.TreatmentStopped(debt_id="d1"))
    with pytest.raises(ValueError, match="not DebtPlaced"):
        unpack_payload(env)


def test_all_topics_include_dead_letter_topics() -> None:
    topics = all_topics()
    for name, partitions in TOPIC_PARTITIONS.items():
        assert topics[name] == partitions
        assert topics[name + DEAD_LETTER_SUFFIX] == 1
    assert "debts.dlq" in topics
    assert len(topics) == 2 * len(TOPIC_PARTITIONS)
    # The catalogue's topics are not mutated by asking.
    assert not any(t.endswith(DEAD_LETTER_SUFFIX) for t in TOPIC_PARTITIONS)
