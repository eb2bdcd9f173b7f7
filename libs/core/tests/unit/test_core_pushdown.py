"""Queries FerretDB reads by `_id` alone: which ones qualify, and that their conditions decide as MongoDB would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cordial_core.pushdown import Undecided, id_list_query, matches, plain_id_query

AT = datetime(2026, 3, 3, 13, 0, 0, 123000, tzinfo=UTC)


def test_only_one_id_with_plain_equalities_is_read_by_id() -> None:
    assert plain_id_query({"_id": "a1", "tenant": "t1", "state": "pending", "version": 3, "due_at": AT})
    assert plain_id_query({"_id": "a1", "_outbox": {}})
    assert not plain_id_query({"tenant": "t1"}), "no _id"
    assert not plain_id_query({"_id": {"$in": ["a1"]}}), "an operator on _id"
    assert not plain_id_query({"_id": "a1", "version": {"$lt": 3}}), "an operator on a field"
    assert plain_id_query({"_id": "a1", "attempts.x.status": "started"}), "a dotted path"
    assert plain_id_query({"_id": "a1", "blocked.2": {"$in": [None, ""]}}), "one of plain values"
    assert not plain_id_query({"_id": "a1", "blocked.2": {"$in": [["x"]]}}), "one of values that are not plain"
    assert not plain_id_query({"_id": "a1", "blocked.2": {"$in": "x"}}), "$in of no list"
    assert not plain_id_query({"_id": "a1", "blocked.2": {"$in": [None], "$ne": "x"}}), "another operator"
    assert not plain_id_query({"_id": "a1", "blocked..2": "x"}), "an empty path part"
    assert not plain_id_query({"_id": "a1", "$or": [{"a": 1}]})
    assert not plain_id_query({"_id": "a1", "tags": ["a"]}), "an array"


def test_conditions_decide_as_bson_equality() -> None:
    doc = {"_id": "a1", "tenant": "t1", "version": 2, "flag": True, "due_at": AT, "_outbox": {}}
    assert matches(doc, {"_id": "a1", "tenant": "t1", "version": 2, "_outbox": {}})
    assert not matches(doc, {"_id": "a1", "tenant": "t2"}), "another tenant's document is not found"
    assert not matches(doc, {"_id": "a1", "version": 1})
    assert not matches(None, {"_id": "a1"})
    assert matches(doc, {"_id": "a1", "missing": None}), "null matches a missing field"
    assert not matches(doc, {"_id": "a1", "flag": 1}), "a boolean is not a number"
    assert matches(doc, {"_id": "a1", "due_at": AT + timedelta(microseconds=900)}), "stored to the millisecond"
    assert matches(doc, {"_id": "a1", "due_at": AT.replace(tzinfo=None)}), "a naive time is UTC"
    assert not matches(doc, {"_id": "a1", "due_at": AT + timedelta(milliseconds=1)})


def test_dotted_paths_and_lists_of_values_decide_as_mongodb() -> None:
    doc = {"_id": "a1", "blocked": {"2": "opted out", "3": ""}, "name": "x", "reach": {"2": [1.0, 2.0]}}
    assert matches(doc, {"_id": "a1", "blocked.2": "opted out"})
    assert not matches(doc, {"_id": "a1", "blocked.2": ""})
    assert matches(doc, {"_id": "a1", "blocked.3": {"$in": [None, ""]}}), "a blank is one of the values"
    assert matches(doc, {"_id": "a1", "blocked.4": {"$in": [None, ""]}}), "null is one of them: missing matches"
    assert not matches(doc, {"_id": "a1", "blocked.2": {"$in": [None, ""]}})
    assert matches(doc, {"_id": "a1", "name.first": None}), "a path through a string is missing"
    assert not matches(doc, {"_id": "a1", "missing.deeper": "x"})
    assert matches(doc, {"_id": "a1", "state": {"$in": ["open", None]}})
    assert not matches(doc, {"_id": "a1", "state": {"$in": []}})
    with pytest.raises(Undecided):
        matches(doc, {"_id": "a1", "reach.2": 1.0})  # an array: its rules are MongoDB's
    with pytest.raises(Undecided):
        matches({"_id": "a1", "items": [{"n": 1}]}, {"_id": "a1", "items.n": 1})


def test_a_list_of_ids_with_plain_equalities_is_read_id_by_id() -> None:
    assert id_list_query({"_id": {"$in": ["a", "b"]}, "tenant": "t1"})
    assert id_list_query({"_id": {"$in": []}, "tenant": "t1"})
    assert not id_list_query({"_id": {"$in": ["a"], "$ne": "b"}}), "another operator beside $in"
    assert not id_list_query({"_id": {"$in": [["a"]]}}), "a value that is not an id"
    assert not id_list_query({"_id": {"$in": ["a"]}, "state": {"$ne": "x"}}), "an operator on another field"
    assert not id_list_query({"tenant": "t1"})
