"""Reachability: a Beta per point and channel, updated by outcomes."""

from __future__ import annotations

import pytest

from cordial.events.v1 import messages_pb2 as m
from cordial.types.v1 import types_pb2
from cordial_contact_locator.domain.reachability import Beta, delivery_outcome, says_not_on_whatsapp


def test_prior_is_even() -> None:
    assert Beta().score == 0.5
    assert Beta().outcomes == 0


@pytest.mark.parametrize(
    ("outcome", "belief"),
    [
        ("delivered", Beta(2, 1)),
        ("read", Beta(2, 1)),
        ("replied", Beta(3, 1)),
        ("failed", Beta(1, 2)),
        ("bounced", Beta(1, 2)),
        ("complaint", Beta(1, 3)),
    ],
)
def test_each_outcome_moves_the_belief(outcome: str, belief: Beta) -> None:
    assert Beta().updated(outcome) == belief


def test_evidence_accumulates() -> None:
    belief = Beta().updated("delivered").updated("read").updated("failed")
    assert belief.score == 3 / 5
    assert belief.outcomes == 3


def test_receipts_map_to_outcomes() -> None:
    assert delivery_outcome(m.DELIVERY_STATE_READ) == "read"
    assert delivery_outcome(m.DELIVERY_STATE_BOUNCED) == "bounced"
    assert delivery_outcome(m.DELIVERY_STATE_UNSPECIFIED) is None


def test_only_whatsapp_131026_means_not_on_whatsapp() -> None:
    wa, sms = types_pb2.CHANNEL_WHATSAPP, types_pb2.CHANNEL_SMS
    assert says_not_on_whatsapp(wa, m.DELIVERY_STATE_FAILED, "131026")
    assert not says_not_on_whatsapp(wa, m.DELIVERY_STATE_FAILED, "131047")
    assert not says_not_on_whatsapp(sms, m.DELIVERY_STATE_FAILED, "131026")
    assert not says_not_on_whatsapp(wa, m.DELIVERY_STATE_DELIVERED, "131026")
