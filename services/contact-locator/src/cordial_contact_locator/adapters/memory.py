"""In-memory contact points: the ContactPoints and PhonePoints ports kept in a dict, for tests and benches.

It changes points as ``ContactPointRepository`` changes their documents (a WhatsApp check sets or lifts only its
own block, a line lookup marks the line type "unknown" when it has none, a change to an unknown point changes
nothing), but keeps the objects it was given or recorded rather than copies, so a test holding a point sees what
the service did to it.
"""

from __future__ import annotations

from collections.abc import Iterable

from cordial.types.v1 import types_pb2
from cordial_contact_locator.domain.contact_point import ContactPoint
from cordial_contact_locator.domain.reachability import Beta, Learned
from cordial_contact_locator.domain.verification import LineInfo
from cordial_contact_locator.domain.whatsapp_check import NOT_ON_WHATSAPP_CHECK, WhatsAppStatus, whatsapp_blocks
from cordial_core.events import Event

WHATSAPP = types_pb2.CHANNEL_WHATSAPP


class MemoryContactPoints:
    """Points by id, scoped by tenant; the events recorded with them, and what each lookup and check said."""

    def __init__(self, points: Iterable[ContactPoint] = ()) -> None:
        self.points: dict[str, ContactPoint] = {p.id: p for p in points}
        self.events: list[Event] = []
        self.lines: dict[str, LineInfo] = {}
        self.whatsapp: dict[str, WhatsAppStatus] = {}

    async def record(self, point: ContactPoint, events: list[Event]) -> None:
        """Keeps a new point; a known one stays as it is. The events are queued either way."""
        self.points.setdefault(point.id, point)
        self.events.extend(events)

    async def of_debtor(self, tenant: str, debtor_id: str) -> list[ContactPoint]:
        """Every point of a debtor of this tenant, in the order recorded."""
        return [p for p in self.points.values() if p.tenant == tenant and p.debtor_id == debtor_id]

    async def get(self, tenant: str, point_id: str) -> ContactPoint | None:
        """One point of this tenant, or None."""
        point = self.points.get(point_id)
        return point if point is not None and point.tenant == tenant else None

    async def block(self, tenant: str, point_id: str, channel: int, reason: str) -> None:
        """Marks the point unusable on one channel, with why."""
        for point in self._known(point_id):
            point.blocked[channel] = reason

    async def remove(self, tenant: str, point_id: str, reason: str) -> None:
        """Marks the point as never to be used for its debtor again."""
        for point in self._known(point_id):
            point.removed = reason

    async def set_reach(
        self, tenant: str, point_id: str, channel: int, belief: Beta, learned: Learned | None = None
    ) -> None:
        """Keeps the point's reachability belief on a channel, once per learned event when named."""
        for point in self._known(point_id):
            if learned is not None and learned.key in point.reach_learned:
                continue
            point.reach[channel] = (belief.alpha, belief.beta)
            if learned is not None:
                for key in learned.forget:
                    point.reach_learned.pop(key, None)
                point.reach_learned[learned.key] = learned.at

    async def set_provider(self, tenant: str, point_id: str, channel: int, provider: str) -> None:
        """Notes the provider that last carried a contact through the point on a channel."""
        for point in self._known(point_id):
            point.providers[channel] = provider

    async def phones(self, tenant: str, debtor_ids: list[str]) -> list[ContactPoint]:
        """The tenant's phone points, of some debtors or of all."""
        return [
            p
            for p in self.points.values()
            if p.tenant == tenant
            and p.kind == types_pb2.CONTACT_KIND_PHONE
            and (not debtor_ids or p.debtor_id in debtor_ids)
        ]

    async def set_line(self, tenant: str, point_id: str, info: LineInfo, blocked: dict[int, str]) -> None:
        """Keeps what a line-type lookup said of the point, and the channels it rules out."""
        for point in self._known(point_id):
            point.line_type, point.carrier, point.verified_at = (
                info.line_type or "unknown",
                info.carrier,
                info.checked_at,
            )
            point.blocked.update(blocked)
            self.lines[point_id] = info

    async def set_whatsapp(self, tenant: str, point_id: str, status: WhatsAppStatus) -> None:
        """Keeps what a WhatsApp contacts check said; it sets or lifts only its own block, as the store does."""
        for point in self._known(point_id):
            point.on_whatsapp, point.whatsapp_checked_at = status.on_whatsapp, status.checked_at
            if status.on_whatsapp and point.blocked.get(WHATSAPP) == NOT_ON_WHATSAPP_CHECK:
                del point.blocked[WHATSAPP]
            elif not status.on_whatsapp and not point.blocked.get(WHATSAPP):
                point.blocked.update(whatsapp_blocks(status))
            self.whatsapp[point_id] = status

    def _known(self, point_id: str) -> list[ContactPoint]:
        """The point, or nothing: an update of an id the store does not hold matches no document."""
        point = self.points.get(point_id)
        return [point] if point is not None else []
