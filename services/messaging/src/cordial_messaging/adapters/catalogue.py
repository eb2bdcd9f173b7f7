"""Templates (every version kept) and each tenant's creditor identity in MongoDB."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from cordial_core.clock import Clock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.errors import FailedPrecondition
from cordial_core.ids import stable_id
from cordial_core.store import TenantCollection
from cordial_messaging.domain.catalogue import StoredTemplate
from cordial_messaging.domain.composer import Creditor

_TRIES = 5


class TemplateRepository:
    """One document per template version; the highest version of a key is the one in use."""

    def __init__(self, collection: TenantCollection, clock: Clock) -> None:
        self._collection = collection
        self._clock = clock

    async def ensure_indexes(self) -> None:
        """Templates are found by key, newest version first."""
        await self._collection.raw.create_index(
            [("tenant", 1), ("name", 1), ("channel", 1), ("locale", 1), ("version", -1)]
        )

    async def save(self, template: StoredTemplate) -> StoredTemplate:
        """Stores the template as the next version of its key; a concurrent save of the same key takes the next."""
        for _ in range(_TRIES):
            latest = await self.latest(template.tenant, template.name, template.channel, template.locale)
            saved = replace(template, version=(latest.version if latest else 0) + 1, created_at=self._clock.now())
            doc = {k: v for k, v in asdict(saved).items() if k != "tenant"}
            doc["_id"] = stable_id(saved.tenant, saved.key, str(saved.version))
            if await self._collection.insert(saved.tenant, doc):
                return saved
        raise FailedPrecondition("the template was saved concurrently too often; try again")

    async def latest(self, tenant: str, name: str, channel: str, locale: str, tone: str = "") -> StoredTemplate | None:
        """The newest version of a key (with this tone, when given)."""
        query: dict[str, Any] = {"name": name, "channel": channel, "locale": locale}
        if tone:
            query["tone"] = tone
        docs = await self._collection.find(tenant, query, sort=[("version", -1)], limit=1)
        return _template(docs[0]) if docs else None

    async def list(self, tenant: str, all_versions: bool) -> list[StoredTemplate]:
        """Every version, or the newest of each key, by key then version."""
        order = [("name", 1), ("channel", 1), ("locale", 1), ("version", -1)]
        docs = await self._collection.find(tenant, {}, sort=order)
        templates = [_template(doc) for doc in docs]
        if all_versions:
            return templates
        newest: dict[str, StoredTemplate] = {}
        for template in templates:
            newest.setdefault(template.key, template)
        return list(newest.values())


def _template(doc: dict[str, Any]) -> StoredTemplate:
    fields = {k: v for k, v in doc.items() if k in StoredTemplate.__dataclass_fields__}
    return StoredTemplate(**fields)


class CreditorRepository:
    """One document per tenant; the document (a CPF can be a person's) is kept encrypted."""

    def __init__(self, collection: TenantCollection, cipher: PersonalDataCipher, clock: Clock) -> None:
        self._collection = collection
        self._cipher = cipher
        self._clock = clock

    async def get(self, tenant: str) -> Creditor | None:
        """The creditor identity set for the tenant, or None."""
        doc = await self._collection.find_one(tenant, {"_id": _creditor_id(tenant)})
        if doc is None:
            return None
        return Creditor(doc["name"], doc["address"], self._cipher.decrypt(doc["document_enc"]))

    async def put(self, tenant: str, creditor: Creditor) -> Creditor:
        """Sets (or replaces) the tenant's creditor identity."""
        fields = {
            "name": creditor.name,
            "address": creditor.address,
            "document_enc": self._cipher.encrypt(creditor.document),
            "updated_at": self._clock.now(),
        }
        key = _creditor_id(tenant)
        updated = await self._collection.update(tenant, {"_id": key}, fields)
        if not updated and not await self._collection.insert(tenant, {"_id": key, **fields}):
            await self._collection.update(tenant, {"_id": key}, fields)  # created meanwhile
        return creditor


def _creditor_id(tenant: str) -> str:
    return stable_id("creditor", tenant)
