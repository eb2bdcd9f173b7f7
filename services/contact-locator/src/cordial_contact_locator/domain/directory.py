"""The use cases of contact-locator: record the points a debt arrives with, plan contact."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from cordial.events.v1 import contacts_pb2
from cordial.types.v1 import types_pb2
from cordial_contact_locator.domain.contact_point import ContactPoint, normalise
from cordial_contact_locator.domain.opted_out import OptedOutValues
from cordial_contact_locator.domain.reachability import Beta, Learned, learned, learned_key
from cordial_contact_locator.domain.wrong_party import WrongParties, value_key
from cordial_core.clock import Clock
from cordial_core.events import Event, EventSource
from cordial_core.ids import stable_id

SOURCE = "contact-locator"


class ContactPoints(Protocol):
    """Where contact points are kept."""

    async def record(self, point: ContactPoint, events: list[Event]) -> None: ...
    async def of_debtor(self, tenant: str, debtor_id: str) -> list[ContactPoint]: ...
    async def block(self, tenant: str, point_id: str, channel: int, reason: str) -> None: ...
    async def remove(self, tenant: str, point_id: str, reason: str) -> None: ...
    async def set_reach(
        self, tenant: str, point_id: str, channel: int, belief: Beta, learned: Learned | None = None
    ) -> None: ...
    async def set_provider(self, tenant: str, point_id: str, channel: int, provider: str) -> None: ...
    async def get(self, tenant: str, point_id: str) -> ContactPoint | None: ...


class Outcomes(Protocol):
    """Counts contacts and right-party contacts per tenant, point source, provider and channel (the RPC rate).

    ``event_id`` names the event that told of the outcome, so a redelivered event counts once where kept.
    """

    async def count(self, outcome: ContactOutcome) -> bool:
        """Counts the outcome; False when it was counted before (the same event's)."""
        ...


@dataclass(frozen=True)
class ContactOutcome:
    """One contact through a point, or what it found (the right person or not)."""

    tenant: str
    source: str
    provider: str
    channel: int
    outcome: str
    event_id: str = ""


CONTACTED, RIGHT_PARTY, WRONG_PARTY = "contacted", "right_party", "wrong_party"


@dataclass(frozen=True)
class PlannedContact:
    """A usable point on one channel, with its score and why."""

    point: ContactPoint
    channel: types_pb2.Channel
    score: float
    reason: str


def plan_reason(point: ContactPoint, channel: int, belief: Beta) -> str:
    """Why a point is in the plan: its source, its reach so far and what a WhatsApp contacts check said."""
    reason = (
        f"{point.source} supplied; reach Beta({belief.alpha:g}, {belief.beta:g}) after {belief.outcomes:g} outcome(s)"
    )
    if channel == types_pb2.CHANNEL_WHATSAPP and point.on_whatsapp:
        reason += "; on WhatsApp per the contacts check"
    return reason


class Directory:
    """Knows every debtor's contact points and which to use."""

    def __init__(
        self,
        points: ContactPoints,
        clock: Clock,
        lookup_hash: LookupHash,
        outcomes: Outcomes | None = None,
        wrong_parties: WrongParties | None = None,
        opted_out: OptedOutValues | None = None,
    ) -> None:
        self._points = points
        self._wrong = wrong_parties
        self._opted_out = opted_out
        self._outcomes = outcomes
        self._clock = clock
        self._events = EventSource(SOURCE, clock)
        self._hash = lookup_hash

    async def record_supplied(
        self, tenant: str, debt_id: str, debtor_id: str, supplied: list[tuple[types_pb2.ContactKind, str]], source: str
    ) -> list[ContactPoint]:
        """Records each supplied value, valid or not, and says so per debt in an event."""
        recorded = []
        for kind, raw in supplied:
            checked = normalise(kind, raw)
            point = ContactPoint(
                id=stable_id(tenant, debtor_id, str(kind), self._hash(checked.value)),
                tenant=tenant,
                debtor_id=debtor_id,
                kind=kind,
                value=checked.value,
                valid=checked.valid,
                reason=checked.reason,
                source=source,
                learned_at=self._clock.now(),
                line_type=checked.line_type,
            )
            await self._points.record(point, [self._event(point, debt_id)])
            recorded.append(point)
        return recorded

    async def plan(self, tenant: str, debtor_id: str, channels: list[types_pb2.Channel]) -> list[PlannedContact]:
        """Usable points per channel, channels in the order asked, points by score, each with why."""
        points = await self._points.of_debtor(tenant, debtor_id)
        wrong = await self._wrong.of_debtor(debtor_id) if self._wrong is not None else set()
        opted_out = await self._opted_out.of_debtor(debtor_id) if self._opted_out is not None else set()
        plan = []
        for channel in channels:
            usable = []
            for point in points:
                key = self._value_key(point)
                if point.exclusion(channel) or key in wrong or (key, channel) in opted_out:
                    continue
                belief = Beta(*point.reach.get(channel, (1.0, 1.0)))
                usable.append(PlannedContact(point, channel, belief.score, plan_reason(point, channel, belief)))
            plan.extend(sorted(usable, key=lambda c: -c.score))
        return plan

    async def opt_out(self, tenant: str, point_id: str, channel: int, source: str) -> None:
        """The debtor asked not to be contacted on this channel through this point's value, for any client."""
        await self._points.block(tenant, point_id, channel, f"opted out ({source})")
        point = await self._points.get(tenant, point_id) if self._opted_out is not None else None
        if point is not None and self._opted_out is not None:
            await self._opted_out.mark(point.debtor_id, self._value_key(point), channel, source)

    async def contacted(self, tenant: str, point_id: str, channel: int, provider: str = "", event_id: str = "") -> None:
        """A message went out through this point: one more contact towards the RPC rate."""
        point = await self._points.get(tenant, point_id)
        if point is not None:
            if provider and point.providers.get(channel) != provider:
                # Replies name no provider: they are credited to the one that last carried this point.
                await self._points.set_provider(tenant, point_id, channel, provider)
                point.providers[channel] = provider
            await self._count(point, channel, CONTACTED, event_id)

    async def _count(self, point: ContactPoint, channel: int, outcome: str, event_id: str) -> None:
        if self._outcomes is not None:
            provider = point.providers.get(channel, "")
            await self._outcomes.count(ContactOutcome(point.tenant, point.source, provider, channel, outcome, event_id))

    async def learn(self, tenant: str, point_id: str, channel: int, outcome: str, event_id: str = "") -> None:
        """One more outcome of contacting through this point on this channel, counted once per event: the point
        remembers the event with the reach it changed (in the same write, conditional on it not being there)."""
        point = await self._points.get(tenant, point_id)
        if point is None:
            return
        if event_id and learned_key(event_id) in point.reach_learned:
            return  # a redelivered event: its outcome is in the reach (and its count, recorded before) already
        if outcome == "replied":
            # The person answered and did not say "not me": the right party was reached.
            await self._count(point, channel, RIGHT_PARTY, event_id)
        belief = Beta(*point.reach.get(channel, (1.0, 1.0))).updated(outcome)
        remember = learned(event_id, self._clock.now(), point.reach_learned) if event_id else None
        await self._points.set_reach(tenant, point_id, channel, belief, remember)

    async def not_on_whatsapp(self, tenant: str, point_id: str, channel: int, event_id: str = "") -> None:
        """The provider said the number has no WhatsApp (131026)."""
        await self._points.block(tenant, point_id, channel, "not on WhatsApp (131026)")
        await self.learn(tenant, point_id, channel, "failed", event_id)

    async def not_me(self, tenant: str, point_id: str, channel: int = 0, event_id: str = "") -> None:
        """Whoever answered is not the debtor: the point is never used for them again."""
        point = await self._points.get(tenant, point_id)
        if point is not None:
            await self._count(point, channel, WRONG_PARTY, event_id)
        reason = "the person reached said it is not them"
        await self._points.remove(tenant, point_id, reason)
        if point is not None and self._wrong is not None:
            await self._wrong.mark(point.debtor_id, self._value_key(point), reason)

    def _value_key(self, point: ContactPoint) -> str:
        return value_key(point.debtor_id, point.kind, self._hash(point.value))

    def _event(self, point: ContactPoint, debt_id: str) -> Event:
        payload: contacts_pb2.ContactVerified | contacts_pb2.ContactRejected
        if point.valid:
            event_type = "contact.verified"
            payload = contacts_pb2.ContactVerified(
                debt_id=debt_id,
                debtor_id=point.debtor_id,
                contact_point_id=point.id,
                kind=point.kind,
                channels=list(point.channels),
            )
        else:
            event_type = "contact.rejected"
            payload = contacts_pb2.ContactRejected(
                debt_id=debt_id,
                debtor_id=point.debtor_id,
                contact_point_id=point.id,
                kind=point.kind,
                reason=point.reason,
            )
        subject = debt_id or point.debtor_id
        return self._events.event(event_type, payload, tenant=point.tenant, subject=subject, key=point.debtor_id)


class LookupHash(Protocol):
    """A keyed hash of a personal value."""

    def __call__(self, plain: str) -> str: ...
