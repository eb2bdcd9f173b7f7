"""Cursors are opaque and tenant-scoped; a principal correction needs a reason and the debt's currency."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from cordial_agreements.domain import paging
from cordial_agreements.domain.debt import Debt, Debtor, DebtStatus
from cordial_core.errors import FailedPrecondition, InvalidArgument
from cordial_core.money import Money


def test_cursor_round_trips_for_its_tenant_only() -> None:
    cursor = paging.encode("t1", "abc123")
    assert "abc123" not in cursor
    assert paging.decode("t1", cursor) == "abc123"
    for bad in (paging.encode("t2", "abc123"), "not-a-cursor", "e30", cursor[:-3]):
        with pytest.raises(InvalidArgument) as raised:
            paging.decode("t1", bad)
        assert raised.value.field == "cursor"


def _debt(status: DebtStatus = DebtStatus.IN_COLLECTION) -> Debt:
    debtor = Debtor("person", "52998224725", "Maria", "America/Sao_Paulo")
    placed = datetime(2026, 1, 1, tzinfo=UTC)
    return Debt("d1", "t1", "r1", "p1", debtor, Money(10_000, "BRL"), date(2025, 12, 1), "Banco", placed, status=status)


def test_principal_correction_rules() -> None:
    debt = _debt()
    assert debt.correct_principal(Money(10_000, "BRL"), "") is None
    with pytest.raises(InvalidArgument, match="required") as raised:
        debt.correct_principal(Money(9_000, "BRL"), " ")
    assert raised.value.field == "reason"
    with pytest.raises(InvalidArgument) as raised:
        debt.correct_principal(Money(9_000, "USD"), "x")
    assert raised.value.field == "principal.currency"
    assert debt.correct_principal(Money(9_000, "BRL"), "refund") == Money(10_000, "BRL")
    assert debt.principal == Money(9_000, "BRL")
    for closed in (DebtStatus.SETTLED, DebtStatus.IN_AGREEMENT):
        with pytest.raises(FailedPrecondition):
            _debt(closed).correct_principal(Money(1, "BRL"), "x")
