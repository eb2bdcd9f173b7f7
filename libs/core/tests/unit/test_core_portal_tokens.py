"""Portal tokens name a tenant's debtor, expire, and are refused when forged or foreign."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cordial_core.clock import ControllableClock
from cordial_core.portal_tokens import PortalTokens

NOW = datetime(2026, 3, 3, 13, 0, tzinfo=UTC)


def test_a_token_names_its_debtor_until_it_expires() -> None:
    clock = ControllableClock(NOW)
    tokens = PortalTokens("key-1", clock, ttl=timedelta(days=7))
    token, expires = tokens.issue("c1", "p1")
    assert expires == NOW + timedelta(days=7)
    assert tokens.read(token) == ("c1", "p1")
    clock.advance(timedelta(days=7))
    assert tokens.read(token) is None


def test_forged_tampered_or_foreign_tokens_are_refused() -> None:
    tokens = PortalTokens("key-1", ControllableClock(NOW))
    token, _ = tokens.issue("c1", "p1")
    other, _ = PortalTokens("key-1", ControllableClock(NOW)).issue("c2", "p1")
    payload, _, signature = token.partition(".")
    assert tokens.read(other.partition(".")[0] + "." + signature) is None
    assert tokens.read(payload + "." + "0" * 64) is None
    assert tokens.read(token + "x") is None
    assert tokens.read("") is None
    assert tokens.read("not-a-token") is None
    assert PortalTokens("key-2", ControllableClock(NOW)).read(token) is None
