"""Fixtures of messaging's integration tests: the `action.requested` event strategy publishes for an action."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from cordial.events.v1 import actions_pb2
from cordial.types.v1 import types_pb2
from cordial_core.clock import ControllableClock
from cordial_core.events import Event, new_event
from cordial_core.money import Money

REAIS = Money(15000, "BRL")


def requested_event(
    action_id: str,
    debtor_id: str,
    at: datetime,
    *,
    debt_id: str = "",
    topic: str = "",
    tenant: str = "t1",
    template: str = "reminder",
    balance: Money = REAIS,
    creditor_name: str = "Loja X",
    **fields: Any,
) -> Event:
    """Strategy's request of one SMS action (its step named as its template) on the debt (``d-<action_id>`` unless
    given), keyed by the debtor and stamped at ``at``; on ``topic`` when given. ``fields`` add to the payload
    (e.g. ``tone``, ``locale``)."""
    debt_id = debt_id or f"d-{action_id}"
    payload = actions_pb2.ActionRequested(
        action_id=action_id,
        debt_id=debt_id,
        debtor_id=debtor_id,
        step=template,
        channels=[types_pb2.CHANNEL_SMS],
        template=template,
        balance=balance.to_proto(),
        creditor_name=creditor_name,
        **fields,
    )
    event = new_event(
        "action.requested",
        payload,
        source="strategy",
        tenant=tenant,
        subject=debt_id,
        key=debtor_id,
        clock=ControllableClock(at),
    )
    return dataclasses.replace(event, topic=topic) if topic else event


@pytest.fixture
def action_requested() -> Callable[..., Event]:
    """Builds an `action.requested` event (`requested_event`)."""
    return requested_event
