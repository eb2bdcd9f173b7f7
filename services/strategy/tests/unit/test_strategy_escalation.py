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
    EscalationConditions,
    EscalationLaw,
    EscalationProgress,
    EscalationVerdict,
    may_escalate,
    meets_conditions,
    must_request_removal,
    next_escalation,
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
    # Notified Friday 1 March 2024: three business days are Mon 4, Tue 5, Wed 6; protest from Thursday 00:00 BRT.
    debt = replace(DEBT, protest_notice_at=NOTICE, state="SP", time_zone="America/Sao_Paulo")
    ready = datetime(2024, 3, 7, 3, 0, tzinfo=UTC)
    assert may_escalate(PROTEST, replace(debt, protest_notice_at=None), NOTICE + timedelta(days=9)).allowed is False
    early = may_escalate(PROTEST, debt, ready - timedelta(seconds=1))
    assert (early.allowed, early.not_before) == (False, ready)
    assert "3 business days at BR-SP" in early.reason
    assert "Lei 9.492/1997 art. 12" in early.reason
    assert may_escalate(PROTEST, debt, ready).allowed is True


def test_protest_counts_the_debtors_state_holidays_and_waits_for_a_later_registry() -> None:
    monday = datetime(2024, 7, 8, 15, tzinfo=UTC)  # 9 July: a holiday in São Paulo, not in Minas Gerais
    sp = replace(DEBT, protest_notice_at=monday, state="SP", time_zone="America/Sao_Paulo")
    assert may_escalate(PROTEST, sp, monday).not_before == datetime(2024, 7, 13, 3, tzinfo=UTC)
    mg = replace(sp, state="MG")
    assert may_escalate(PROTEST, mg, monday).not_before == datetime(2024, 7, 12, 3, tzinfo=UTC)
    assert may_escalate(PROTEST, mg, datetime(2024, 7, 12, 3, tzinfo=UTC)).allowed is True
    registry_later = replace(mg, protest_not_before=datetime(2024, 7, 15, 3, tzinfo=UTC))
    assert may_escalate(PROTEST, registry_later, datetime(2024, 7, 12, 3, tzinfo=UTC)).allowed is False
    assert may_escalate(PROTEST, registry_later, monday).not_before == datetime(2024, 7, 15, 3, tzinfo=UTC)
    five = may_escalate(PROTEST, mg, datetime(2024, 7, 12, 3, tzinfo=UTC), EscalationLaw(protest_business_days=5))
    assert (five.allowed, five.not_before) == (False, datetime(2024, 7, 16, 3, tzinfo=UTC))


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


OPTED_IN = EscalationConditions(client_opted_in=True)


def _allowed(found: tuple[str, EscalationVerdict] | None) -> str | None:
    """The stage allowed now, or None when nothing is due or it is held."""
    return found[0] if found is not None and found[1].allowed else None


def test_next_escalation_asks_notice_first_then_inscription_after_the_wait() -> None:
    t0 = datetime(2024, 3, 1, 12, tzinfo=UTC)
    path = ("prior_notice", "bureau_inscription")
    debt = DebtStanding(date(2024, 1, 1), 10_000, 60)
    started = EscalationProgress(started_at=t0)
    ok = OPTED_IN
    assert next_escalation(path, started, debt, t0 + timedelta(days=14), conditions=ok) is None  # too soon
    assert next_escalation((), started, debt, t0 + timedelta(days=30), conditions=ok) is None  # no escalation path
    assert _allowed(next_escalation(path, started, debt, t0 + timedelta(days=15), conditions=ok)) == "prior_notice"
    asked = EscalationProgress(started_at=t0, notice_requested=True)
    held = next_escalation(path, asked, debt, t0 + timedelta(days=40), conditions=ok)
    assert held is not None
    assert (held[0], held[1].allowed, held[1].rule) == ("bureau_inscription", False, "bureau_prior_notice")
    confirmed = DebtStanding(date(2024, 1, 1), 10_000, 60, notice_confirmed_at=t0 + timedelta(days=16))
    assert _allowed(next_escalation(path, asked, confirmed, t0 + timedelta(days=25), conditions=ok)) is None  # wait
    step = next_escalation(path, asked, confirmed, t0 + timedelta(days=26), conditions=ok)
    assert _allowed(step) == "bureau_inscription"
    disputed = DebtStanding(date(2024, 1, 1), 10_000, 60, disputed=True, notice_confirmed_at=t0)
    assert _allowed(next_escalation(path, asked, disputed, t0 + timedelta(days=40), conditions=ok)) is None
    paid = EscalationProgress(started_at=t0, paid_minor=100)
    assert next_escalation(path, paid, debt, t0 + timedelta(days=40), conditions=ok) is None


