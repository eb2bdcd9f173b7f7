"""The contact policy asked again right before a send: quiet hours or a hold may have begun since."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from cordial.types.v1 import types_pb2


@dataclass(frozen=True)
class ContactCheck:
    """One send about to happen: which action, debt, debtor, channel and contact point."""

    tenant: str
    action_id: str
    debt_id: str
    debtor_id: str
    channel: types_pb2.Channel
    contact_point_id: str
    # Why, when it is not the action's own step: "validation_notice" for a notice the law requires.
    purpose: str = ""


@dataclass(frozen=True)
class PolicyVerdict:
    """Strategy's answer: allowed, or the rule that denies it and why."""

    allowed: bool
    rule: str = ""
    explanation: str = ""
    next_allowed_at: datetime | None = None
    # Not decided now (strategy could not hear from agreements in time): never sent on, asked again at
    # next_allowed_at through the deferred actions.
    retry: bool = False

    def reason(self) -> str:
        """The denial as one readable line."""
        when = f" (next allowed at {self.next_allowed_at.isoformat()})" if self.next_allowed_at else ""
        return f"{self.rule}: {self.explanation}{when}"


class ContactPolicy(Protocol):
    """Asks strategy whether a contact may happen now."""

    async def check(self, check: ContactCheck) -> PolicyVerdict: ...
