"""Per-app mutable state, kept on ``app.state.sandbox`` so app instances are independent."""

import hmac
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request

from cordial_sandbox.faults import FaultInjector
from cordial_sandbox.inbox import Inbox, digits
from cordial_sandbox.ledger import LookupLedger
from cordial_sandbox.rate_limits import RateLimits
from cordial_sandbox.sms_opt_outs import SmsOptOuts
from cordial_sandbox.whatsapp_limits import Limits, SendLimits


def utc_now() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


class NumberSet:
    """Thread-safe set of phone numbers, stored as digits only."""

    def __init__(self) -> None:
        """Create an empty set."""
        self._lock = threading.Lock()
        self._numbers: set[str] = set()

    def add(self, numbers: Iterable[str]) -> None:
        """Add numbers in any notation (``+55 11 9...`` and ``55119...`` are the same)."""
        with self._lock:
            self._numbers.update(d for d in (digits(n) for n in numbers) if d)

    def __contains__(self, number: object) -> bool:
        """Tell whether a number (any notation) is in the set."""
        if not isinstance(number, str):
            return False
        with self._lock:
            return digits(number) in self._numbers

    def snapshot(self) -> list[str]:
        """Return the numbers, sorted."""
        with self._lock:
            return sorted(self._numbers)

    def clear(self) -> None:
        """Empty the set."""
        with self._lock:
            self._numbers.clear()


class PixCharges:
    """Charges by txid and the payments made, thread-safe."""

    def __init__(self) -> None:
        """Start with none."""
        self._lock = threading.Lock()
        self.by_txid: dict[str, dict[str, Any]] = {}
        self.payments: dict[str, dict[str, Any]] = {}

    def put(self, txid: str, charge: dict[str, Any]) -> dict[str, Any] | None:
        """Store a charge; returns the one already stored under txid, if any."""
        with self._lock:
            existing = self.by_txid.get(txid)
            if existing is None:
                self.by_txid[txid] = charge
            return existing

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self.by_txid.clear()
            self.payments.clear()


@dataclass
class SandboxState:
    """Everything one sandbox app remembers between requests."""

    token: str
    channels: frozenset[str]
    clock: Callable[[], datetime] = utc_now
    # Signs WhatsApp webhooks (Meta's app secret); Twilio's are signed with the token.
    app_secret: str = ""
    webhooks: dict[str, str] = field(default_factory=dict)
    faults: FaultInjector = field(default_factory=FaultInjector)
    whatsapp_non_users: NumberSet = field(default_factory=NumberSet)
    # Twilio's keyword opt-outs of US numbers: the pairs it refuses with 21610 until START.
    sms_opt_outs: SmsOptOuts = field(default_factory=SmsOptOuts)
    pix: PixCharges = field(default_factory=PixCharges)
    # Where `POST /sandbox/snapshot` writes the records a restarted sandbox loads (`--state-file`; empty: none).
    snapshot_file: str = ""
    # Where the SMTP sink listens, 0 when it was not started.
    smtp_port: int = 0
    # Printed letters, oldest first, and the first answer to each idempotency key.
    letters: list[dict[str, Any]] = field(default_factory=list)
    letters_by_key: dict[str, dict[str, Any]] = field(default_factory=dict)
    lookups: LookupLedger = field(default_factory=LookupLedger)
    inbox: Inbox = field(init=False)
    # The credit bureau's records, by id: notices, inscriptions (with their removal), and a lock over both.
    bureau_notices: dict[str, dict[str, object]] = field(default_factory=dict)
    bureau_inscriptions: dict[str, dict[str, object]] = field(default_factory=dict)
    bureau_lock: threading.Lock = field(default_factory=threading.Lock)
    # The protest registry's titles by the presenter's number, and its notice period in business days.
    protest_titles: dict[str, dict[str, object]] = field(default_factory=dict)
    protest_period_days: int = 3
    protest_lock: threading.Lock = field(default_factory=threading.Lock)
    # Court e-filing: petitions by the filer's id.
    court_petitions: dict[str, dict[str, object]] = field(default_factory=dict)
    court_lock: threading.Lock = field(default_factory=threading.Lock)
    # Enrichment: records tests set per document (else derived from it) and queries per document.
    enrichment_people: dict[str, Any] = field(default_factory=dict)
    enrichment_queries: dict[str, int] = field(default_factory=dict)
    # Registered boletos by numeroTituloCliente (BB's API Cobranças), and their lock.
    boletos: dict[str, dict[str, Any]] = field(default_factory=dict)
    boleto_lock: threading.Lock = field(default_factory=threading.Lock)
    # WhatsApp contacts checks asked per number (digits), and their lock.
    whatsapp_contact_queries: dict[str, int] = field(default_factory=dict)
    whatsapp_contact_lock: threading.Lock = field(default_factory=threading.Lock)
    # Providers' rate limits (sliding one-second windows) and what each saw.
    rates: RateLimits = field(default_factory=RateLimits)
    # The Cloud API's throughput and pair-rate limits as started, and their windows and counts.
    whatsapp_limits_started: Limits = field(default_factory=Limits)
    whatsapp_limits: SendLimits = field(init=False)

    def __post_init__(self) -> None:
        """Build the inbox on the configured clock, and the WhatsApp limits as started."""
        self.inbox = Inbox(self.clock)
        self.whatsapp_limits = SendLimits(self.whatsapp_limits_started)
        self.app_secret = self.app_secret or self.token

    def token_ok(self, candidate: str | None) -> bool:
        """Compare a presented secret with the sandbox token in constant time."""
        if candidate is None:
            return False
        return hmac.compare_digest(candidate.encode(), self.token.encode())

    def reset(self) -> None:
        """Clear the inbox, armed faults and provider settings (limits back to those started with, counts zeroed)."""
        self.inbox.clear()
        self.faults.clear()
        self.whatsapp_non_users.clear()
        self.sms_opt_outs.clear()
        self.pix.clear()
        with self.bureau_lock:
            self.bureau_notices.clear()
            self.bureau_inscriptions.clear()
        with self.protest_lock:
            self.protest_titles.clear()
            self.protest_period_days = 3
        with self.court_lock:
            self.court_petitions.clear()
        self.enrichment_people.clear()
        self.enrichment_queries.clear()
        self.letters.clear()
        self.letters_by_key.clear()
        with self.boleto_lock:
            self.boletos.clear()
        self.lookups.clear()
        with self.whatsapp_contact_lock:
            self.whatsapp_contact_queries.clear()
        self.rates.clear()
        self.whatsapp_limits.configure(self.whatsapp_limits_started)


def get_state(request: Request) -> SandboxState:
    """FastAPI dependency returning the state of the app serving ``request``."""
    state: SandboxState = request.app.state.sandbox
    return state


State = Annotated[SandboxState, Depends(get_state)]
"""Handler parameter type that injects the app's ``SandboxState``."""
