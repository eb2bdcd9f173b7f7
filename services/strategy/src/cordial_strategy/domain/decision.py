"""A decision of the contact policy: allow or deny, with the rule, the values and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Decision:
    """Allow or deny, the rule that decided, the values it saw, and when contact may happen if denied."""

    allowed: bool
    rule: str
    explanation: str
    decided_at: datetime
    time_zone: str
    next_allowed_at: datetime | None = None
    # What the rule looked at (local time, window, counts, caps, citation), for ExplainDecision.
    values: dict[str, str] = field(default_factory=dict)
