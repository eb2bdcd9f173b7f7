"""Batch rules: later repeats of a reference point at the first, the ceiling names itself, errors name items[i]."""

from __future__ import annotations

from cordial_gateway.domain.batch import ItemResult, duplicates, over_ceiling


def test_duplicates_point_at_the_first_occurrence() -> None:
    assert duplicates(["a", "b", "a", "", "", "b", "a"]) == {2: 0, 5: 1, 6: 0}
    assert duplicates([]) == {}


def test_ceiling_is_inclusive() -> None:
    assert over_ceiling(1_000, 1_000) is None
    reason = over_ceiling(1_001, 1_000)
    assert reason is not None
    assert "1000" in reason


def test_rejection_names_the_item_and_field() -> None:
    result = ItemResult(7, "ref", status="created")
    result.reject("principal.amount_minor", "too big")
    result.reject("", "not an object")
    assert result.status == "rejected"
    assert [e["field"] for e in result.errors] == ["items[7].principal.amount_minor", "items[7]"]