@pytest.mark.parametrize(
    ("conditions", "balance", "days", "rule"),
    [
        (EscalationConditions(), 10_000, 60, "escalation_not_opted_in"),  # opt-in is never assumed
        (EscalationConditions(10_000, 60, True), 10_000, 60, "escalation_conditions"),  # both minimums exactly met
        (EscalationConditions(10_000, 60, True), 9_999, 60, "escalation_min_balance"),  # one cent under
        (EscalationConditions(10_000, 60, True), 10_000, 59, "escalation_min_days_past_due"),  # one day short
    ],
)
def test_the_strategys_conditions_come_before_any_escalation_step(
    conditions: EscalationConditions, balance: int, days: int, rule: str
) -> None:
    debt = DebtStanding(date(2024, 1, 1), balance, days)
    assert meets_conditions(conditions, debt).rule == rule
    t0 = datetime(2024, 3, 1, 12, tzinfo=UTC)
    found = next_escalation(("prior_notice",), EscalationProgress(t0), debt, t0 + timedelta(days=15), None, conditions)
    assert found is not None
    assert found[0] == "prior_notice"
    assert found[1].allowed is (rule == "escalation_conditions")
    assert found[1].rule == ("allowed" if rule == "escalation_conditions" else rule)
    if not found[1].allowed:
        assert found[1].reason  # readable: recorded with the decision


def test_protest_then_small_claims_follow_the_inscription_and_the_law() -> None:
    t0 = datetime(2024, 3, 1, 12, tzinfo=UTC)
    path = ("prior_notice", "bureau_inscription", "protest", "small_claims")
    debt = DebtStanding(date(2023, 6, 1), 10_000, 60, notice_confirmed_at=t0)
    asked = EscalationProgress(started_at=t0, notice_requested=True, inscription_requested=True)

    def at(progress: EscalationProgress, standing: DebtStanding, now: datetime) -> tuple[str, EscalationVerdict] | None:
        return next_escalation(path, progress, standing, now, conditions=OPTED_IN)

    assert at(asked, debt, t0 + timedelta(days=30)) is None  # not inscribed yet: the ask awaits its answer
    inscribed = replace(asked, inscribed=True)
    assert _allowed(at(inscribed, debt, t0 + timedelta(days=30))) == "protest_presentation"
    presented = replace(inscribed, protest_presented=True)
    held = at(presented, debt, t0 + timedelta(days=30))  # no registry notice yet: held, saying why
    assert held is not None
    assert (held[0], held[1].allowed, held[1].rule) == ("protest", False, "protest_notice")
    noticed = replace(debt, protest_notice_at=t0 + timedelta(days=30))  # Sunday 31 March (Easter)
    edge = datetime(2024, 4, 4, 3, tzinfo=UTC)  # after Mon 1, Tue 2, Wed 3 April: Thursday 00:00 in São Paulo
    early = at(presented, noticed, edge - timedelta(seconds=1))  # the notice period runs
    assert early is not None
    assert (early[0], early[1].allowed, early[1].not_before) == ("protest", False, edge)
    assert _allowed(at(presented, noticed, edge)) == "protest"
    asked_protest = replace(presented, protest_requested_at=edge)
    assert at(asked_protest, noticed, edge + timedelta(hours=23)) is None  # asked: waits for the registry
    assert _allowed(at(asked_protest, noticed, edge + timedelta(days=1))) == "protest"  # the registry found it early
    protested = replace(asked_protest, protested=True)
    assert _allowed(at(protested, noticed, edge)) == "small_claims"
    barred = replace(noticed, due_date=date(2019, 3, 1))
    refused = at(protested, barred, datetime(2024, 3, 1, tzinfo=UTC))  # time-barred: held with the reason
    assert refused is not None
    assert (refused[0], refused[1].allowed, refused[1].rule) == ("small_claims", False, "time_barred")
    assert at(replace(protested, filing_requested=True), noticed, edge) is None
    recalled = at(inscribed, replace(noticed, recalled=True), t0 + timedelta(days=30))
    assert recalled is not None
    assert (recalled[0], recalled[1].allowed, recalled[1].rule) == ("protest_presentation", False, "recalled")
    not_opted = next_escalation(path, inscribed, debt, t0 + timedelta(days=30))  # the strategy's conditions first
    assert not_opted is not None
    assert (not_opted[0], not_opted[1].rule) == ("protest_presentation", "escalation_not_opted_in")
