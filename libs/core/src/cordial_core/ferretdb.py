"""Whether a collection lives on FerretDB, whose v1 (SQLite) finds by `_id` alone through its primary key but scans
the whole collection for `_id` plus any other condition, and applies no update atomically across processes."""

from __future__ import annotations

from typing import Any

_KNOWN: dict[int, bool] = {}  # by client


async def on_ferretdb(collection: Any) -> bool:
    """True when the collection's server says it is FerretDB (buildInfo names its version); asked once per client."""
    client = collection.database.client
    if id(client) not in _KNOWN:
        info = await client.admin.command("buildInfo")
        _KNOWN[id(client)] = "ferretdbVersion" in info
    return _KNOWN[id(client)]
