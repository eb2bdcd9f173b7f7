"""The strategy book: versioned strategies per client with an agency default, activation and champion/challenger."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from cordial_core.clock import Clock
from cordial_core.errors import FailedPrecondition, InvalidArgument, NotFound
from cordial_strategy.domain.offers import NegotiationLimits, policy_errors
from cordial_strategy.domain.strategies import CHANNELS, Strategy, validate

# The scope of the agency's default strategy, used by every client without an active one of its own.
AGENCY = "_agency"
ATTEMPTS = 5


@dataclass(frozen=True)
class Share:
    """A variant of a split: a strategy version and the percentage of debtors it gets."""

    version: int
    percent: int


@dataclass(frozen=True)
class Activation:
    """Which versions a scope runs: the champion first, then any challengers, percentages summing to 100."""

    shares: tuple[Share, ...]
    activated_at: datetime

    @property
    def champion(self) -> int:
        """The version most debtors get."""
        return self.shares[0].version


@dataclass(frozen=True)
class StrategyVersion:
    """One saved version of a scope's strategy."""

    scope: str
    version: int
    strategy: Strategy
    created_at: datetime


@dataclass(frozen=True)
class Assignment:
    """The strategy a debt follows: the scope it came from, its version and its variant name."""

    scope: str
    version: int
    variant: str
    strategy: Strategy | None = field(default=None, compare=False)


class StrategyStore(Protocol):
    """Where strategy versions and activations are kept."""

    async def add(self, version: StrategyVersion) -> bool: ...
    async def latest_version(self, scope: str) -> int: ...
    async def get(self, scope: str, version: int) -> StrategyVersion | None: ...
    async def list(self, scope: str) -> list[StrategyVersion]: ...
    async def activation(self, scope: str) -> Activation | None: ...
    async def activate(self, scope: str, activation: Activation) -> None: ...


class NegotiationPolicies(Protocol):
    """The clients' negotiation policies (agreements owns them)."""

    async def limits(self, tenant: str) -> NegotiationLimits: ...


def validate_split(shares: list[Share]) -> None:
    """A split names each version once, with positive percentages summing to 100."""
    if not shares:
        raise InvalidArgument("name at least the champion version", field="shares")
    for i, share in enumerate(shares):
        if not 0 < share.percent <= 100:
            raise InvalidArgument("must be between 1 and 100", field=f"shares[{i}].percent")
    if len({s.version for s in shares}) != len(shares):
        raise InvalidArgument("each version may appear once", field="shares")
    if sum(s.percent for s in shares) != 100:
        raise InvalidArgument("percentages must sum to 100", field="shares")


def bucket(scope: str, debtor_id: str) -> int:
    """A stable 0-99 bucket of the debtor within a scope: the same debtor always lands in the same variant."""
    digest = hashlib.sha256(f"{scope}|{debtor_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 100


def variant_of(activation: Activation, scope: str, debtor_id: str) -> tuple[int, str]:
    """The version and variant name of a debtor under a split."""
    point, edge = bucket(scope, debtor_id), 0
    for index, share in enumerate(activation.shares):
        edge += share.percent
        if point < edge:
            return share.version, "champion" if index == 0 else f"challenger-v{share.version}"
    return activation.champion, "champion"


class StrategyBook:
    """Saves, validates, activates and assigns strategies; a debt keeps its version unless moved."""

    def __init__(
        self,
        store: StrategyStore,
        clock: Clock,
        templates: frozenset[str],
        policies: NegotiationPolicies | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._templates = templates
        self._policies = policies
        self._saved: dict[tuple[str, int], Strategy] = {}  # versions never change once saved: read each once

    async def problems(self, scope: str, strategy: Strategy) -> list[InvalidArgument]:
        """Every problem of a strategy, each naming its field, offer sets checked against the scope's policy."""
        found = validate(strategy, self._templates, CHANNELS)
        if not strategy.offer_sets:
            return found
        if self._policies is None:
            raise FailedPrecondition("offer sets cannot be checked: no negotiation policies (agreements) configured")
        limits = await self._policies.limits(scope)
        if scope == AGENCY and not limits.configured:
            return found  # the agency default serves many clients: each client's policy bounds its menus
        return found + policy_errors(strategy, limits)

    async def save(self, scope: str, strategy: Strategy) -> StrategyVersion:
        """Stores a valid strategy as the scope's next version; the first problem is raised otherwise."""
        found = await self.problems(scope, strategy)
        if found:
            raise found[0]
        for _ in range(ATTEMPTS):
            saved = StrategyVersion(scope, await self._store.latest_version(scope) + 1, strategy, self._clock.now())
            if await self._store.add(saved):
                return saved
        raise FailedPrecondition("another version was saved at the same moment; retry")

    async def activate(self, scope: str, shares: list[Share]) -> Activation:
        """Makes saved versions the scope's active split (champion first)."""
        validate_split(shares)
        for i, share in enumerate(shares):
            if await self._store.get(scope, share.version) is None:
                raise NotFound(f"no version {share.version}", field=f"shares[{i}].version")
        activation = Activation(tuple(shares), self._clock.now())
        await self._store.activate(scope, activation)
        return activation

    async def versions(self, scope: str) -> tuple[list[StrategyVersion], Activation | None]:
        """Every version of a scope, oldest first, and what is active."""
        return await self._store.list(scope), await self._store.activation(scope)

    async def assign(self, tenant: str, debtor_id: str) -> Assignment | None:
        """The client's active split, else the agency default's, applied to a debtor; None when neither exists."""
        for scope in (tenant, AGENCY):
            activation = await self._store.activation(scope)
            if activation is not None:
                version, variant = variant_of(activation, scope, debtor_id)
                return Assignment(scope, version, variant, await self._strategy(scope, version))
        return None

    async def pinned(self, scope: str, version: int, variant: str) -> Assignment:
        """The assignment a debt already has, with its strategy (versions are never changed once saved)."""
        return Assignment(scope, version, variant, await self._strategy(scope, version))

    async def _strategy(self, scope: str, version: int) -> Strategy:
        known = self._saved.get((scope, version))
        if known is not None:
            return known
        saved = await self._store.get(scope, version)
        if saved is None:
            raise NotFound(f"no version {version} of {scope}'s strategy", field="version")
        self._saved[(scope, version)] = saved.strategy
        return saved.strategy
