"""Creditor clients (the tenants) and their API keys, stored only as keyed hashes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from pymongo.asynchronous.database import AsyncDatabase

from cordial_core.clock import Clock
from cordial_core.ids import new_id
from cordial_core.store import Document
from cordial_gateway.domain.auth import KeyHash


@dataclass(frozen=True)
class Client:
    """A creditor client of the agency."""

    id: str
    name: str


class ClientRepository:
    """The tenant registry; agency-level data, so not itself scoped by tenant."""

    def __init__(self, database: AsyncDatabase[Document], key_hash: KeyHash, clock: Clock) -> None:
        self._collection = database["clients"]
        self._hash = key_hash
        self._clock = clock

    async def ensure_indexes(self) -> None:
        """Keys are found by their hash."""
        await self._collection.create_index("api_key_hashes")

    async def create(self, name: str) -> tuple[Client, str]:
        """A new client and its first API key (shown once, never stored in the clear)."""
        client = Client(new_id(), name)
        key = f"ck_{secrets.token_urlsafe(32)}"
        await self._collection.insert_one(
            {"_id": client.id, "name": name, "api_key_hashes": [self._hash(key)], "created_at": self._clock.now()}
        )
        return client, key

    async def by_key(self, key: str) -> Client | None:
        """The client an API key belongs to, or None."""
        doc = await self._collection.find_one({"api_key_hashes": self._hash(key)})
        return Client(doc["_id"], doc["name"]) if doc else None

    async def exists(self, client_id: str) -> bool:
        """True when a client has this id."""
        return await self._collection.find_one({"_id": client_id}, {"_id": 1}) is not None
