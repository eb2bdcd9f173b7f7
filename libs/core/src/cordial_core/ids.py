"""Identifiers for documents and events."""

from __future__ import annotations

import uuid


def new_id() -> str:
    """A random, URL-safe unique id."""
    return uuid.uuid4().hex


def stable_id(*parts: str) -> str:
    """The same id for the same parts: makes a step, once requested, requested once."""
    return uuid.uuid5(uuid.NAMESPACE_URL, "/".join(parts)).hex
