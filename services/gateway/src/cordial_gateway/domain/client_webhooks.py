"""Webhooks to creditor clients: what is notified, how it is signed, and when a failed delivery is retried.

A delivery is one event for one endpoint, identified by both, so a redelivered event notifies once.
Each attempt is logged; a 2xx acknowledges it; anything else is retried after an exponential backoff
(base * 2^(attempt-1), capped) until the attempts run out and it is marked failed.
The signature is ``X-Cordial-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`` with the
endpoint's secret, so a receiver can check both origin and freshness. While a rotated secret's overlap
lasts, the header carries one ``v1=`` per secret, the new one first (Stripe's scheme for rolled secrets):
a receiver accepts the delivery when any ``v1`` matches a secret it holds, so it can switch at leisure.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

# The events a client can subscribe to, and what each tells it.
NOTIFIED = {
    "debt.settled": "a debt was paid off",
    "payment.received": "a payment was recorded on a debt",
    "agreement.accepted": "a debtor accepted an offer",
    "agreement.broken": "an agreement broke",
    "debt.recalled": "a recall took effect",
    "agreement.cancelled": "an agreement was cancelled",
    "payment.unapplied": "a payment arrived that could not be applied (kept for reconciliation)",
}
# The longest a rotated-out secret keeps signing beside the new one.
MAX_OVERLAP = timedelta(days=7)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long a delivery is retried."""

    base_seconds: float = 30.0
    cap_seconds: float = 3_600.0
    max_attempts: int = 12

    def delay(self, attempt: int) -> timedelta:
        """The wait after the attempt-th failure (1-based)."""
        return timedelta(seconds=min(self.base_seconds * 2 ** (attempt - 1), self.cap_seconds))


@dataclass
class Delivery:
    """One event for one endpoint, with every attempt made."""

    id: str
    tenant: str
    endpoint_id: str
    event_id: str
    event_type: str
    body: str
    created_at: datetime
    status: str = "pending"
    next_attempt_at: datetime | None = None
    attempts: list[dict[str, object]] = field(default_factory=list)
    version: int = 0

    def record(self, at: datetime, status_code: int, error: str, policy: RetryPolicy) -> None:
        """Logs an attempt; delivered on 2xx, failed when attempts run out, else due again after the backoff."""
        self.attempts.append({"at": at, "status_code": status_code, "error": error})
        if 200 <= status_code < 300:
            self.status, self.next_attempt_at = "delivered", None
        elif len(self.attempts) >= policy.max_attempts:
            self.status, self.next_attempt_at = "failed", None
        else:
            self.next_attempt_at = at + policy.delay(len(self.attempts))


def signature(secret: str | list[str], timestamp: int, body: bytes) -> str:
    """The X-Cordial-Signature header of a body sent at a time: one v1 per signing secret, in order."""
    keys = [secret] if isinstance(secret, str) else secret
    signed = str(timestamp).encode() + b"." + body
    macs = [hmac.new(key.encode(), signed, hashlib.sha256).hexdigest() for key in keys]
    return ",".join([f"t={timestamp}", *(f"v1={mac}" for mac in macs)])


def verify(secret: str, header: str, body: bytes) -> bool:
    """What a receiver does: True when any v1 of the header is the HMAC of "<t>.<body>" with its secret."""
    parts = [p.partition("=") for p in header.split(",")]
    stamps = [v for k, _, v in parts if k == "t"]
    if len(stamps) != 1:
        return False
    expected = hmac.new(secret.encode(), stamps[0].encode() + b"." + body, hashlib.sha256).hexdigest()
    return any(k == "v1" and hmac.compare_digest(v, expected) for k, _, v in parts)


def check_url(url: str) -> str:
    """An absolute http(s) URL; ValueError says why not."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ValueError("must be an absolute http(s) URL")
    return url


def check_events(events: list[str]) -> list[str]:
    """Known event types, each once; ValueError names the unknown one."""
    for event in events:
        if event not in NOTIFIED:
            raise ValueError(f"{event} is not one of: {', '.join(sorted(NOTIFIED))}")
    return sorted(set(events))
