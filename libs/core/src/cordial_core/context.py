"""Request-scoped context (tenant, correlation id) carried across async calls."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

tenant_var: ContextVar[str | None] = ContextVar("tenant", default=None)
correlation_var: ContextVar[str | None] = ContextVar("correlation_id", default=None)


@contextlib.contextmanager
def bound(tenant: str | None, correlation_id: str | None) -> Iterator[None]:
    """Binds tenant and correlation id for the duration of a block."""
    t = tenant_var.set(tenant)
    c = correlation_var.set(correlation_id)
    try:
        yield
    finally:
        tenant_var.reset(t)
        correlation_var.reset(c)
