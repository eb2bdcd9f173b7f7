"""Segments over a debtor's profile, and a strategy's shape and validation (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cordial_core.errors import InvalidArgument
from cordial_strategy.domain.escalation import EscalationConditions
from cordial_strategy.domain.offer_plans import counts

# What may trigger a step: the path's start, a message's fate, a reply, an agreement's fate, a payment.
TRIGGER_EVENTS = frozenset(
    {
        "debt.placed",
        "contact.verified",
        "message.delivered",
        "message.failed",
        "reply.received",
        "agreement.broken",
        "payment.received",
    }
)
CHANNELS = frozenset({"sms", "whatsapp", "email", "voice", "letter"})
TONES = frozenset({"", "friendly", "neutral", "formal", "gentle"})
ESCALATION_ORDER = ("prior_notice", "bureau_inscription", "protest", "small_claims")


@dataclass(frozen=True)
class Profile:
    """What the platform knows about a debtor, across all debts and clients."""

    days_past_due: int
    balance_minor: int
    open_debts: int = 1
    agreements_kept: int = 0
    agreements_broken: int = 0
    stated_reason: str = ""  # lost_job | already_paid | not_me | ...
    company: bool = False
    contacts: int = 0  # outbound contacts in the last days, across clients
    flags: tuple[str, ...] = ()  # from public-data enrichment, e.g. unemployment_benefit


@dataclass(frozen=True)
class SegmentRule:
    """A segment and its conditions; an unset bound matches anything."""

    segment: str
    min_days: int | None = None
    max_days: int | None = None
    min_balance_minor: int | None = None
    max_broken: int | None = None
    reasons: tuple[str, ...] = ()
    company: bool | None = None
    min_broken: int | None = None  # e.g. "chronic": at least two agreements broken
    min_kept: int | None = None  # e.g. "good history": at least one agreement kept
    flags: tuple[str, ...] = ()  # any of these public-data flags (e.g. hardship)

    def matches(self, p: Profile) -> bool:
        """True when every set condition holds for the profile."""
        return all(
            (
                self.min_days is None or p.days_past_due >= self.min_days,
                self.max_days is None or p.days_past_due <= self.max_days,
                self.min_balance_minor is None or p.balance_minor >= self.min_balance_minor,
                self.max_broken is None or p.agreements_broken <= self.max_broken,
                not self.reasons or p.stated_reason in self.reasons,
                self.company is None or p.company == self.company,
                self.min_broken is None or p.agreements_broken >= self.min_broken,
                self.min_kept is None or p.agreements_kept >= self.min_kept,
                not self.flags or bool(set(self.flags) & set(p.flags)),
            )
        )

    @property
    def catch_all(self) -> bool:
        """True when the rule matches every profile."""
        return self.matches(Profile(0, 0)) and SegmentRule(self.segment) == self


def assign(profile: Profile, rules: list[SegmentRule]) -> tuple[str, int]:
    """The one segment of a profile: the first rule that matches, and its index (recorded with the decision)."""
    for index, rule in enumerate(rules):
        if rule.matches(profile):
            return rule.segment, index
    raise InvalidArgument("no segment matches; a strategy ends with a catch-all segment", field="segments")


@dataclass(frozen=True)
class StepSpec:
    """A treatment step: triggered by a day offset or an event."""

    name: str
    channels: tuple[str, ...]
    template: str
    day_offset: int | None = None
    on_event: str = ""
    tone: str = ""
    offer_set: str = ""


@dataclass(frozen=True)
class OfferSet:
    """What a step offers: installment plans, the down payment asked and the discounts, within the client's policy."""

    name: str
    installment_counts: tuple[int, ...] = ()
    down_payment_bps: int | None = None  # None: the policy's minimum
    # What the set offers off each part (at most the debt's band when the menu is built); None: the band's.
    # A strategy's own sets state them (0 offers none); named sets and counts carry None.
    fees_discount_bps: int | None = None
    interest_discount_bps: int | None = None
    principal_discount_bps: int | None = None


@dataclass(frozen=True)
class Strategy:
    """A client's versioned strategy: segments, a treatment path per segment, and an escalation path."""

    segments: list[SegmentRule]
    paths: dict[str, list[StepSpec]]
    escalation: list[str] = field(default_factory=list)
    name: str = ""
    offer_sets: list[OfferSet] = field(default_factory=list)
    escalation_conditions: EscalationConditions = field(default_factory=EscalationConditions)
    # The offer set a step uses after a hardship pause; empty: a gentler one derived from the step's own.
    hardship_offer_set: str = ""

    def offer_set(self, name: str) -> OfferSet | None:
        """The strategy's own offer set of that name, or None."""
        return next((o for o in self.offer_sets if o.name == name), None)


