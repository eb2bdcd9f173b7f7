"""What strategy's gRPC errors mean for a send: a refusal denies, an outage or a debt it has not heard of yet
leaves the send undecided (deferred within bounds, never dead-lettered), anything else raises."""

from __future__ import annotations

import grpc

from cordial_messaging.adapters.contact_policy import verdict_of_error


def test_a_debt_strategy_has_not_heard_of_yet_is_undecided_not_an_error() -> None:
    verdict = verdict_of_error(grpc.StatusCode.NOT_FOUND, "no case for debt d1")
    assert verdict is not None
    assert (verdict.allowed, verdict.retry, verdict.rule) == (False, True, "unknown_yet")
    assert verdict.explanation == "strategy has not heard of the debt yet: no case for debt d1"
    assert verdict.next_allowed_at is None  # the first pause is the undecided bounds' own


def test_strategy_down_or_late_is_undecided_and_a_refused_question_is_a_plain_deny() -> None:
    for code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
        verdict = verdict_of_error(code, "")
        assert verdict is not None
        assert (verdict.allowed, verdict.retry, verdict.rule) == (False, True, "strategy_unavailable")
    refused = verdict_of_error(grpc.StatusCode.INVALID_ARGUMENT, "debt_id: required")
    assert refused is not None
    assert (refused.allowed, refused.retry, refused.rule) == (False, False, "unknown_to_strategy")


def test_any_other_error_is_left_to_the_handler() -> None:
    assert verdict_of_error(grpc.StatusCode.INTERNAL, "boom") is None
    assert verdict_of_error(grpc.StatusCode.PERMISSION_DENIED, "") is None
