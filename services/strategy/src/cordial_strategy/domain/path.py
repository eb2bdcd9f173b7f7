"""A treatment path run step by step: which step is due now and when the next one falls due (pure).

- A day step (`day_offset` n) falls due n days after the debt entered the path; a step on a starting event
  (debt placed, contact verified) counts as day 0.
- An event step (`on_event`) falls due each time the event happens after the debt entered the path, or
  `day_offset` days after it when both are set. Occurrences it has not answered yet collapse into one.
- Event steps come first: they answer the debtor. When several day steps are overdue (after a hold, say),
  only the latest fires and the earlier ones are skipped: the debtor never gets a backlog of reminders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cordial_strategy.domain.strategies import StepSpec

# Events that start a treatment path: a step on one of them is a day-0 step.
STARTING_EVENTS = ("debt.placed", "contact.verified")


@dataclass
class PathProgress:
    """Where a debt is on its treatment path."""

    started_at: datetime | None = None  # when the debt entered the path (placed, reachable, evaluated)
    triggers: dict[str, int] = field(default_factory=dict)  # event -> occurrences since the path started
    triggered_at: dict[str, datetime] = field(default_factory=dict)  # event -> its latest occurrence
    served: dict[str, int] = field(default_factory=dict)  # event step -> occurrences it has answered
    last_requested_at: datetime | None = None

    def happened(self, event: str, at: datetime) -> bool:
        """Counts an event that may trigger a step; False (ignored) before the path started."""
        if self.started_at is None:
            return False
        self.triggers[event] = self.triggers.get(event, 0) + 1
        self.triggered_at[event] = at
        return True


@dataclass(frozen=True)
class DueStep:
    """A step due now: its spec, its key among the case's actions, what triggered it, what it overtook."""

    spec: StepSpec
    key: str
    trigger: str
    skipped: tuple[str, ...] = ()


def is_event_step(spec: StepSpec) -> bool:
    """True for a step triggered by an event other than the path's start."""
    return bool(spec.on_event) and spec.on_event not in STARTING_EVENTS


def event_key(spec: StepSpec, progress: PathProgress) -> str:
    """The action key of an event step's next answer: its name, then name#2, name#3... (stable while pending)."""
    answered = progress.served.get(spec.name, 0)
    return spec.name if answered == 0 else f"{spec.name}#{answered + 1}"


def next_step(
    path: list[StepSpec], progress: PathProgress, done: set[str], now: datetime
) -> tuple[DueStep | None, datetime | None]:
    """The step due now (or None) and the moment the next not-yet-due step falls due (or None)."""
    if progress.started_at is None:
        return None, None
    later: list[datetime] = []
    for spec in path:
        if not is_event_step(spec):
            continue
        pending = progress.triggers.get(spec.on_event, 0) > progress.served.get(spec.name, 0)
        if not pending:
            continue
        at = progress.triggered_at[spec.on_event] + timedelta(days=spec.day_offset or 0)
        if at > now:
            later.append(at)
            continue
        return DueStep(spec, event_key(spec, progress), _event_trigger(spec)), _first(later)
    overdue: list[tuple[datetime, StepSpec]] = []
    for spec in path:
        if is_event_step(spec) or spec.name in done:
            continue
        at = progress.started_at + timedelta(days=spec.day_offset or 0)
        if at <= now:
            overdue.append((at, spec))
        else:
            later.append(at)
    if not overdue:
        return None, _first(later)
    latest = max(overdue, key=lambda item: item[0])[1]
    skipped = tuple(s.name for _, s in overdue if s is not latest)
    trigger = f"day {latest.day_offset or 0} after entering the path"
    return DueStep(latest, latest.name, trigger, skipped), _first(later)


def answered(spec: StepSpec, progress: PathProgress) -> None:
    """Marks every occurrence of an event step's event so far as answered."""
    if is_event_step(spec):
        progress.served[spec.name] = progress.triggers.get(spec.on_event, 0)


def _event_trigger(spec: StepSpec) -> str:
    delay = f", {spec.day_offset} days after" if spec.day_offset else ""
    return f"on {spec.on_event}{delay}"


def _first(times: list[datetime]) -> datetime | None:
    return min(times, default=None)
