"""Templates and creditor identities kept in the process for a short time: read once per TTL, not per message.

A template saved or a creditor set through this instance is seen at once (its tenant's entries are
dropped); one saved through another instance is picked up within the TTL.
"""

from __future__ import annotations

from cachetools import TTLCache

from cordial_messaging.domain.catalogue import StoredTemplate, TemplateStore
from cordial_messaging.domain.composer import Creditor, Creditors

# Entries kept at most: a template key or a tenant each.
_SIZE = 10_000


class CachedTemplates:
    """A TemplateStore whose newest-version lookups are kept for ``ttl`` seconds (an absent one too)."""

    def __init__(self, store: TemplateStore, ttl: float) -> None:
        self._store = store
        self._latest: TTLCache[tuple[str, ...], StoredTemplate | None] = TTLCache(_SIZE, ttl)

    async def save(self, template: StoredTemplate) -> StoredTemplate:
        """Saves through the store; this tenant's lookups are read again."""
        saved = await self._store.save(template)
        for key in [key for key in self._latest if key[0] == template.tenant]:
            self._latest.pop(key, None)
        return saved

    async def latest(self, tenant: str, name: str, channel: str, locale: str, tone: str = "") -> StoredTemplate | None:
        """The newest version of a key, as the store said it within the TTL."""
        key = (tenant, name, channel, locale, tone)
        if key in self._latest:
            return self._latest[key]
        found = await self._store.latest(tenant, name, channel, locale, tone)
        self._latest[key] = found
        return found

    async def list(self, tenant: str, all_versions: bool) -> list[StoredTemplate]:
        """Always from the store: listing is for people, not for each message."""
        return await self._store.list(tenant, all_versions)


class CachedCreditors:
    """Creditor identities kept for ``ttl`` seconds per tenant (an unset one too)."""

    def __init__(self, store: Creditors, ttl: float) -> None:
        self._store = store
        self._known: TTLCache[str, Creditor | None] = TTLCache(_SIZE, ttl)

    async def get(self, tenant: str) -> Creditor | None:
        """The tenant's creditor, as the store said it within the TTL."""
        if tenant in self._known:
            return self._known[tenant]
        found = await self._store.get(tenant)
        self._known[tenant] = found
        return found

    async def put(self, tenant: str, creditor: Creditor) -> Creditor:
        """Sets it through the store; read again on the next get."""
        self._known.pop(tenant, None)
        return await self._store.put(tenant, creditor)
