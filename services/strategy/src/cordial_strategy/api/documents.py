"""Strategy documents between protobuf and the domain."""

from __future__ import annotations

from cordial.strategy.v1 import strategy_service_pb2 as pb
from cordial_strategy.domain.book import StrategyVersion
from cordial_strategy.domain.escalation import EscalationConditions
from cordial_strategy.domain.strategies import OfferSet, SegmentRule, StepSpec, Strategy


def _opt(message: object, name: str) -> int | None:
    return getattr(message, name) if message.HasField(name) else None  # type: ignore[attr-defined]


def strategy_from_proto(doc: pb.StrategyDocument) -> Strategy:
    """The domain strategy of a document."""
    segments = [
        SegmentRule(
            segment=r.segment,
            min_days=_opt(r, "min_days"),
            max_days=_opt(r, "max_days"),
            min_balance_minor=_opt(r, "min_balance_minor"),
            max_broken=_opt(r, "max_broken"),
            reasons=tuple(r.reasons),
            company=r.company if r.HasField("company") else None,
            min_broken=_opt(r, "min_broken"),
            min_kept=_opt(r, "min_kept"),
            flags=tuple(r.flags),
        )
        for r in doc.segments
    ]
    paths = {
        p.segment: [
            StepSpec(
                name=s.name,
                channels=tuple(s.channels),
                template=s.template,
                day_offset=_opt(s, "day_offset"),
                on_event=s.on_event,
                tone=s.tone,
                offer_set=s.offer_set,
            )
            for s in p.steps
        ]
        for p in doc.paths
    }
    offer_sets = [
        OfferSet(
            name=o.name,
            installment_counts=tuple(o.installment_counts),
            down_payment_bps=_opt(o, "down_payment_bps"),
            fees_discount_bps=o.fees_discount_bps,
            interest_discount_bps=o.interest_discount_bps,
            principal_discount_bps=o.principal_discount_bps,
        )
        for o in doc.offer_sets
    ]
    c = doc.escalation_conditions
    conditions = EscalationConditions(c.min_balance_minor, c.min_days_past_due, c.client_opted_in)
    return Strategy(segments, paths, list(doc.escalation), doc.name, offer_sets, conditions, doc.hardship_offer_set)


def strategy_to_proto(strategy: Strategy) -> pb.StrategyDocument:
    """The document of a domain strategy."""
    c = strategy.escalation_conditions
    doc = pb.StrategyDocument(
        name=strategy.name,
        escalation=strategy.escalation,
        hardship_offer_set=strategy.hardship_offer_set,
        escalation_conditions=pb.EscalationConditions(
            min_balance_minor=c.min_balance_minor,
            min_days_past_due=c.min_days_past_due,
            client_opted_in=c.client_opted_in,
        ),
    )
    for o in strategy.offer_sets:
        offer_set = doc.offer_sets.add(
            name=o.name,
            installment_counts=list(o.installment_counts),
            fees_discount_bps=o.fees_discount_bps or 0,
            interest_discount_bps=o.interest_discount_bps or 0,
            principal_discount_bps=o.principal_discount_bps or 0,
        )
        if o.down_payment_bps is not None:
            offer_set.down_payment_bps = o.down_payment_bps
    for r in strategy.segments:
        rule = doc.segments.add(segment=r.segment, reasons=list(r.reasons), flags=list(r.flags))
        for name in ("min_days", "max_days", "min_balance_minor", "max_broken", "company", "min_broken", "min_kept"):
            value = getattr(r, name)
            if value is not None:
                setattr(rule, name, value)
    for segment, steps in strategy.paths.items():
        path = doc.paths.add(segment=segment)
        for s in steps:
            step = path.steps.add(
                name=s.name, channels=list(s.channels), template=s.template, on_event=s.on_event, tone=s.tone
            )
            step.offer_set = s.offer_set
            if s.day_offset is not None:
                step.day_offset = s.day_offset
    return doc


def version_to_proto(saved: StrategyVersion) -> pb.StrategyVersion:
    """A saved version as protobuf."""
    message = pb.StrategyVersion(version=saved.version, document=strategy_to_proto(saved.strategy))
    message.created_at.FromDatetime(saved.created_at)
    return message
