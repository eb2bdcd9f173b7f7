"""Debtor portal tokens: a signed, expiring statement of which tenant's debtor is calling.

The portal has no passwords: a debtor reaches it through a personal link, and the link carries this
token. It is ``<payload>.<signature>``: the payload is URL-safe base64 of the tenant, the debtor and
the expiry; the signature an HMAC-SHA256 of the payload under a key only the gateway holds.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta

from cordial_core.clock import Clock


class PortalTokens:
    """Issues and reads portal tokens."""

    def __init__(self, key: str, clock: Clock, ttl: timedelta = timedelta(days=30)) -> None:
        self._key = hashlib.sha256(b"cordial-portal-token:" + key.encode()).digest()
        self._clock = clock
        self._ttl = ttl

    def issue(self, tenant: str, debtor_id: str) -> tuple[str, datetime]:
        """A token for the debtor of the tenant and when it expires."""
        expires = self._clock.now() + self._ttl
        body = json.dumps({"t": tenant, "d": debtor_id, "e": int(expires.timestamp())}, separators=(",", ":"))
        payload = base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")
        return f"{payload}.{self._sign(payload)}", expires

    def read(self, token: str) -> tuple[str, str] | None:
        """The (tenant, debtor) a valid, unexpired token names; None for anything else."""
        payload, _, signature = token.partition(".")
        if not payload or not hmac.compare_digest(signature, self._sign(payload)):
            return None
        try:
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            tenant, debtor, expiry = str(claims["t"]), str(claims["d"]), int(claims["e"])
        except (ValueError, KeyError, TypeError):
            return None
        if not tenant or not debtor or self._clock.now().timestamp() >= expiry:
            return None
        return tenant, debtor

    def _sign(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()
