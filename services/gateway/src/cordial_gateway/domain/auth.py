"""Who is calling: API keys of creditor clients, and the agency's admin token."""

from __future__ import annotations

import hmac
from typing import Protocol


class KeyHash(Protocol):
    """A keyed hash of a secret, so keys are stored and found without their clear text."""

    def __call__(self, plain: str) -> str: ...


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer ...` header."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def is_admin(token: str | None, admin_token: str) -> bool:
    """Compares in constant time."""
    return token is not None and hmac.compare_digest(token.encode(), admin_token.encode())
