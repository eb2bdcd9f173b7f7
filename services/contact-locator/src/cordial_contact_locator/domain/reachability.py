"""Reachability learned from outcomes: a Beta(alpha, beta) per contact point and channel.

With no outcome a point is Beta(1, 1) (score 0.5). Each outcome adds evidence: a
delivery or read is one success, a reply two (a person answered), a failure or bounce
one failure, a complaint two. "Not me" is not evidence but a verdict: the point is
removed from this debtor for good. WhatsApp's 131026 says the number is not on WhatsApp.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from cordial.events.v1 import messages_pb2
from cordial.types.v1 import types_pb2
from cordial_core.ids import stable_id

PRIOR = (1.0, 1.0)
NOT_ON_WHATSAPP = "131026"
# How many of the latest events whose outcome a point's reach counts it remembers, so a redelivered one (after a
# crash before its offset was committed, or a rebalance) is not counted again: far more than can be in flight.
LEARNED_KEPT = 32

# outcome -> (successes, failures)
EVIDENCE = {
    "delivered": (1.0, 0.0),
    "read": (1.0, 0.0),
    "replied": (2.0, 0.0),
    "failed": (0.0, 1.0),
    "bounced": (0.0, 1.0),
    "complaint": (0.0, 2.0),
}
_DELIVERY_OUTCOMES = {
    messages_pb2.DELIVERY_STATE_DELIVERED: "delivered",
    messages_pb2.DELIVERY_STATE_READ: "read",
    messages_pb2.DELIVERY_STATE_FAILED: "failed",
    messages_pb2.DELIVERY_STATE_BOUNCED: "bounced",
}


@dataclass(frozen=True)
class Beta:
    """The belief that a point reaches the right person on a channel."""

    alpha: float = PRIOR[0]
    beta: float = PRIOR[1]

    @property
    def score(self) -> float:
        """The mean of the distribution: the chance the next contact reaches the debtor."""
        return self.alpha / (self.alpha + self.beta)

    @property
    def outcomes(self) -> float:
        """How much evidence the belief rests on."""
        return self.alpha + self.beta - sum(PRIOR)

    def updated(self, outcome: str) -> Beta:
        """The belief after one more outcome."""
        success, failure = EVIDENCE[outcome]
        return Beta(self.alpha + success, self.beta + failure)


@dataclass(frozen=True)
class Learned:
    """The event a reach update counts, to remember with it (`key` at `at`), and the older ones to forget."""

    key: str
    at: datetime
    forget: tuple[str, ...] = ()


def learned_key(event_id: str) -> str:
    """The key under which a point remembers the event whose outcome its reach counts (a safe field name)."""
    return stable_id("reach", event_id)


def learned(event_id: str, at: datetime, remembered: Mapping[str, datetime]) -> Learned:
    """One more event to remember, and the oldest remembered to forget so that LEARNED_KEPT are left."""
    oldest_first = sorted(remembered, key=lambda key: remembered[key])
    forget = oldest_first[: max(0, len(oldest_first) - (LEARNED_KEPT - 1))]
    return Learned(learned_key(event_id), at, tuple(forget))


def delivery_outcome(state: messages_pb2.DeliveryState) -> str | None:
    """The outcome a delivery receipt reports, if any."""
    return _DELIVERY_OUTCOMES.get(state)


def says_not_on_whatsapp(channel: int, state: int, error_code: str) -> bool:
    """True when a WhatsApp failure means the number has no WhatsApp."""
    return (
        channel == types_pb2.CHANNEL_WHATSAPP
        and state == messages_pb2.DELIVERY_STATE_FAILED
        and error_code == NOT_ON_WHATSAPP
    )
