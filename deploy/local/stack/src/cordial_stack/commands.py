"""The filters a MongoDB client sends, to show that a path reads and writes by `_id` alone.

FerretDB on SQLite answers a filter naming `_id` alone from its primary key and any other filter by reading
every document of the collection (`cordial_core.pushdown`); the local build narrows a filter naming a string `_id`
beside other keys by that key too (deploy/local/install.sh). A test that records what a path sent can say that it
never scanned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pymongo import monitoring

# Where each command keeps its filter: find's "filter", each update's and delete's "q", count's "query".
_FILTERS = {"find": "filter", "count": "query", "distinct": "query", "findAndModify": "query"}


@dataclass
class CommandLog(monitoring.CommandListener):
    """Records (collection, command, filter) of every read and write a client sends."""

    sent: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        """Keeps the command's filters."""
        name, command = event.command_name, event.command
        collection = command.get(name)
        if not isinstance(collection, str):
            return
        if name in _FILTERS:
            self.sent.append((collection, name, dict(command.get(_FILTERS[name]) or {})))
        elif name in ("update", "delete"):
            for statement in command.get(f"{name}s", []):
                self.sent.append((collection, name, dict(statement.get("q") or {})))
        elif name == "aggregate":
            self.sent.append((collection, name, {"pipeline": command.get("pipeline")}))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        """Nothing to keep."""

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        """Nothing to keep."""

    def scans(self, *collections: str) -> list[tuple[str, str, dict[str, Any]]]:
        """The commands on these collections whose filter names no one `_id` (on the local FerretDB: a full scan)."""
        return [sent for sent in self.sent if sent[0] in collections and not by_id(sent[2])]

    def clear(self) -> None:
        """Forgets what was sent so far."""
        self.sent.clear()


def by_id(query: dict[str, Any]) -> bool:
    """Whether the local FerretDB reads this filter by its `_id` index: `_id` alone, or a string `_id` beside
    other keys (its build narrows those by `_id` and tests the rest on that one document)."""
    wanted = query.get("_id")
    return (set(query) == {"_id"} and isinstance(wanted, str | int)) or isinstance(wanted, str)
