"""Serialises writes to one document within a process.

FerretDB v1 applies an update as read, modify in Go, write back the whole document,
with no isolation between the read and the write: two concurrent updates of one
document can lose one of them (the outbox relay clearing events while a handler
records a payment did). MongoDB updates a document atomically; FerretDB does not,
so every writer of an outboxed document takes this lock. It holds within one
process: on FerretDB each service runs as one instance; production uses MongoDB.
"""

from __future__ import annotations

import asyncio
import zlib

_STRIPES = [asyncio.Lock() for _ in range(512)]


def document_lock(collection: str, document_id: object) -> asyncio.Lock:
    """The lock guarding writes to one document of a collection."""
    key = f"{collection}/{document_id!r}".encode()
    return _STRIPES[zlib.crc32(key) % len(_STRIPES)]
