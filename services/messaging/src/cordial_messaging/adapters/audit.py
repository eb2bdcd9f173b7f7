"""The audit trail in MongoDB: insert only, one document per entry, the address and text encrypted.

An action given up is counted in Prometheus when its entry is first written, so a repeated write counts nothing.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from prometheus_client import Counter

from cordial_core.crypto import PersonalDataCipher
from cordial_core.store import TenantCollection
from cordial_messaging.domain.audit import GIVEN_UP_ENTRY, AuditEntry

GIVEN_UP = Counter(
    "cordial_messaging_actions_given_up_total",
    "Actions given up unsent because the contact policy stayed undecided past the limit, by the policy's rule.",
    ["rule"],
)


class AuditRepository:
    """Entries are only ever inserted: an id already there is the same entry written again."""

    def __init__(self, collection: TenantCollection, cipher: PersonalDataCipher) -> None:
        self._collection = collection
        self._cipher = cipher

    async def ensure_indexes(self) -> None:
        """Entries are read by debt or by debtor, in time order."""
        await self._collection.raw.create_index([("tenant", 1), ("debt_id", 1), ("at", 1)])
        await self._collection.raw.create_index([("tenant", 1), ("debtor_id", 1), ("at", 1)])

    async def append(self, entry: AuditEntry) -> None:
        """Writes the entry once; the address and the text only as ciphertext."""
        doc: dict[str, Any] = {k: v for k, v in asdict(entry).items() if k not in ("id", "tenant", "to", "text")}
        doc["_id"] = entry.id
        doc["to_enc"] = self._cipher.encrypt(entry.to)
        doc["text_enc"] = self._cipher.encrypt(entry.text) if entry.text else ""
        if await self._collection.insert(entry.tenant, doc) and entry.kind == GIVEN_UP_ENTRY:
            GIVEN_UP.labels(rule=entry.reason.partition(":")[0]).inc()

    async def entries(self, tenant: str, debt_id: str, debtor_id: str) -> list[AuditEntry]:
        """A debt's or a debtor's entries, oldest first."""
        query = {"debt_id": debt_id} if debt_id else {"debtor_id": debtor_id}
        if debt_id and debtor_id:
            query["debtor_id"] = debtor_id
        docs = await self._collection.find(tenant, query, sort=[("at", 1), ("_id", 1)])
        return [self._entry(doc) for doc in docs]

    def _entry(self, doc: dict[str, Any]) -> AuditEntry:
        plain = {k: v for k, v in doc.items() if k in AuditEntry.__dataclass_fields__}
        plain["id"] = doc["_id"]
        plain["to"] = self._cipher.decrypt(doc["to_enc"])
        plain["text"] = self._cipher.decrypt(doc["text_enc"]) if doc.get("text_enc") else ""
        return AuditEntry(**plain)
