"""Opaque, tenant-scoped cursors over debts in id order.

A cursor carries the last id of a page and a tag of the tenant it was issued to, base64url-encoded,
so a client cannot build one by hand nor reuse another tenant's.
"""

from __future__ import annotations

import base64
import binascii
import json

from cordial_core.errors import InvalidArgument
from cordial_core.ids import stable_id

DEFAULT_SIZE = 50
MAX_SIZE = 500


def _tag(tenant: str) -> str:
    return stable_id("cursor", tenant)[:12]


def encode(tenant: str, last_id: str) -> str:
    """The cursor of the page after last_id."""
    raw = json.dumps({"a": last_id, "t": _tag(tenant)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(tenant: str, cursor: str) -> str:
    """The last id a cursor of this tenant carries; InvalidArgument for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        after, tag = data["a"], data["t"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise InvalidArgument("is not a cursor this API returned", field="cursor") from None
    if tag != _tag(tenant) or not isinstance(after, str):
        raise InvalidArgument("is not a cursor this API returned", field="cursor")
    return after
