"""Segments: exactly one per debtor with the matched rule; strategies rejected with clear errors."""

from __future__ import annotations

import pytest

from cordial_core.errors import InvalidArgument
from cordial_strategy.domain.strategies import Profile, SegmentRule, StepSpec, Strategy, assign, validate

RULES = [
    SegmentRule("company", company=True),
    SegmentRule("hardship", reasons=("lost_job",)),
    SegmentRule("forgot", min_days=1, max_days=10, max_broken=0),
    SegmentRule("high_balance", min_balance_minor=1_000_000),
    SegmentRule("chronic", min_days=90),
    SegmentRule("default"),
]
TEMPLATES = frozenset({"reminder", "gentle"})
CHANNELS = frozenset({"sms", "whatsapp"})


@pytest.mark.parametrize(
    ("profile", "segment", "index"),
    [
        (Profile(5, 10_000), "forgot", 2),
        (Profile(5, 10_000, agreements_broken=1), "default", 5),
        (Profile(11, 10_000), "default", 5),
        (Profile(1, 10_000, company=True), "company", 0),
        (Profile(200, 10_000, stated_reason="lost_job"), "hardship", 1),
        (Profile(200, 2_000_000), "high_balance", 3),
        (Profile(90, 10_000), "chronic", 4),
    ],
)
def test_exactly_one_segment_and_the_rule_that_matched(profile: Profile, segment: str, index: int) -> None:
    assert assign(profile, RULES) == (segment, index)


def test_no_catch_all_is_an_error() -> None:
    with pytest.raises(InvalidArgument):
        assign(Profile(500, 1), RULES[:2])


def good() -> Strategy:
    steps = [StepSpec("r1", ("whatsapp", "sms"), "reminder", day_offset=0)]
    return Strategy(RULES, {r.segment: steps for r in RULES}, ["prior_notice", "bureau_inscription", "protest"])


def fields(strategy: Strategy) -> list[str]:
    return [str(e.field) for e in validate(strategy, TEMPLATES, CHANNELS)]


def test_a_good_strategy_has_no_errors() -> None:
    assert validate(good(), TEMPLATES, CHANNELS) == []


def test_unknown_template_channel_and_unreachable_step() -> None:
    strategy = good()
    strategy.paths["forgot"] = [
        StepSpec("x", ("pigeon",), "nope", day_offset=1),
        StepSpec("y", ("sms",), "reminder", on_event="moon.full"),
    ]
    assert fields(strategy) == ["paths.forgot[0].template", "paths.forgot[0].channels", "paths.forgot[1]"]


def test_escalation_without_prior_notice_or_out_of_order() -> None:
    assert fields(Strategy(RULES, good().paths, ["bureau_inscription"])) == ["escalation[0]"]
    assert fields(Strategy(RULES, good().paths, ["prior_notice", "protest", "bureau_inscription"])) == ["escalation"]


def test_segments_without_paths_paths_without_segments_and_catch_all() -> None:
    paths = dict(good().paths)
    paths.pop("chronic")
    paths["ghost"] = []
    assert fields(Strategy(list(RULES), paths)) == ["paths.chronic", "paths.ghost"]
    assert fields(Strategy([RULES[-1], *RULES[:-1]], good().paths)) == ["segments", "segments[0]"]
