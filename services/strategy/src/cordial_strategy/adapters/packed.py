"""A document's unqueried part as one compressed BSON value, so the store handles one field instead of hundreds.

FerretDB on SQLite keeps each document as JSON with a schema of every value's type beside it, and parses and
writes both on each read and each update: a case's actions with their decisions and explanations made it about
6 KB of fields and 8 KB of schema. Packed, the same part is one binary value of about a tenth of that, which
MongoDB and FerretDB both store as it is. Only what no query or condition names may be packed.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any

import bson
from bson.binary import Binary
from bson.codec_options import CodecOptions

# Datetimes come back aware in UTC, as the client returns them (connect's tz_aware=True).
_OPTIONS: CodecOptions[dict[str, Any]] = CodecOptions(tz_aware=True)
# zlib's fastest level: the explanations repeat their citations, so it already shrinks them about fivefold.
_LEVEL = 1


def pack(fields: Mapping[str, Any]) -> Binary:
    """The fields as one value."""
    return Binary(zlib.compress(bson.encode(fields, codec_options=_OPTIONS), _LEVEL))


def unpack(value: bytes) -> dict[str, Any]:
    """The fields of a packed value."""
    return bson.decode(zlib.decompress(value), codec_options=_OPTIONS)
