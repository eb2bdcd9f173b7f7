"""The use cases of contact-locator: record the points a debt arrives with, plan contact."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from cordial.events.v1 import contacts_pb2
from cordial_contact_locator.domain.contact_point import PRIOR_SCORE, ContactPoint, normalise
from cordial_core.clock import Clock
from cordial_core.events import Event, EventSource
from cordial_core.ids import stable_id

SOURCE = "contact-locator"


class ContactPoints(Protocol):
    """Where contact points are kept."""

    async def record(self, point: ContactPoint, events: list[Event]) -> None: ...
    async def of_debtor(self, tenant: str, debtor_id: str) -> list[ContactPoint]: ...


@dataclass(frozen=True)
class PlannedContact:
    """A usable point on one channel, with its score and why."""

    point: ContactPoint
    channel: int
    score: float
    reason: str


class Directory:
    """Knows every debtor's contact points and which to use."""

    def __init__(self, points: ContactPoints, clock: Clock, lookup_hash: LookupHash) -> None:
        self._points = points
        self._clock = clock
        self._events = EventSource(SOURCE, clock)
        self._hash = lookup_hash

    async def record_supplied(
        self, tenant: str, debt_id: str, debtor_id: str, supplied: list[tuple[int, str]], source: str
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

    async def plan(self, tenant: str, debtor_id: str, channels: list[int]) -> list[PlannedContact]:
        """Usable points for the channels, in the order of the channels asked for."""
        points = [p for p in await self._points.of_debtor(tenant, debtor_id) if p.valid]
        plan = []
        for channel in channels:
            for point in points:
                if channel in point.channels:
                    reason = f"{point.source} supplied; no outcome yet, prior score"
                    plan.append(PlannedContact(point, channel, PRIOR_SCORE, reason))
        return plan

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
        return self._events.event(event_type, payload, tenant=point.tenant, subject=debt_id, key=point.debtor_id)


class LookupHash(Protocol):
    """A keyed hash of a personal value."""

    def __call__(self, plain: str) -> str: ...
