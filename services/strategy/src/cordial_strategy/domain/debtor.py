"""What the contact policy knows about one person across all debts and clients: contacts, holds, opt-outs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

# Contacts older than this never count towards a cap again (the longest window is 7 local days).
HISTORY = timedelta(days=9)


class HoldKind(StrEnum):
    """Why contact is paused; a hold names a debt or, with debt "", the whole person."""

    DISPUTE = "dispute"
    CEASE = "cease_contact"
    DECEASED = "deceased"
    INSOLVENCY = "insolvency"  # bankruptcy or Lei 14.181/2021 over-indebtedness conciliation
    HARDSHIP = "hardship"
    AGREEMENT = "agreement"  # in good standing: only next-installment reminders
    NOT_ME = "not_me"  # a wrong-person reply with no contact point to mark


@dataclass(frozen=True)
class Hold:
    """A pause of contact: its kind, the debt it covers ("" for all), since when and until when."""

    kind: HoldKind
    debt_key: str  # "tenant/debt_id", or "" for every debt of the person
    since: datetime
    until: datetime | None = None
    reason: str = ""

    @property
    def key(self) -> str:
        """Unique per kind and debt, so repeating a hold replaces it."""
        return f"{self.kind}:{self.debt_key}"

    def covers(self, debt_key: str, now: datetime) -> bool:
        """True when the hold is in force for this debt now."""
        active = self.until is None or now < self.until
        return active and self.debt_key in ("", debt_key)


@dataclass(frozen=True)
class Contact:
    """One outbound contact (or a reservation for one), or a conversation with the person."""

    at: datetime
    channel: int
    debt_key: str
    kind: str = "message"  # message | call | conversation
    state: str = "sent"  # reserved | sent


@dataclass(frozen=True)
class OpenDebt:
    """A debt still being collected, as the profile sees it."""

    balance_minor: int
    due_date: str  # ISO date, "" when unknown


@dataclass
class DebtorState:
    """One person's contact history and holds, agency-wide; saved with an optimistic version."""

    debtor_id: str
    contacts: dict[str, Contact] = field(default_factory=dict)  # by action or message id
    holds: dict[str, Hold] = field(default_factory=dict)
    opted_out_channels: dict[str, str] = field(default_factory=dict)  # channel number -> source
    blocked_points: dict[str, str] = field(default_factory=dict)  # contact point id -> reason
    # Open debts across every client (debt key -> balance in minor units and due date), for the profile.
    open_debts: dict[str, OpenDebt] = field(default_factory=dict)
    stated_reasons: dict[str, datetime] = field(default_factory=dict)  # reason -> when last stated
    # Agreement history across clients, for the profile: agreement id -> active | kept | broken.
    agreements: dict[str, str] = field(default_factory=dict)
    # Public-data flags from the enrichment provider, when and from whom they were learned (None: never asked).
    public_data: dict[str, str] = field(default_factory=dict)
    public_data_learned_at: datetime | None = None
    public_data_source: str = ""
    # The sealed (encrypted) document the flags were asked for, and whether it is a company: to ask again.
    public_data_document: bytes = b""
    public_data_company: bool = False
    version: int = 0

    def record(self, key: str, contact: Contact, now: datetime) -> None:
        """Records a contact (a later 'sent' replaces its reservation) and forgets the stale ones."""
        self.contacts[key] = contact
        self.contacts = {k: c for k, c in self.contacts.items() if now - c.at < HISTORY}

    def release(self, key: str) -> None:
        """Drops a reservation whose message was never sent."""
        found = self.contacts.get(key)
        if found is not None and found.state == "reserved":
            del self.contacts[key]

    def hold(self, hold: Hold) -> None:
        """Places (or replaces) a hold."""
        self.holds[hold.key] = hold

    def lift(self, kind: HoldKind, debt_key: str = "") -> None:
        """Lifts a hold."""
        self.holds.pop(f"{kind}:{debt_key}", None)

    def opt_out(self, channel: int, source: str) -> None:
        """The person asked not to be contacted on a channel."""
        self.opted_out_channels[str(channel)] = source or "debtor"

    def block_point(self, contact_point_id: str, reason: str) -> None:
        """A contact point is never used again for this person (e.g. someone else answered it)."""
        self.blocked_points[contact_point_id] = reason

    def debt_opened(self, key: str, debt: OpenDebt) -> None:
        """Counts a debt as open for the profile."""
        self.open_debts[key] = debt

    def debt_closed(self, key: str) -> None:
        """A settled, recalled or written-off debt leaves the profile."""
        self.open_debts.pop(key, None)

    def stated(self, reason: str, now: datetime) -> None:
        """Remembers a reason the person gave (lost_job, already_paid, not_me, dispute)."""
        self.stated_reasons[reason] = now

    def agreement(self, agreement_id: str, state: str) -> None:
        """Records where an agreement of the person stands (active, kept, broken); a kept or broken one stays so."""
        if self.agreements.get(agreement_id) not in ("kept", "broken"):
            self.agreements[agreement_id] = state

    def agreements_in(self, state: str) -> int:
        """How many of the person's agreements are in a state."""
        return sum(1 for s in self.agreements.values() if s == state)

    def enriched(
        self, flags: dict[str, str], at: datetime, source: str, sealed_document: bytes = b"", company: bool = False
    ) -> None:
        """Caches what the enrichment provider said about the person, with when and where it was learned."""
        self.public_data, self.public_data_learned_at, self.public_data_source = dict(flags), at, source
        if sealed_document:
            self.public_data_document, self.public_data_company = sealed_document, company

    def active_holds(self, debt_key: str, now: datetime) -> list[Hold]:
        """Holds in force for a debt now, oldest first."""
        return sorted((h for h in self.holds.values() if h.covers(debt_key, now)), key=lambda h: h.since)


def debt_key(tenant: str, debt_id: str) -> str:
    """A debt named across clients: debt ids are only unique within a client."""
    return f"{tenant}/{debt_id}"
