"""Public-data enrichment of a debtor's profile (pure rules and the use case behind ports).

When a debt is placed for a debtor strategy has never enriched, the enrichment provider is asked once for the
person's public-data flags (employment, unemployment benefit, social benefit, FGTS balance); the answer is
cached on the debtor with the time it was learned and the provider, and segment rules read it from the
profile (e.g. "hardship": unemployed or on unemployment benefit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from cordial_core.clock import Clock
from cordial_core.errors import FailedPrecondition
from cordial_strategy.domain.debtor import DebtorState

HARDSHIP = "hardship"


@dataclass(frozen=True)
class PublicData:
    """What the provider knows about a person."""

    employed: bool | None  # None: unknown
    unemployment_benefit: bool = False
    social_benefit: bool = False
    fgts_balance_minor: int = 0  # centavos

    def as_flags(self) -> dict[str, str]:
        """The flags cached on the debtor (strings, as stored)."""
        employment = "" if self.employed is None else "employed" if self.employed else "unemployed"
        return {
            "employment": employment,
            "unemployment_benefit": str(self.unemployment_benefit).lower(),
            "social_benefit": str(self.social_benefit).lower(),
            "fgts_balance_minor": str(self.fgts_balance_minor),
        }


def profile_flags(flags: dict[str, str]) -> tuple[str, ...]:
    """The flags segment rules match on: the true ones, "unemployed", "fgts_balance" and derived "hardship"."""
    found = {k for k, v in flags.items() if v in ("true", "unemployed")}
    if flags.get("employment") == "unemployed":
        found.add("unemployed")
    if int(flags.get("fgts_balance_minor") or 0) > 0:
        found.add("fgts_balance")
    if found & {"unemployed", "unemployment_benefit"}:
        found.add(HARDSHIP)
    return tuple(sorted(found - {"employment"}))


class PublicDataProvider(Protocol):
    """The enrichment provider; None when it does not know the person."""

    name: str

    async def lookup(self, document: str, company: bool) -> PublicData | None: ...


class DocumentOpener(Protocol):
    """Opens a sealed document number (the platform's personal-data key)."""

    def __call__(self, sealed: bytes) -> str: ...


class DebtorStore(Protocol):
    """Where debtors are kept (optimistic versions)."""

    async def load(self, debtor_id: str) -> DebtorState: ...
    async def save(self, debtor: DebtorState) -> None: ...


class Enricher:
    """Asks the provider once per debtor and caches the answer on the debtor."""

    def __init__(self, debtors: DebtorStore, provider: PublicDataProvider, opener: DocumentOpener, clock: Clock):
        self._debtors = debtors
        self._provider = provider
        self._open = opener
        self._clock = clock

    async def debt_placed(self, debtor_id: str, sealed_document: bytes, company: bool) -> bool:
        """Enriches a debtor never enriched before; True when the provider was asked."""
        if not sealed_document or (await self._debtors.load(debtor_id)).public_data_learned_at is not None:
            return False
        data = await self._provider.lookup(self._open(sealed_document), company)
        flags = data.as_flags() if data else {}
        for _ in range(5):
            debtor = await self._debtors.load(debtor_id)
            debtor.enriched(flags, self._clock.now(), self._provider.name)
            try:
                await self._debtors.save(debtor)
                return True
            except FailedPrecondition:
                continue  # the contact guard wrote meanwhile: apply again
        raise FailedPrecondition("the debtor kept changing; retry")