def resolve_offer_set(strategy: Strategy | None, name: str) -> OfferSet | None:
    """The offer set a step names: the strategy's own of that name first, else a named set or counts
    (`offer_plans`: standard, short, hardship, b2b or "2,4"); None when the name is empty or neither."""
    if not name:
        return None
    own = strategy.offer_set(name) if strategy is not None else None
    if own is not None:
        return own
    try:
        return OfferSet(name, counts(name))
    except InvalidArgument:
        return None


def validate(strategy: Strategy, templates: frozenset[str], channels: frozenset[str]) -> list[InvalidArgument]:
    """Every problem of a strategy, each naming its field and the reason; empty when valid."""
    errors: list[InvalidArgument] = []
    names = [r.segment for r in strategy.segments]
    if not strategy.segments or not strategy.segments[-1].catch_all:
        errors.append(InvalidArgument("the last segment must match every debtor (no conditions)", field="segments"))
    for index, rule in enumerate(strategy.segments[:-1]):
        if rule.catch_all:
            errors.append(
                InvalidArgument("a catch-all before the end hides the segments after it", field=f"segments[{index}]")
            )
    for segment in names:
        if segment not in strategy.paths:
            errors.append(InvalidArgument(f"segment {segment!r} has no treatment path", field=f"paths.{segment}"))
    for segment, steps in strategy.paths.items():
        if segment not in names:
            errors.append(InvalidArgument(f"no segment {segment!r}: the path is unreachable", field=f"paths.{segment}"))
        for i, step in enumerate(steps):
            errors.extend(_step_errors(step, f"paths.{segment}[{i}]", templates, channels))
            errors.extend(_offer_set_errors(strategy, step.offer_set, f"paths.{segment}[{i}].offer_set"))
    errors.extend(_offer_set_errors(strategy, strategy.hardship_offer_set, "hardship_offer_set"))
    names = [o.name for o in strategy.offer_sets]
    for i, offer_set in enumerate(strategy.offer_sets):
        if not offer_set.name or names.index(offer_set.name) != i:
            errors.append(InvalidArgument("each offer set needs a name of its own", field=f"offer_sets[{i}].name"))
    errors.extend(_escalation_errors(strategy.escalation))
    return errors


def _step_errors(
    step: StepSpec, where: str, templates: frozenset[str], channels: frozenset[str]
) -> list[InvalidArgument]:
    errors = []
    if step.template not in templates:
        errors.append(InvalidArgument(f"unknown template {step.template!r}", field=f"{where}.template"))
    for channel in step.channels:
        if channel not in channels:
            errors.append(InvalidArgument(f"unknown channel {channel!r}", field=f"{where}.channels"))
    if step.day_offset is None and step.on_event not in TRIGGER_EVENTS:
        errors.append(
            InvalidArgument("the step has no day offset and no known trigger event: unreachable", field=where)
        )
    if step.tone not in TONES:
        errors.append(InvalidArgument(f"unknown tone {step.tone!r}", field=f"{where}.tone"))
    if not step.channels:
        errors.append(InvalidArgument("a step needs at least one channel", field=f"{where}.channels"))
    if step.day_offset is not None and step.day_offset < 0:
        errors.append(InvalidArgument("a day offset cannot be negative", field=f"{where}.day_offset"))
    return errors


def _offer_set_errors(strategy: Strategy, name: str, where: str) -> list[InvalidArgument]:
    """A step's offer set names one of the strategy's offer_sets, a named set or installment counts."""
    if not name or strategy.offer_set(name) is not None:
        return []
    try:
        counts(name, where)
    except InvalidArgument as error:
        return [InvalidArgument(f"no offer set {name!r} in offer_sets, and it {error}", field=where)]
    return []


def _escalation_errors(escalation: list[str]) -> list[InvalidArgument]:
    errors = []
    for i, stage in enumerate(escalation):
        if stage not in ESCALATION_ORDER:
            errors.append(InvalidArgument(f"unknown escalation stage {stage!r}", field=f"escalation[{i}]"))
    if any(s in escalation for s in ESCALATION_ORDER[1:]) and (not escalation or escalation[0] != "prior_notice"):
        errors.append(InvalidArgument("escalation must start with the prior notice", field="escalation[0]"))
    known = [s for s in escalation if s in ESCALATION_ORDER]
    if known != sorted(known, key=ESCALATION_ORDER.index):
        errors.append(
            InvalidArgument("escalation stages out of order: " + " -> ".join(ESCALATION_ORDER), field="escalation")
        )
    return errors
