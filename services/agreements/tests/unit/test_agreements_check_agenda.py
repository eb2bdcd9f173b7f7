"""The check's agenda: the day each live agreement next needs a look, when that day begins for the debtor, and
an agenda that looks at a written agreement at once and at the others only when due."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from cordial_agreements.domain.agreement import Agreement, AgreementState
from cordial_agreements.domain.check_agenda import CheckAgenda, day_begins
from cordial_agreements.domain.offers import Installment

AT = datetime(2024, 3, 4, 12, 0, tzinfo=UTC)


def agreement(valid_until: date | None = date(2024, 3, 6)) -> Agreement:
    installments = (Installment(1, date(2024, 3, 4), 4_000), Installment(2, date(2024, 4, 4), 6_000))
    return Agreement("a1", "t1", "p1", ("d1",), installments, grace_days=5, valid_until=valid_until)


def test_a_proposal_is_looked_at_the_day_after_its_offer_lapses() -> None:
    proposal = agreement()
    assert proposal.next_look() == date(2024, 3, 7)
    assert not proposal.expired(date(2024, 3, 6))
    assert proposal.expired(date(2024, 3, 7))
    assert agreement(valid_until=None).next_look() is None


def test_an_accepted_agreement_is_looked_at_the_day_after_its_first_unpaid_installments_grace() -> None:
    accepted = agreement()
    accepted.accept()
    assert accepted.next_look() == date(2024, 3, 10)  # due 4 March, five days' grace, broken on the 10th
    assert accepted.first_overdue(date(2024, 3, 9)) is None
    assert accepted.first_overdue(date(2024, 3, 10)) is not None
    accepted.receive(4_000)
    assert accepted.next_look() == date(2024, 4, 10)
    accepted.receive(6_000)
    assert accepted.state == AgreementState.SETTLED
    assert accepted.next_look() is None


def test_the_day_begins_in_the_debtors_zone() -> None:
    assert day_begins(date(2024, 3, 10), "America/Sao_Paulo") == datetime(2024, 3, 10, 3, 0, tzinfo=UTC)
    assert day_begins(date(2024, 3, 10), "America/New_York") == datetime(2024, 3, 10, 5, 0, tzinfo=UTC)
    assert day_begins(date(2024, 3, 11), "America/New_York") == datetime(2024, 3, 11, 4, 0, tzinfo=UTC)  # EDT


def test_due_agreements_are_taken_once_and_writes_come_first() -> None:
    agenda = CheckAgenda()
    agenda.plan("t1", "a1", AT + timedelta(days=2))
    agenda.plan("t1", "a2", AT + timedelta(hours=1))
    agenda.plan("t1", "a3", None)
    assert agenda.take_due(AT) == []
    assert agenda.take_due(AT + timedelta(hours=1)) == [("t1", "a2")]
    assert agenda.take_due(AT + timedelta(hours=1)) == [], "taken off until planned again"
    agenda.mark("t1", "a1")
    assert agenda.take_due(AT) == [("t1", "a1")], "a written agreement is looked at on the next pass"
    assert len(agenda) == 0


def test_a_write_during_a_look_is_not_lost() -> None:
    agenda = CheckAgenda()
    agenda.mark("t1", "a1")  # written while a pass was looking at it
    agenda.plan("t1", "a1", AT + timedelta(days=3))  # the look plans from what it had read
    agenda.plan("t1", "a1", None)
    assert agenda.take_due(AT) == [("t1", "a1")]
    agenda.plan("t1", "a1", AT + timedelta(days=3))
    agenda.plan("t1", "a1", AT + timedelta(days=1))
    assert agenda.take_due(AT + timedelta(days=1)) == [("t1", "a1")], "the sooner of two plans"
    agenda.plan("t1", "a2", AT)
    agenda.clear()
    assert agenda.take_due(AT + timedelta(days=9)) == []
