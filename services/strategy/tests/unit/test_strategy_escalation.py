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
