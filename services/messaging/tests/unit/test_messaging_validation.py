"""The validation notice's rules: which template owes it, its window's edges, its period's end and its waits."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from cordial_messaging.domain.catalogue import StoredTemplate
from cordial_messaging.domain.policy import PolicyVerdict
from cordial_messaging.domain.validation import (
    BLOCKED,
    NOT_REQUIRED,
    OwedNotice,
    due_within_window,
    notice_text,
    outcome_of_deny,
    owed_days,
    validation_period_end,
    waits_for_hours,
    window_end,
    window_missed,
)

SENT_AT = datetime(2024, 3, 4, 15, 0, tzinfo=UTC)  # Monday, 10:00 in New York
BODY = "{{ creditor }}: {{ amount }} at {{ portal_link }}"


def us(body: str = BODY, first: bool = True, follows: int = 3, jurisdiction: str = "US") -> StoredTemplate:
    return StoredTemplate("t1", "first", "sms", "en", "reminder", jurisdiction, body, first, follows)


def notice(days: int = 3) -> OwedNotice:
    return OwedNotice("a1", "cp1", 1, "+12025550123", days, window_end(SENT_AT, days))


def test_only_a_us_first_communication_declaring_a_follow_up_without_the_notice_owes_one() -> None:
    assert owed_days(us()) == 3
    assert owed_days(us(follows=5)) == 5
    assert owed_days(us(BODY + " {{ validation_notice }}")) is None  # carries it
    assert owed_days(us(first=False)) is None
    assert owed_days(us(follows=-1)) is None
    assert owed_days(us(jurisdiction="BR")) is None


def test_the_window_ends_n_days_after_the_first_message_and_a_minute_before_is_still_in_time() -> None:
    owed = notice(3)
    assert owed.window_ends_at == SENT_AT + timedelta(days=3)
    assert not window_missed(SENT_AT + timedelta(days=3) - timedelta(minutes=1), owed)
    assert window_missed(SENT_AT + timedelta(days=3), owed)
    # "Follows in 0 days" cannot mean the same instant: it gets a day.
    assert window_end(SENT_AT, 0) == SENT_AT + timedelta(days=1)


def test_a_wait_for_contact_hours_never_sleeps_past_the_windows_end_until_it_ended() -> None:
    owed = notice(3)
    early = SENT_AT + timedelta(hours=10)
    assert due_within_window(early, owed, SENT_AT) == early
    late = owed.window_ends_at + timedelta(hours=8)
    assert due_within_window(late, owed, SENT_AT) == owed.window_ends_at
    # Once the window ended (and was recorded missed) the notice waits for the hours like any send.
    assert due_within_window(late, owed, owed.window_ends_at) == late


def test_the_validation_period_ends_30_days_after_5_business_days_not_counting_federal_holidays() -> None:
    assert validation_period_end(date(2024, 3, 4)) == date(2024, 4, 10)  # Mon -> receipt Mon 11 -> +30
    # July 4 is a federal holiday: Mon 1 -> Tue 2, Wed 3, Fri 5, Mon 8, Tue 9 -> +30 = Aug 8.
    assert validation_period_end(date(2024, 7, 1)) == date(2024, 8, 8)
    text = notice_text("US$ 1,500.00", "Acme Bank", date(2024, 3, 4))
    assert "US$ 1,500.00 owed to Acme Bank" in text
    assert "by April 10, 2024" in text
    assert "verification of the debt" in text


def test_a_deny_for_contact_hours_waits_a_settled_debt_needs_none_a_hold_blocks() -> None:
    opens = SENT_AT + timedelta(hours=13)
    assert waits_for_hours(PolicyVerdict(False, "contact_hours", "21:00 in New York", opens))
    assert not waits_for_hours(PolicyVerdict(False, "hold_cease_contact", "asked to cease"))
    assert outcome_of_deny(PolicyVerdict(False, "standing_settled", "paid")) == NOT_REQUIRED
    assert outcome_of_deny(PolicyVerdict(False, "standing_written_off", "written off")) == NOT_REQUIRED
    assert outcome_of_deny(PolicyVerdict(False, "hold_dispute", "disputed")) == BLOCKED
    assert outcome_of_deny(PolicyVerdict(False, "opted_out", "SMS by reply")) == BLOCKED
