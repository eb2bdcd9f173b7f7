"""In-memory adapters of strategy's stores: cases, debtors and strategy versions, for tests and benches.

They copy in and out as a store does, so a caller mutating what it loaded changes nothing until it saves,
and they check the optimistic versions the MongoDB adapters check.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

from cordial_core.errors import FailedPrecondition
from cordial_core.events import Event
from cordial_strategy.domain.book import Activation, StrategyVersion
from cordial_strategy.domain.debtor import DebtorState
from cordial_strategy.domain.ruler import Case


class MemoryCases:
    """Cases in memory, copied in and out like a store, with optimistic versions (tests and benches)."""

    def __init__(self) -> None:
        self.cases: dict[tuple[str, str], Case] = {}
        self.events: list[Event] = []

    async def load_or_new(self, tenant: str, debt_id: str, debtor_id: str) -> Case:
        self.cases.setdefault((tenant, debt_id), Case(debt_id, tenant, debtor_id))
        return copy.deepcopy(self.cases[(tenant, debt_id)])

    async def load(self, tenant: str, debt_id: str) -> Case | None:
        found = self.cases.get((tenant, debt_id))
        return copy.deepcopy(found) if found else None

    async def save(self, case: Case, events: list[Event]) -> None:
        stored = self.cases[(case.tenant, case.debt_id)]
        if stored.version != case.version:
            raise FailedPrecondition("the case changed meanwhile; retry")
        case.version += 1
        self.cases[(case.tenant, case.debt_id)] = copy.deepcopy(case)
        self.events.extend(events)

    async def claim_due(self, now: datetime, owner: str, lease: timedelta, limit: int) -> list[Case]:
        due = [c for c in self.cases.values() if c.next_due_at is not None and c.next_due_at <= now and not c.stopped]
        return [copy.deepcopy(c) for c in due[:limit]]

    async def sweep_batch(self, day: str, partition: int, partitions: int, limit: int) -> list[Case]:
        return [copy.deepcopy(c) for c in self.cases.values() if not c.stopped][:limit]

    async def with_action(self, tenant: str, action_id: str) -> Case | None:
        for (t, _), case in self.cases.items():
            if t == tenant and any(a.action_id == action_id for a in case.actions.values()):
                return copy.deepcopy(case)
        return None

    async def of_tenant(self, tenant: str) -> list[Case]:
        return [copy.deepcopy(c) for (t, _), c in self.cases.items() if t == tenant]

    def types(self) -> list[str]:
        return [e.type for e in self.events]


class MemoryDebtors:
    """Debtors in memory with optimistic versions (tests and benches)."""

    def __init__(self) -> None:
        self.debtors: dict[str, DebtorState] = {}

    async def load(self, debtor_id: str) -> DebtorState:
        return copy.deepcopy(self.debtors.get(debtor_id, DebtorState(debtor_id)))

    async def save(self, debtor: DebtorState) -> None:
        stored = self.debtors.get(debtor.debtor_id, DebtorState(debtor.debtor_id))
        if stored.version != debtor.version:
            raise FailedPrecondition("the debtor changed meanwhile; retry")
        debtor.version += 1
        self.debtors[debtor.debtor_id] = copy.deepcopy(debtor)


class MemoryStrategyStore:
    """Strategy versions and activations in memory (tests and benches)."""

    def __init__(self) -> None:
        self.versions: dict[tuple[str, int], StrategyVersion] = {}
        self.activations: dict[str, Activation] = {}

    async def add(self, version: StrategyVersion) -> bool:
        key = (version.scope, version.version)
        if key in self.versions:
            return False
        self.versions[key] = copy.deepcopy(version)
        return True

    async def latest_version(self, scope: str) -> int:
        return max((v for s, v in self.versions if s == scope), default=0)

    async def get(self, scope: str, version: int) -> StrategyVersion | None:
        return self.versions.get((scope, version))

    async def list(self, scope: str) -> list[StrategyVersion]:
        return [v for (s, _), v in sorted(self.versions.items()) if s == scope]

    async def activation(self, scope: str) -> Activation | None:
        return self.activations.get(scope)

    async def activate(self, scope: str, activation: Activation) -> None:
        self.activations[scope] = activation
