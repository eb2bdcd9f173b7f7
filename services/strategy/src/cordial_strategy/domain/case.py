"""A case: what the ruler knows about one debt, its actions with their decisions, and where it is on its path."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from cordial.types.v1 import types_pb2
from cordial_core.events import Event
from cordial_core.money import Money
from cordial_strategy.domain.decision import Decision
from cordial_strategy.domain.escalation import EscalationConditions
from cordial_strategy.domain.installments import InstallmentPlan
from cordial_strategy.domain.path import PathProgress

MAX_HISTORY = 30
# How many of the latest events that changed a case it remembers. A consumer commits after each event, so an event
# comes again only while it is the last one of its partition in hand (a crash, a rebalance): one per topic at most.
MAX_HANDLED = 32
# Action states: requested and skipped steps are done; deferred ones come back when due, held ones on the sweep.
DONE = ("requested", "skipped")


@dataclass
class ActionRecord:
    """A step the ruler decided on, with the decision behind it."""

    action_id: str
    step: str
    channels: tuple[types_pb2.Channel, ...]
    state: str  # requested | deferred | held | checked | skipped
    decision: Decision
    # Every decision taken for the action, oldest first: the ruler's, then messaging's at send time.
    history: list[Decision] = field(default_factory=list)
    # collection | installment_reminder (allowed during an agreement) | validation_notice (messaging's, by law)
    purpose: str = "collection"

    def decided(self, decision: Decision) -> None:
        """Keeps a new decision with the action."""
        self.decision = decision
        self.history = [*self.history, decision][-MAX_HISTORY:]


@dataclass
class Case:
    """What the ruler knows about one debt; events may arrive in any order."""

    debt_id: str
    tenant: str
    debtor_id: str
    has_debt: bool = False
    creditor_name: str = ""
    balance: Money | None = None
    time_zone: str = ""
    country: str = ""  # ISO 3166 alpha-2 when the client said; else inferred from the zone
    state: str = ""  # the debtor's state (a UF) from the address; when unknown, see hours.jurisdiction
    contact_ready: bool = False
    stopped: bool = False
    stop_reason: str = ""
    actions: dict[str, ActionRecord] = field(default_factory=dict)
    next_due_at: datetime | None = None
    # The due time the store has listed the case under (its due index is written before a save that moves it).
    listed_due_at: datetime | None = field(default=None, compare=False, repr=False)
    company: bool = False
    due_date: str = ""
    # The strategy the debt follows, pinned when it is first evaluated; moved only explicitly.
    strategy_scope: str = ""
    strategy_version: int = 0
    variant: str = ""
    segment: str = ""
    results: Results = field(default_factory=lambda: Results())
    escalation: Escalation = field(default_factory=lambda: Escalation())
    path: PathProgress = field(default_factory=PathProgress)
    # An agreement in good standing: the path pauses and only its installments are reminded.
    installments: InstallmentPlan | None = None
    # The ids of the latest events that changed the case, saved in the same write as their change: an event handled
    # again (redelivered, or retried after the save) changes nothing twice, and no processed id is kept apart.
    handled: list[str] = field(default_factory=list)
    version: int = 0

    def takes(self, event_id: str) -> bool:
        """Whether the event is new to the case (remembered now, for the save that carries its change); no id:
        a change that no event caused, always taken."""
        if not event_id:
            return True
        if event_id in self.handled:
            return False
        self.handled = [*self.handled, event_id][-MAX_HANDLED:]
        return True


@dataclass
class Escalation:
    """A debt's escalation: the strategy's path and what registry-bridge was asked and answered."""

    path: tuple[str, ...] = ()
    conditions: EscalationConditions = field(default_factory=EscalationConditions)
    started_at: datetime | None = None
    notice_requested: bool = False
    notice_confirmed_at: datetime | None = None
    inscription_requested: bool = False
    inscribed: bool = False
    removal_requested: bool = False
    removed: bool = False
    protest_presented: bool = False
    protest_notice_at: datetime | None = None
    protest_not_before: datetime | None = None  # the registry's end of the notice period
    protest_requested_at: datetime | None = None
    protested: bool = False
    filing_requested: bool = False
    # Titles withdrawn from the registry on an open debt (the debtor entered an agreement): the next
    # presentation is a new ask, with new request ids (case_events.escalation_id).
    protest_round: int = 0

    def protest_withdrawn(self) -> None:
        """The registry withdrew the title while the debt stays open: protest starts over if the path asks."""
        self.protest_presented, self.protested = False, False
        self.protest_notice_at = self.protest_not_before = self.protest_requested_at = None
        self.protest_round += 1


@dataclass
class VariantResults:
    """A variant's results summed over its debts."""

    scope: str
    version: int
    variant: str
    debts: int = 0
    contacted: int = 0
    right_party: int = 0
    agreements: int = 0
    recovered_minor: int = 0
    messages_sent: int = 0
    cost_minor: int = 0

    def add(self, r: Results) -> None:
        """Adds one debt's results."""
        self.debts += 1
        self.contacted += r.contacted
        self.right_party += r.right_party
        self.agreements += r.agreements
        self.recovered_minor += r.recovered_minor
        self.messages_sent += r.messages_sent
        self.cost_minor += r.cost_minor


@dataclass
class Results:
    """What happened to one debt, counted from events, for its strategy variant's results."""

    contacted: bool = False
    right_party: bool = False
    messages_sent: int = 0
    cost_minor: int = 0
    recovered_minor: int = 0
    agreements: int = 0

    def message_sent(self, cost_minor: int) -> None:
        """A message went out for the debt."""
        self.contacted = True
        self.messages_sent += 1
        self.cost_minor += cost_minor

    def recovered(self, amount_minor: int) -> None:
        """Money arrived for the debt."""
        self.recovered_minor += amount_minor


class Cases(Protocol):
    """Where cases are kept."""

    async def load_or_new(self, tenant: str, debt_id: str, debtor_id: str) -> Case: ...
    async def load(self, tenant: str, debt_id: str) -> Case | None: ...
    async def save(self, case: Case, events: list[Event]) -> None: ...
    async def claim_due(self, now: datetime, owner: str, lease: timedelta, limit: int) -> list[Case]: ...
    async def sweep_batch(self, day: str, partition: int, partitions: int, limit: int) -> list[Case]: ...
    async def with_action(self, tenant: str, action_id: str) -> Case | None: ...
    async def of_tenant(self, tenant: str) -> list[Case]: ...
