"""Escalation rules at their edges: notice and waiting period, protest notice, prescription, blocks, removal."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from cordial_strategy.domain.escalation import (
    BUREAU,
    PROTEST,
    SUIT,
    DebtStanding,
    EscalationLaw,
    may_escalate,
    must_request_removal,
    time_barred_on,
)

NOTICE = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
DEBT = DebtStanding(date(2023, 1, 10), 50_000, 420, notice_confirmed_at=NOTICE)


def test_no_inscription_without_a_confirmed_notice() -> None:
    verdict = may_escalate(BUREAU, replace(DEBT, notice_confirmed_at=None), NOTICE + timedelta(days=30))
    assert (verdict.allowed, verdict.rule) == (False, "bureau_prior_notice")


def test_inscription_waits_the_full_ten_days_to_the_minute() -> None:
    before = may_escalate(BUREAU, DEBT, NOTICE + timedelta(days=10) - timedelta(minutes=1))
    assert before.allowed is False
    assert before.not_before == NOTICE + timedelta(days=10)
    assert may_escalate(BUREAU, DEBT, NOTICE + timedelta(days=10)).allowed is True


def test_the_waiting_period_is_configurable_per_jurisdiction() -> None:
    law = EscalationLaw(bureau_wait_days=15)
    assert may_escalate(BUREAU, DEBT, NOTICE + timedelta(days=14), law).allowed is False
    assert may_escalate(BUREAU, DEBT, NOTICE + timedelta(days=15), law).allowed is True


def test_protest_waits_for_its_notice_period() -> None:
    debt = replace(DEBT, protest_notice_at=NOTICE)
    assert may_escalate(PROTEST, replace(debt, protest_notice_at=None), NOTICE + timedelta(days=9)).allowed is False
    assert may_escalate(PROTEST, debt, NOTICE + timedelta(days=3) - timedelta(seconds=1)).allowed is False
    assert may_escalate(PROTEST, debt, NOTICE + timedelta(days=3)).allowed is True


def test_no_suit_on_the_day_a_debt_becomes_time_barred() -> None:
    debt = replace(DEBT, due_date=date(2019, 3, 1))
    assert may_escalate(SUIT, debt, datetime(2024, 2, 29, 23, 0, tzinfo=UTC)).allowed is True
    barred = may_escalate(SUIT, debt, datetime(2024, 3, 1, 0, 0, tzinfo=UTC))
    assert (barred.allowed, barred.rule) == (False, "time_barred")
    assert "206" in barred.reason
    assert time_barred_on(date(2020, 2, 29)) == date(2025, 2, 28)


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"in_good_agreement": True}, "agreement_in_good_standing"),
        ({"disputed": True}, "disputed"),
        ({"recalled": True}, "recalled"),
        ({"settled": True}, "settled"),
    ],
)
def test_never_for_a_debt_in_agreement_dispute_recalled_or_settled(change: dict[str, bool], rule: str) -> None:
    for stage in (BUREAU, PROTEST, SUIT):
        verdict = may_escalate(stage, replace(DEBT, **change), NOTICE + timedelta(days=60))
        assert (verdict.allowed, verdict.rule) == (False, rule)


def test_removal_is_requested_as_soon_as_an_inscribed_debt_is_settled() -> None:
    assert must_request_removal(replace(DEBT, inscribed=True, settled=True)) is True
    assert must_request_removal(replace(DEBT, inscribed=True)) is False
    assert must_request_removal(replace(DEBT, settled=True)) is False


def test_next_escalation_asks_notice_first_then_inscription_after_the_wait() -> None:
    from cordial_strategy.domain.escalation import EscalationProgress, next_escalation

    t0 = datetime(2024, 3, 1, 12, tzinfo=UTC)
    path = ("prior_notice", "bureau_inscription")
    debt = DebtStanding(date(2024, 1, 1), 10_000, 60)
    started = EscalationProgress(started_at=t0)
    assert next_escalation(path, started, debt, t0 + timedelta(days=14)) is None  # too soon after first contact
    assert next_escalation((), started, debt, t0 + timedelta(days=30)) is None  # the strategy has no escalation
    step = next_escalation(path, started, debt, t0 + timedelta(days=15))
    assert step is not None
    assert step[0] == "prior_notice"
    asked = EscalationProgress(started_at=t0, notice_requested=True)
    assert next_escalation(path, asked, debt, t0 + timedelta(days=40)) is None  # notice not confirmed yet
    confirmed = DebtStanding(date(2024, 1, 1), 10_000, 60, notice_confirmed_at=t0 + timedelta(days=16))
    assert next_escalation(path, asked, confirmed, t0 + timedelta(days=25)) is None  # waiting period
    step = next_escalation(path, asked, confirmed, t0 + timedelta(days=26))
    assert step is not None
    assert step[0] == "bureau_inscription"
    disputed = DebtStanding(date(2024, 1, 1), 10_000, 60, disputed=True, notice_confirmed_at=t0)
    assert next_escalation(path, asked, disputed, t0 + timedelta(days=40)) is None
    paid = EscalationProgress(started_at=t0, paid_minor=100)
    assert next_escalation(path, paid, debt, t0 + timedelta(days=40)) is None


def test_protest_then_small_claims_follow_the_inscription_and_the_law() -> None:
    from cordial_strategy.domain.escalation import EscalationProgress, next_escalation

    t0 = datetime(2024, 3, 1, 12, tzinfo=UTC)
    path = ("prior_notice", "bureau_inscription", "protest", "small_claims")
    debt = DebtStanding(date(2023, 6, 1), 10_000, 60, notice_confirmed_at=t0)
    asked = EscalationProgress(started_at=t0, notice_requested=True, inscription_requested=True)
    assert next_escalation(path, asked, debt, t0 + timedelta(days=30)) is None  # not inscribed yet
    inscribed = replace(asked, inscribed=True)
    step = next_escalation(path, inscribed, debt, t0 + timedelta(days=30))
    assert step is not None
    assert step[0] == "protest_presentation"
    presented = replace(inscribed, protest_presented=True)
    assert next_escalation(path, presented, debt, t0 + timedelta(days=30)) is None  # no registry notice yet
    noticed = replace(debt, protest_notice_at=t0 + timedelta(days=30))
    edge = t0 + timedelta(days=33)
    assert next_escalation(path, presented, noticed, edge - timedelta(seconds=1)) is None  # notice period runs
    step = next_escalation(path, presented, noticed, edge)
    assert step is not None
    assert step[0] == "protest"
    asked_protest = replace(presented, protest_requested_at=edge)
    assert next_escalation(path, asked_protest, noticed, edge + timedelta(hours=23)) is None
    again = next_escalation(path, asked_protest, noticed, edge + timedelta(days=1))  # the registry found it early
    assert again is not None
    assert again[0] == "protest"
    protested = replace(asked_protest, protested=True)
    step = next_escalation(path, protested, noticed, edge)
    assert step is not None
    assert step[0] == "small_claims"
    barred = replace(noticed, due_date=date(2019, 3, 1))
    assert next_escalation(path, protested, barred, datetime(2024, 3, 1, tzinfo=UTC)) is None  # time-barred
    assert next_escalation(path, replace(protested, filing_requested=True), noticed, edge) is None
    recalled = replace(noticed, recalled=True)
    assert next_escalation(path, inscribed, recalled, t0 + timedelta(days=30)) is None
