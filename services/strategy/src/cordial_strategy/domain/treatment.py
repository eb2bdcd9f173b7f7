"""Treatments: the steps the collection ruler takes for a debt."""

from __future__ import annotations

from dataclasses import dataclass

from cordial.types.v1 import types_pb2
from cordial_strategy.domain.strategies import StepSpec

CHANNEL_NUMBERS = {
    "sms": types_pb2.CHANNEL_SMS,
    "whatsapp": types_pb2.CHANNEL_WHATSAPP,
    "email": types_pb2.CHANNEL_EMAIL,
    "voice": types_pb2.CHANNEL_VOICE,
    "letter": types_pb2.CHANNEL_LETTER,
}
# Events that start a treatment path: its first step fires on them or on day 0.
STARTING_EVENTS = ("debt.placed", "contact.verified")


@dataclass(frozen=True)
class Step:
    """One step: its name, channels in order of preference and the template to use."""

    name: str
    channels: tuple[int, ...]
    template: str


# The agency default until versioned strategies land: a friendly reminder with a payment link.
DEFAULT_FIRST_STEP = Step("reminder-1", (types_pb2.CHANNEL_WHATSAPP, types_pb2.CHANNEL_SMS), "reminder")


def first_step(path: list[StepSpec]) -> Step | None:
    """The step a path starts with (day 0 or on placement), as the ruler runs it."""
    for spec in path:
        if spec.day_offset == 0 or spec.on_event in STARTING_EVENTS:
            channels = tuple(CHANNEL_NUMBERS[c] for c in spec.channels if c in CHANNEL_NUMBERS)
            return Step(spec.name, channels, spec.template)
    return None
