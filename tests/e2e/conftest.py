"""Fixtures of the end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from cordial_stack.e2e_support import new_client
from cordial_stack.platform import Platform


@pytest.fixture
def api(platform: Platform) -> Iterator[httpx.Client]:
    """The client API as a fresh creditor client."""
    with new_client(platform, "Banco Exemplo") as client:
        yield client
