"""Treatments: a path step as the ruler runs it, with its channels, template, tone and offer set."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cordial.types.v1 import types_pb2
from cordial_strategy.domain.debtor import DebtorState, HoldKind
from cordial_strategy.domain.offers import gentler
from cordial_strategy.domain.strategies import OfferSet, StepSpec, Strategy, resolve_offer_set

CHANNEL_NUMBERS = {
    "sms": types_pb2.CHANNEL_SMS,
    "whatsapp": types_pb2.CHANNEL_WHATSAPP,
    "email": types_pb2.CHANNEL_EMAIL,
    "voice": types_pb2.CHANNEL_VOICE,
    "letter": types_pb2.CHANNEL_LETTER,
}
GENTLE = "gentle"

# The agency default when no strategy applies: a friendly reminder with a payment link, once.
DEFAULT_PATH = [StepSpec("reminder-1", ("whatsapp", "sms"), "reminder", day_offset=0, tone="friendly")]


@dataclass(frozen=True)
class Step:
    """One step as requested: its name, channels in order of preference, template, tone and offer set."""

    name: str
    channels: tuple[types_pb2.Channel, ...]
    template: str
    tone: str = ""
    offer_set: OfferSet | None = None


def hardship_ended_at(debtor: DebtorState, key: str, now: datetime) -> datetime | None:
    """When the debtor's latest hardship pause over this debt ended, or None if none has ended."""
    ended = [
        h.until
        for h in debtor.holds.values()
        if h.kind == HoldKind.HARDSHIP and h.debt_key in ("", key) and h.until is not None and h.until <= now
    ]
    return max(ended, default=None)


def step_of(spec: StepSpec, strategy: Strategy | None, hardship_ended: datetime | None) -> tuple[Step, dict[str, str]]:
    """The step to request and what to record of it; after a hardship pause, a gentler tone and offer set."""
    channels = tuple(CHANNEL_NUMBERS[c] for c in spec.channels if c in CHANNEL_NUMBERS)
    offer_set = offer_set_of(spec, strategy, hardship_ended is not None)
    tone = spec.tone
    values = {"template": spec.template}
    if hardship_ended is not None:
        tone = GENTLE
        values["hardship"] = (
            f"hardship pause ended {hardship_ended:%Y-%m-%d %H:%M} UTC: gentler tone and offer set"
            f" (instead of tone {spec.tone or '-'}, offer set {spec.offer_set or '-'})"
        )
    values["tone"] = tone or "-"
    if offer_set is not None:
        values["offer_set"] = describe(offer_set)
    return Step(spec.name, channels, spec.template, tone, offer_set), values


def offer_set_of(spec: StepSpec, strategy: Strategy | None, after_hardship: bool) -> OfferSet | None:
    """The offer set a step shows: its own (see resolve_offer_set); after a hardship pause the strategy's
    hardship set, else a gentler one derived from the step's own."""
    own = resolve_offer_set(strategy, spec.offer_set)
    if not after_hardship:
        return own
    return resolve_offer_set(strategy, strategy.hardship_offer_set if strategy else "") or gentler(own)


def describe(offer_set: OfferSet) -> str:
    """An offer set in one readable line."""
    counts = ", ".join(str(c) for c in offer_set.installment_counts) or "standard"
    down = "policy minimum" if offer_set.down_payment_bps is None else f"{offer_set.down_payment_bps} bps"
    text = f"{offer_set.name}: installments {counts}; down payment {down}"
    parts = (
        ("late fee", offer_set.fees_discount_bps),
        ("interest", offer_set.interest_discount_bps),
        ("principal", offer_set.principal_discount_bps),
    )
    if any(bps is not None for _, bps in parts):
        text += "; discounts " + ", ".join(f"{what} {bps or 0} bps" for what, bps in parts) + " (at most the band's)"
    return text
