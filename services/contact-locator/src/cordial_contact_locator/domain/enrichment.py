"""Enrichment as a contact-point source: phones and e-mails an enrichment provider knows for the debtor's document.

Asked when a debt is placed for a debtor this tenant has no enrichment points for yet; each value becomes a
contact point with source "enrichment:<provider>" and the time it was learned, normalised and checked like the
client's own (invalid ones kept, marked, with the reason).
"""

from __future__ import annotations

from typing import Protocol

from cordial.types.v1 import types_pb2
from cordial_contact_locator.domain.contact_point import ContactPoint
from cordial_contact_locator.domain.directory import ContactPoints, Directory


class ContactSource(Protocol):
    """An enrichment provider's contact data: (contact kind, value as given) per point."""

    name: str

    async def contacts(self, document: str, company: bool) -> list[tuple[types_pb2.ContactKind, str]]: ...


class DocumentOpener(Protocol):
    """Opens a sealed document number (the platform's personal-data key)."""

    def __call__(self, sealed: bytes, /) -> str: ...


class ContactEnricher:
    """Adds the provider's points to a debtor, once per tenant and debtor."""

    def __init__(self, directory: Directory, points: ContactPoints, source: ContactSource, opener: DocumentOpener):
        self._directory = directory
        self._points = points
        self._source = source
        self._open = opener

    @property
    def source(self) -> str:
        """The source recorded on the points, e.g. "enrichment:bigdatacorp"."""
        return f"enrichment:{self._source.name}"

    async def debt_placed(
        self, tenant: str, debt_id: str, debtor_id: str, sealed_document: bytes, company: bool
    ) -> list[ContactPoint]:
        """Records the provider's points for the debtor unless this tenant already has them."""
        if not sealed_document:
            return []
        known = await self._points.of_debtor(tenant, debtor_id)
        if any(p.source == self.source for p in known):
            return []
        found = await self._source.contacts(self._open(sealed_document), company)
        return await self._directory.record_supplied(tenant, debt_id, debtor_id, found, source=self.source)
