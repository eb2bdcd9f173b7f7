"""Test-wide setup: the stack's fixtures, and tiers marked by folder."""

from pathlib import Path

import pytest

pytest_plugins = ["cordial_stack.fixtures"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests under integration/ need Kafka and MongoDB; tests under tests/e2e need the services."""
    for item in items:
        parts = Path(str(item.fspath)).parts
        if "integration" in parts:
            item.add_marker(pytest.mark.integration)
        if "e2e" in parts:
            item.add_marker(pytest.mark.e2e)
