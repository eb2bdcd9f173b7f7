"""The protest notice period in business days of the place: the protocol day excluded, holidays of the state off."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from cordial_core.business_days import (
    PROTEST_PERIODS,
    add_business_days,
    is_business_day,
    protest_not_before,
    protest_period,
)

SP = "America/Sao_Paulo"


def test_the_period_is_data_with_its_citation() -> None:
    period = protest_period("BR", "MG")
    assert period is PROTEST_PERIODS["BR"]
    assert period.business_days == 3
    assert "Lei 9.492/1997 art. 12" in period.citation
    assert protest_period("", "") is PROTEST_PERIODS["BR"]


def test_a_jurisdiction_may_have_its_own_period(monkeypatch: pytest.MonkeyPatch) -> None:
    from cordial_core import business_days as module

    monkeypatch.setitem(module.PROTEST_PERIODS, "BR-RJ", module.ProtestPeriod(5, "RJ: hypothetical"))
    assert protest_period("BR", "RJ").business_days == 5
    assert protest_period("BR", "SP").business_days == 3
    notified = datetime(2024, 3, 4, 15, tzinfo=UTC)  # Monday
    assert protest_not_before(notified, SP, "BR", "RJ") == datetime(2024, 3, 12, 3, tzinfo=UTC)


@pytest.mark.parametrize(
    ("notified", "state", "ready"),
    [
        # Monday: Tue, Wed, Thu; the protocol day itself never counts (art. 12 §1), even at 00:01.
        (datetime(2024, 3, 4, 3, 1, tzinfo=UTC), "SP", datetime(2024, 3, 8, 3, tzinfo=UTC)),
        # Friday: the weekend is not counted: Mon, Tue, Wed.
        (datetime(2024, 3, 1, 15, tzinfo=UTC), "SP", datetime(2024, 3, 7, 3, tzinfo=UTC)),
        # 9 July is São Paulo's holiday, not Minas Gerais': one more day in SP.
        (datetime(2024, 7, 8, 15, tzinfo=UTC), "SP", datetime(2024, 7, 13, 3, tzinfo=UTC)),
        (datetime(2024, 7, 8, 15, tzinfo=UTC), "MG", datetime(2024, 7, 12, 3, tzinfo=UTC)),
        # 15 and 20 November 2024 are national holidays: Mon 18, Tue 19, Thu 21.
        (datetime(2024, 11, 14, 15, tzinfo=UTC), "", datetime(2024, 11, 22, 3, tzinfo=UTC)),
    ],
)
def test_protest_not_before_at_its_edges(notified: datetime, state: str, ready: datetime) -> None:
    assert protest_not_before(notified, SP, "BR", state) == ready


def test_days_are_the_places_own() -> None:
    # 03:30 UTC on Tuesday 5 March is still Monday 23:30 in Manaus: Tue, Wed, Thu there, Friday 00:00 local.
    notified = datetime(2024, 3, 5, 3, 30, tzinfo=UTC)
    assert protest_not_before(notified, "America/Manaus", "BR", "AM") == datetime(2024, 3, 8, 4, tzinfo=UTC)
    assert protest_not_before(notified, SP, "BR", "SP") == datetime(2024, 3, 9, 3, tzinfo=UTC)


def test_business_days_and_their_count() -> None:
    assert not is_business_day(date(2024, 3, 9))  # Saturday
    assert not is_business_day(date(2024, 9, 5), "BR", "AM")  # Amazonas' elevation day
    assert is_business_day(date(2024, 9, 5), "BR", "SP")
    assert add_business_days(date(2024, 12, 23), 3) == date(2024, 12, 27)  # Christmas skipped
    assert add_business_days(date(2024, 3, 4), 0) == date(2024, 3, 4)
