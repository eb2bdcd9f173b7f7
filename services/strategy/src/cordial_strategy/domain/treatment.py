"""Treatments: the steps the collection ruler takes for a debt."""

from __future__ import annotations

from dataclasses import dataclass

from cordial.types.v1 import types_pb2


@dataclass(frozen=True)
class Step:
    """One step: its name, channels in order of preference and the template to use."""

    name: str
    channels: tuple[int, ...]
    template: str


# The agency default until versioned strategies land: a friendly reminder with a payment link.
DEFAULT_FIRST_STEP = Step("reminder-1", (types_pb2.CHANNEL_WHATSAPP, types_pb2.CHANNEL_SMS), "reminder")
