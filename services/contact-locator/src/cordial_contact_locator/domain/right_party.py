"""The right-party-contact rate: the share of contacts that reached the debtor."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from cordial.types.v1 import types_pb2
from cordial_contact_locator.domain.directory import CONTACTED, RIGHT_PARTY, WRONG_PARTY


@dataclass(frozen=True)
class OutcomeCount:
    """How many outcomes of one kind a source, provider and channel had."""

    source: str
    provider: str
    channel: types_pb2.Channel
    outcome: str
    count: int


@dataclass(frozen=True)
class PartyRate:
    """Contacts, right- and wrong-party contacts of one source, provider and channel."""

    source: str
    provider: str
    channel: types_pb2.Channel
    contacted: int
    right_party: int
    wrong_party: int

    @property
    def rate(self) -> float:
        """right_party / contacted; 0 when nothing was contacted yet."""
        return self.right_party / self.contacted if self.contacted else 0.0


class OutcomeCounts(Protocol):
    """Recorded outcomes of a tenant, summed per source, provider, channel and outcome."""

    async def counts(self, tenant: str) -> list[OutcomeCount]: ...


def party_rates(counts: Iterable[OutcomeCount]) -> list[PartyRate]:
    """One rate per source, provider and channel, sorted for a stable reading."""
    sums: dict[tuple[str, str, types_pb2.Channel], dict[str, int]] = {}
    for item in counts:
        key = (item.source, item.provider, item.channel)
        sums.setdefault(key, {CONTACTED: 0, RIGHT_PARTY: 0, WRONG_PARTY: 0})
        if item.outcome in sums[key]:
            sums[key][item.outcome] += item.count
    return [
        PartyRate(source, provider, channel, c[CONTACTED], c[RIGHT_PARTY], c[WRONG_PARTY])
        for (source, provider, channel), c in sorted(sums.items())
    ]


class RightPartyRates:
    """Reads a tenant's right-party-contact rates."""

    def __init__(self, counts: OutcomeCounts) -> None:
        self._counts = counts

    async def of_tenant(self, tenant: str) -> list[PartyRate]:
        """The tenant's rates per source, provider and channel."""
        return party_rates(await self._counts.counts(tenant))
