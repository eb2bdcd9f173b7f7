"""The plug-in contract every provider module fulfils.

A provider module (``sms.py``, ``whatsapp.py``, later ``email.py``, ``pix.py``...)
defines ``PROVIDER = Provider(channel=..., build_router=...)`` and is listed once in
``app.PROVIDERS``. Its channel name is what the inbox records and what
``POST /sandbox/faults`` accepts. Routers are built per app, so no state is shared
between app instances.
"""

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import APIRouter


@dataclass(frozen=True)
class Provider:
    """One outside party served by the sandbox."""

    channel: str
    build_router: Callable[[], APIRouter]
