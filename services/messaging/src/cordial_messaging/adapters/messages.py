"""Messages in MongoDB, one document per action, attempts recorded in it before each send.

The destination and the rendered text are personal data: stored encrypted, the destination
also as a keyed hash so a reply from that number finds the message it answers.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any, cast

from cordial.types.v1 import types_pb2
from cordial_core.clock import Clock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.due_watch import DueWatch
from cordial_core.events import Event
from cordial_core.ids import new_id
from cordial_core.money import Money
from cordial_core.store import TenantCollection
from cordial_messaging.domain.dispatch import PENDING, ActionToSend, Attempt, MessageRecord, Recipient
from cordial_messaging.domain.undecided import Undecided
from cordial_messaging.domain.validation import OwedNotice

# A deferred message whose instance has not sent it this long after it fell due is taken by any instance.
ORPHANED_AFTER = timedelta(minutes=2)
# How long an idle due pass goes without reading the deferred list for what other instances left orphaned: such a
# message is taken at most ORPHANED_AFTER + REREAD after it fell due.
REREAD = timedelta(seconds=30)


class MessageRepository:
    """The action id is the document id; a version guards the start of each attempt.

    A deferred message belongs to the instance that deferred it (its recipient spacing is in that process),
    so two messages to one person are never sent by two instances at once; another takes it only when
    the owner has left it due for ORPHANED_AFTER (it stopped, or its partitions moved). The due pass reads
    the deferred list (every entry of it, on FerretDB) only when something may be due (`DueWatch`): a due
    time this instance listed has come, its last read took its limit, or REREAD passed since it.
    """

    def __init__(
        self, collection: TenantCollection, cipher: PersonalDataCipher, clock: Clock, instance: str = ""
    ) -> None:
        self.collection = collection
        # Deferred messages listed apart, so the scheduler reads a few entries, not every message, each poll.
        self._deferred = collection.raw.database[f"{collection.raw.name}_deferred"]
        self._cipher = cipher
        self._clock = clock
        self.instance = instance or new_id()
        self._watch = DueWatch(REREAD)

    def _seal(self, fields: dict[str, object], prefix: str = "") -> dict[str, object]:
        """Replaces the plain "to" and "text" by their ciphertext, and "to" also by its lookup hash."""
        sealed = {k: v for k, v in fields.items() if k not in ("to", "text")}
        if "to" in fields:
            sealed[f"{prefix}to_enc"] = self._cipher.encrypt(str(fields["to"]))
            sealed[f"{prefix}to_hash"] = self._cipher.lookup_hash(str(fields["to"]))
        if "text" in fields:
            sealed[f"{prefix}text_enc"] = self._cipher.encrypt(str(fields["text"]))
        return sealed

    def _attempt(self, stored: dict[str, Any]) -> Attempt:
        """An attempt as the domain knows it, its personal fields decrypted."""
        plain = {k: v for k, v in stored.items() if k not in ("to_enc", "to_hash", "text_enc")}
        plain["to"] = self._cipher.decrypt(stored["to_enc"])
        plain["text"] = self._cipher.decrypt(stored["text_enc"])
        return Attempt(**plain)

    def text_of(self, doc: dict[str, Any]) -> str:
        """The rendered text of a stored message, or "" before one was sent."""
        return self._cipher.decrypt(doc["text_enc"]) if doc.get("text_enc") else ""

    async def ensure_indexes(self) -> None:
        """Messages are listed by debt and found by the provider's message id."""
        await self.collection.raw.create_index([("tenant", 1), ("debt_id", 1)])
        await self.collection.raw.create_index([("tenant", 1), ("provider", 1), ("provider_message_id", 1)])
        await self.collection.raw.create_index([("tenant", 1), ("to_hash", 1), ("channel", 1), ("sent_at", -1)])
        await self.collection.raw.create_index([("state", 1), ("due_at", 1)])
        await self._deferred.create_index([("due_at", 1)])
        # Messages deferred before the list existed are listed once.
        async for doc in self.collection.raw.find({"state": PENDING, "due_at": {"$exists": True}}):
            await self._listed(doc["_id"], doc["tenant"], {"due_at": doc["due_at"], "owner": doc.get("owner")})

    async def open(self, action: ActionToSend) -> MessageRecord:
        """The action's message, created pending on first sight."""
        doc = {
            "_id": action.action_id,
            "debt_id": action.debt_id,
            "debtor_id": action.debtor_id,
            "creditor": action.creditor_name,
            "state": PENDING,
            "version": 0,
            "attempts": {},
            "created_at": self._clock.now(),
            # What was asked, so a deferred action can be sent later without its event.
            "action": {
                "channels": list(action.channels),
                "template": action.template,
                "tone": action.tone,
                "locale": action.locale,
                "balance": {"amount_minor": action.balance.amount_minor, "currency": action.balance.currency},
                "creditor_name": action.creditor_name,
                **self._confirms(action.confirms),
                **self._validates(action.validates),
            },
        }
        if await self.collection.insert(action.tenant, doc):
            return MessageRecord(PENDING, 0, {})  # new: it is what was just written
        found = await self.collection.find_one(action.tenant, {"_id": action.action_id})
        assert found is not None
        attempts = {key: self._attempt(value) for key, value in (found.get("attempts") or {}).items()}
        asked = found.get("undecided")
        undecided = Undecided(asked["since"], int(asked["count"])) if asked else None
        return MessageRecord(found["state"], int(found.get("version", 0)), attempts, undecided)

    async def start_attempt(self, action: ActionToSend, attempt: Attempt, version: int) -> bool:
        """Records an attempt before it is sent; False when another worker moved the message on."""
        return await self.collection.update(
            action.tenant,
            {"_id": action.action_id, "state": PENDING, "version": version},
            {
                f"attempts.{attempt.id}": self._seal(asdict(attempt)),
                "version": version + 1,
                "updated_at": self._clock.now(),
            },
        )

    async def end_attempt(
        self, action: ActionToSend, attempt_id: str, status: str, reason: str, counts: dict[str, int] | None = None
    ) -> None:
        """Records how an attempt ended when it did not send the message, with its counts of tries when given."""
        fields: dict[str, object] = {f"attempts.{attempt_id}.status": status, f"attempts.{attempt_id}.reason": reason}
        fields.update({f"attempts.{attempt_id}.{name}": count for name, count in (counts or {}).items()})
        await self.collection.update(action.tenant, {"_id": action.action_id, "state": PENDING}, fields)

    async def finish(self, action: ActionToSend, state: str, fields: dict[str, object], events: list[Event]) -> None:
        """Records the outcome and its event in one write."""
        await self.collection.update(
            action.tenant,
            {"_id": action.action_id, "state": PENDING},
            {"state": state, **self._seal(fields)},
            events,
            self._clock,
        )

    async def taken(self, tenant: str, provider: str, provider_ids: tuple[str, ...]) -> set[str]:
        """Which of these provider message ids already belong to a recorded message."""
        if not provider_ids:
            return set()
        docs = await self.collection.find(
            tenant, {"provider": provider, "provider_message_id": {"$in": list(provider_ids)}}
        )
        return {doc["provider_message_id"] for doc in docs}

    async def of_debt(self, tenant: str, debt_id: str) -> list[dict[str, Any]]:
        """The messages of a debt, oldest first."""
        return await self.collection.find(tenant, {"debt_id": debt_id}, sort=[("created_at", 1)])

    async def defer(self, action: ActionToSend, due_at: datetime) -> None:
        """Marks a pending message due later and lists it as deferred; the scheduler sends it then."""
        await self._defer(action, due_at, {})

    async def defer_undecided(self, action: ActionToSend, due_at: datetime, undecided: Undecided) -> None:
        """Defers a message the contact policy could not decide, with its undecided answers so far."""
        await self._defer(action, due_at, {"undecided": {"since": undecided.since, "count": undecided.count}})

    async def _defer(self, action: ActionToSend, due_at: datetime, fields: dict[str, object]) -> None:
        mark = {"due_at": due_at, "owner": self.instance}
        if await self.collection.update(action.tenant, {"_id": action.action_id, "state": PENDING}, {**mark, **fields}):
            await self._listed(action.action_id, action.tenant, mark)

    async def due(self, now: datetime, lease_until: datetime, limit: int) -> list[ActionToSend]:
        """Pending messages due by now, across tenants, each taken by moving its due time to the lease's end."""
        if not self._watch.begin(now):
            return []  # nothing this instance listed is due, and other instances' entries were read lately
        mine = {"owner": self.instance, "due_at": {"$lte": now}}
        orphaned = {"due_at": {"$lte": now - ORPHANED_AFTER}}
        cursor = self._deferred.find({"$or": [mine, orphaned]}, sort=[("due_at", 1)], limit=limit)
        taken = []
        read = 0
        async for entry in cursor:
            read += 1
            doc = await self.collection.find_one(entry["tenant"], {"_id": entry["_id"]})
            if doc is None or doc["state"] != PENDING or "action" not in doc or doc.get("due_at") is None:
                await self._deferred.delete_one({"_id": entry["_id"]})  # sent or given up meanwhile
                continue
            if not self._is_due(doc, now):  # the message is the truth: listed again as it says
                await self._listed(doc["_id"], doc["tenant"], {"due_at": doc.get("due_at"), "owner": doc.get("owner")})
                continue
            claim = {"_id": doc["_id"], "state": PENDING, "due_at": doc.get("due_at")}
            lease = {"due_at": lease_until, "owner": self.instance}
            if await self.collection.update(doc["tenant"], claim, lease):
                await self._listed(doc["_id"], doc["tenant"], lease)
                taken.append(self._action(doc))
        self._watch.read(now, full=read >= limit)
        return taken

    def _confirms(self, recipient: Recipient | None) -> dict[str, object]:
        """An opt-out confirmation's recipient as the action stores it, its address encrypted."""
        if recipient is None:
            return {}
        point = {"contact_point_id": recipient.contact_point_id, "channel": recipient.channel}
        return {"confirms": {**point, "to_enc": self._cipher.encrypt(recipient.address)}}

    def _action(self, doc: dict[str, Any]) -> ActionToSend:
        """The action a message was opened for."""
        asked = doc["action"]
        return ActionToSend(
            action_id=doc["_id"],
            tenant=doc["tenant"],
            debt_id=doc["debt_id"],
            debtor_id=doc["debtor_id"],
            channels=tuple(asked["channels"]),
            template=asked["template"],
            balance=Money(int(asked["balance"]["amount_minor"]), asked["balance"]["currency"]),
            creditor_name=asked["creditor_name"],
            tone=asked.get("tone", ""),
            locale=asked.get("locale", ""),
            confirms=self._confirmed(asked.get("confirms")),
            validates=self._owed(asked.get("validates")),
        )

    def _confirmed(self, stored: dict[str, Any] | None) -> Recipient | None:
        """The recipient of a stored opt-out confirmation, its address decrypted; None for any other action."""
        if not stored:
            return None
        # Stored as the enum's number, which is what a protobuf enum is at run time.
        channel = cast(types_pb2.Channel, int(stored["channel"]))
        return Recipient(stored["contact_point_id"], channel, self._cipher.decrypt(stored["to_enc"]))

    def _validates(self, notice: OwedNotice | None) -> dict[str, object]:
        """An owed validation notice as the action stores it, its address encrypted."""
        if notice is None:
            return {}
        stored = {k: v for k, v in asdict(notice).items() if k != "address"}
        return {"validates": {**stored, "to_enc": self._cipher.encrypt(notice.address)}}

    def _owed(self, stored: dict[str, Any] | None) -> OwedNotice | None:
        """A stored owed validation notice, its address decrypted; None for any other action."""
        if not stored:
            return None
        plain = {k: v for k, v in stored.items() if k != "to_enc"}
        return OwedNotice(**plain, address=self._cipher.decrypt(stored["to_enc"]))

    async def flag(self, action: ActionToSend, name: str, value: object) -> bool:
        """Sets a field of a pending message once; True only for the write that set it."""
        return await self.collection.update(
            action.tenant, {"_id": action.action_id, "state": PENDING, name: None}, {name: value}
        )

    def _is_due(self, doc: dict[str, Any], now: datetime) -> bool:
        """Due by now and this instance's, or left due by its owner for ORPHANED_AFTER."""
        due_at = doc["due_at"]
        return due_at <= now - ORPHANED_AFTER or (due_at <= now and doc.get("owner") == self.instance)

    async def _listed(self, action_id: str, tenant: str, mark: dict[str, object]) -> None:
        """Lists a deferred message with its due time and owner (the message itself stays the truth)."""
        await self._deferred.update_one({"_id": action_id}, {"$set": {"tenant": tenant, **mark}}, upsert=True)
        due_at = mark.get("due_at")
        if mark.get("owner") == self.instance and isinstance(due_at, datetime):
            # After the write: a read that began before it leaves this time to wake the next pass.
            self._watch.listed(due_at)
