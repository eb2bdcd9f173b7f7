"""Public-data enrichment of a debtor's profile (pure rules and the use case behind ports).

When a debt is placed for a debtor strategy has not enriched within the TTL, the enrichment provider is asked
for the person's public-data flags (employment, unemployment benefit, social benefit, FGTS balance); the answer
is cached on the debtor with the time it was learned, the provider and the sealed document it was asked for,
and segment rules read it from the profile (e.g. "hardship": unemployed or on unemployment benefit).

Flags go stale: a job is lost or found, a benefit ends. From `learned_at + ttl` on (30 days by default,
ENRICHMENT_TTL_DAYS) they are no longer used by the profile, and the ruler asks the provider again the next
time it looks at one of the person's debts (at the latest in the daily sweep).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from cordial_core.clock import Clock
from cordial_core.errors import FailedPrecondition
from cordial_strategy.domain.debtor import DebtorState

HARDSHIP = "hardship"
DEFAULT_TTL = timedelta(days=30)
log = logging.getLogger(__name__)


def is_fresh(debtor: DebtorState, now: datetime, ttl: timedelta = DEFAULT_TTL) -> bool:
    """True while the cached flags are younger than the TTL (they expire at learned_at + ttl)."""
    learned = debtor.public_data_learned_at
    return learned is not None and now < learned + ttl


def fresh_flags(debtor: DebtorState, now: datetime, ttl: timedelta = DEFAULT_TTL) -> dict[str, str]:
    """The cached flags while fresh; nothing once stale, so no decision rests on them."""
    return dict(debtor.public_data) if is_fresh(debtor, now, ttl) else {}


def freshness(debtor: DebtorState, now: datetime, ttl: timedelta = DEFAULT_TTL) -> str:
    """How fresh the flags are, for a decision's explanation."""
    learned = debtor.public_data_learned_at
    if learned is None:
        return "never learned"
    state = "used" if is_fresh(debtor, now, ttl) else "stale, not used"
    source = debtor.public_data_source or "-"
    return f"learned {learned:%Y-%m-%d %H:%M} UTC from {source}, {state} (TTL {ttl.days} days)"


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

    def __call__(self, sealed: bytes, /) -> str: ...


class DebtorStore(Protocol):
    """Where debtors are kept (optimistic versions)."""

    async def load(self, debtor_id: str) -> DebtorState: ...
    async def save(self, debtor: DebtorState) -> None: ...


class Enricher:
    """Asks the provider when a debtor's flags are missing or stale and caches the answer on the debtor."""

    def __init__(
        self,
        debtors: DebtorStore,
        provider: PublicDataProvider,
        opener: DocumentOpener,
        clock: Clock,
        ttl: timedelta = DEFAULT_TTL,
    ) -> None:
        self._debtors = debtors
        self._provider = provider
        self._open = opener
        self._clock = clock
        self.ttl = ttl

    async def debt_placed(self, debtor_id: str, sealed_document: bytes, company: bool) -> bool:
        """Enriches a debtor never enriched, or whose flags went stale; True when the provider was asked."""
        if not sealed_document or is_fresh(await self._debtors.load(debtor_id), self._clock.now(), self.ttl):
            return False
        await self._ask(debtor_id, sealed_document, company)
        return True

    async def refresh(self, debtor_id: str) -> bool:
        """Asks again for a debtor whose flags went stale (with the document kept from the last ask).

        False when still fresh, never asked, or the provider failed: the profile then goes without flags.
        """
        debtor = await self._debtors.load(debtor_id)
        if is_fresh(debtor, self._clock.now(), self.ttl) or not debtor.public_data_document:
            return False
        try:
            await self._ask(debtor_id, debtor.public_data_document, debtor.public_data_company)
        except Exception:
            log.warning("enrichment refresh failed for debtor %s", debtor_id, exc_info=True)
            return False
        return True

    async def _ask(self, debtor_id: str, sealed_document: bytes, company: bool) -> None:
        data = await self._provider.lookup(self._open(sealed_document), company)
        flags = data.as_flags() if data else {}
        for _ in range(5):
            debtor = await self._debtors.load(debtor_id)
            debtor.enriched(flags, self._clock.now(), self._provider.name, sealed_document, company)
            try:
                await self._debtors.save(debtor)
                return
            except FailedPrecondition:
                continue  # the contact guard wrote meanwhile: apply again
        raise FailedPrecondition("the debtor kept changing; retry")
