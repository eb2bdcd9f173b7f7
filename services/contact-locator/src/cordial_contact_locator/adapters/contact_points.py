"""Contact points in MongoDB: values encrypted, found by keyed hash, events in the same write.

A debtor's points are found through a roster per tenant and debtor (`debtor_points`, `cordial_core.rosters`),
read by `_id`: on FerretDB a filter on `debtor_id` reads every point of every debtor (a scan on every contact
plan, 70-350 ms with 600 points).
"""

from __future__ import annotations

from typing import Any

from cordial.types.v1 import types_pb2
from cordial_contact_locator.domain.contact_point import ContactPoint
from cordial_contact_locator.domain.reachability import Beta, Learned
from cordial_contact_locator.domain.verification import LineInfo
from cordial_contact_locator.domain.whatsapp_check import NOT_ON_WHATSAPP_CHECK, WhatsAppStatus, whatsapp_blocks
from cordial_core.clock import Clock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.events import Event
from cordial_core.rosters import Roster
from cordial_core.store import TenantCollection


class ContactPointRepository:
    """Stores each point once per debtor; repeats only refresh it and queue the event."""

    def __init__(
        self,
        collection: TenantCollection,
        cipher: PersonalDataCipher,
        clock: Clock,
        rosters: TenantCollection | None = None,
    ) -> None:
        self.collection = collection
        self.rosters = Roster(rosters or TenantCollection(collection.raw.database["debtor_points"]), "contact-points")
        self._cipher = cipher
        self._clock = clock

    async def ensure_indexes(self) -> None:
        """Points are read by debtor; points stored before the rosters are named in them."""
        await self.collection.raw.create_index([("tenant", 1), ("debtor_id", 1)])
        await self.rosters.backfill(self.collection.raw, "debtor_id")

    async def record(self, point: ContactPoint, events: list[Event]) -> None:
        """Inserts a new point, or marks a known one seen again, with its events."""
        await self.rosters.add(point.tenant, point.debtor_id, point.id)
        doc = {
            "_id": point.id,
            "debtor_id": point.debtor_id,
            "kind": point.kind,
            "value_enc": self._cipher.encrypt(point.value),
            "valid": point.valid,
            "reason": point.reason,
            "source": point.source,
            "learned_at": point.learned_at,
            "last_seen_at": point.learned_at,
            "line_type": point.line_type,
        }
        if not await self.collection.insert(point.tenant, doc, events, self._clock):
            await self.collection.update(
                point.tenant, {"_id": point.id}, {"last_seen_at": point.learned_at}, events, self._clock
            )

    async def of_debtor(self, tenant: str, debtor_id: str) -> list[ContactPoint]:
        """Every point known for a debtor of this tenant, oldest first (in the order learned when at once)."""
        listed = await self.rosters.members(tenant, debtor_id)
        docs = await self.collection.find(tenant, {"_id": {"$in": listed}}) if listed else []
        order = {point_id: i for i, point_id in enumerate(listed)}
        docs.sort(key=lambda doc: (doc["learned_at"], order[doc["_id"]]))
        return [self._from_doc(doc) for doc in docs if doc["debtor_id"] == debtor_id]

    async def get(self, tenant: str, point_id: str) -> ContactPoint | None:
        """One point of this tenant, or None."""
        doc = await self.collection.find_one(tenant, {"_id": point_id})
        return self._from_doc(doc) if doc else None

    async def block(self, tenant: str, point_id: str, channel: int, reason: str) -> None:
        """Marks the point unusable on one channel, with why (a map: no conditional $pull)."""
        await self.collection.update(tenant, {"_id": point_id}, {f"blocked.{channel}": reason})

    async def remove(self, tenant: str, point_id: str, reason: str) -> None:
        """Marks the point as never to be used for its debtor again."""
        await self.collection.update(tenant, {"_id": point_id}, {"removed": reason})

    async def set_reach(
        self, tenant: str, point_id: str, channel: int, belief: Beta, learned: Learned | None = None
    ) -> None:
        """Stores the reachability belief of the point on a channel; with the event it learned from, only if the
        point does not remember that event yet, remembering it and forgetting the named older ones in one write."""
        query: dict[str, object] = {"_id": point_id}
        changes: dict[str, object] = {f"reach.{channel}": [belief.alpha, belief.beta]}
        unset: list[str] = []
        if learned is not None:
            query[f"reach_learned.{learned.key}"] = None
            changes[f"reach_learned.{learned.key}"] = learned.at
            unset = [f"reach_learned.{key}" for key in learned.forget]
        await self.collection.update(tenant, query, changes, unset=unset)

    async def set_provider(self, tenant: str, point_id: str, channel: int, provider: str) -> None:
        """Notes the messaging provider that last carried a contact through the point on a channel."""
        await self.collection.update(tenant, {"_id": point_id}, {f"providers.{channel}": provider})

    async def phones(self, tenant: str, debtor_ids: list[str]) -> list[ContactPoint]:
        """The tenant's phone points, of some debtors or of all."""
        query: dict[str, Any] = {"kind": types_pb2.CONTACT_KIND_PHONE}
        if debtor_ids:
            query["debtor_id"] = {"$in": debtor_ids}
        return [self._from_doc(doc) for doc in await self.collection.find(tenant, query)]

    async def set_line(self, tenant: str, point_id: str, info: LineInfo, blocked: dict[int, str]) -> None:
        """Keeps what a line-type lookup said of the point, and the channels it rules out."""
        changes: dict[str, Any] = {
            "line_type": info.line_type or "unknown",
            "carrier": info.carrier,
            "verified_at": info.checked_at,
            **{f"blocked.{channel}": reason for channel, reason in blocked.items()},
        }
        await self.collection.update(tenant, {"_id": point_id}, changes)

    async def set_whatsapp(self, tenant: str, point_id: str, status: WhatsAppStatus) -> None:
        """Keeps what a WhatsApp contacts check said of the point; "invalid" blocks WhatsApp on it.

        The check sets or lifts only its own block: an opt-out or a 131026 outcome stays (a blank is no block).
        """
        whatsapp = f"blocked.{types_pb2.CHANNEL_WHATSAPP}"
        seen = {"on_whatsapp": status.on_whatsapp, "whatsapp_checked_at": status.checked_at}
        await self.collection.update(tenant, {"_id": point_id}, seen)
        if status.on_whatsapp:
            await self.collection.update(tenant, {"_id": point_id, whatsapp: NOT_ON_WHATSAPP_CHECK}, {whatsapp: ""})
        else:
            reason = whatsapp_blocks(status)[types_pb2.CHANNEL_WHATSAPP]
            await self.collection.update(tenant, {"_id": point_id, whatsapp: {"$in": [None, ""]}}, {whatsapp: reason})

    def _from_doc(self, doc: dict[str, Any]) -> ContactPoint:
        return ContactPoint(
            id=doc["_id"],
            tenant=doc["tenant"],
            debtor_id=doc["debtor_id"],
            kind=doc["kind"],
            value=self._cipher.decrypt(doc["value_enc"]),
            valid=doc["valid"],
            reason=doc["reason"],
            source=doc["source"],
            learned_at=doc["learned_at"],
            line_type=doc.get("line_type", ""),
            blocked={int(k): v for k, v in (doc.get("blocked") or {}).items() if v},
            removed=doc.get("removed", ""),
            reach={int(k): (float(v[0]), float(v[1])) for k, v in (doc.get("reach") or {}).items()},
            reach_learned=dict(doc.get("reach_learned") or {}),
            providers={int(k): v for k, v in (doc.get("providers") or {}).items()},
            carrier=doc.get("carrier", ""),
            verified_at=doc.get("verified_at"),
            on_whatsapp=doc.get("on_whatsapp"),
            whatsapp_checked_at=doc.get("whatsapp_checked_at"),
        )
