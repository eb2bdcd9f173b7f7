"""The simulation's checker finds each violation on its own encoding of the rules, at their edges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cordial_stack.simulation.checker import PAID_IN_FULL, RULES, Place, Reply, check, within_hours

SP = Place("America/Sao_Paulo", "BR", "SP")
RJ = Place("America/Sao_Paulo", "BR", "RJ")
NY = Place("America/New_York", "US", "NY")
NO_REGISTRIES: dict[str, list[dict[str, str]]] = {"notices": [], "inscriptions": [], "protests": []}


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _message(to: str, at: str, channel: str = "sms") -> dict[str, str]:
    return {"to": to, "received_at": _at(at).astimezone(UTC).isoformat(), "channel": channel}


def test_brazilian_hours_weekdays_saturdays_sundays_and_state_holidays() -> None:
    assert not within_hours(_at("2026-03-03T07:59:59-03:00"), SP)
    assert within_hours(_at("2026-03-03T08:00:00-03:00"), SP)
    assert within_hours(_at("2026-03-03T19:59:59-03:00"), SP)
    assert not within_hours(_at("2026-03-03T20:00:00-03:00"), SP)
    assert within_hours(_at("2026-03-07T13:59:00-03:00"), SP)  # Saturday
    assert not within_hours(_at("2026-03-07T14:00:00-03:00"), SP)
    assert not within_hours(_at("2026-03-08T10:00:00-03:00"), SP)  # Sunday
    assert not within_hours(_at("2026-04-03T10:00:00-03:00"), SP)  # Good Friday, national
    assert not within_hours(_at("2026-04-23T10:00:00-03:00"), RJ)  # São Jorge, Rio de Janeiro only
    assert within_hours(_at("2026-04-23T10:00:00-03:00"), SP)


def test_us_hours_follow_the_local_clock_across_daylight_saving() -> None:
    assert within_hours(_at("2026-03-07T20:59:00-05:00"), NY)
    assert not within_hours(_at("2026-03-07T21:00:00-05:00"), NY)
    # 12:30 UTC is 07:30 in New York before the change (EST) and 08:30 after it (EDT, 8 March 2026).
    assert not within_hours(_at("2026-03-06T12:30:00+00:00"), NY)
    assert within_hours(_at("2026-03-09T12:30:00+00:00"), NY)


def test_caps_count_per_person_per_local_day_and_seven_days() -> None:
    places = {"5511": SP}
    one_a_day = [_message("+5511", f"2026-03-0{d}T10:00:00-03:00") for d in (2, 3, 4)]
    assert check(one_a_day, NO_REGISTRIES, places, [], set()).violations[RULES[1]] == 0
    twice = [*one_a_day, _message("+5511", "2026-03-04T18:00:00-03:00", "whatsapp")]
    assert check(twice, NO_REGISTRIES, places, [], set()).violations[RULES[1]] == 1
    fourth = [*one_a_day, _message("+5511", "2026-03-05T10:00:00-03:00")]
    assert check(fourth, NO_REGISTRIES, places, [], set()).violations[RULES[1]] == 1
    next_week = [*one_a_day, _message("+5511", "2026-03-09T10:00:00-03:00")]
    assert check(next_week, NO_REGISTRIES, places, [], set()).violations[RULES[1]] == 0


def test_messages_after_holds_and_opt_outs() -> None:
    places = {"5511": SP}
    said = _at("2026-03-03T10:00:00-03:00")
    later = [_message("+5511", "2026-03-05T10:00:00-03:00", "sms")]
    opted_out_sms = [Reply("5511", "opt_out", "sms", said)]
    assert check(later, NO_REGISTRIES, places, opted_out_sms, set()).violations[RULES[3]] == 1
    opted_out_wa = [Reply("5511", "opt_out", "whatsapp", said)]
    assert check(later, NO_REGISTRIES, places, opted_out_wa, set()).violations[RULES[3]] == 0
    assert check(later, NO_REGISTRIES, places, [Reply("5511", "dispute", "sms", said)], set()).violations[RULES[2]] == 1
    pause_over = [_message("+5511", (said + timedelta(days=31)).isoformat())]
    hardship = [Reply("5511", "hardship", "sms", said)]
    assert check(pause_over, NO_REGISTRIES, places, hardship, set()).violations[RULES[2]] == 0
    assert check(later, NO_REGISTRIES, places, hardship, set()).violations[RULES[2]] == 1


def test_messages_after_paying_in_full_are_counted_not_violations() -> None:
    places = {"5511": SP}
    paid = [Reply("5511", "paid_in_full", "", _at("2026-03-04T10:00:00-03:00"))]
    messages = [_message("+5511", "2026-03-03T10:00:00-03:00"), _message("+5511", "2026-03-05T10:00:00-03:00")]
    findings = check(messages, NO_REGISTRIES, places, paid, set())
    assert findings.looked_at[PAID_IN_FULL] == 1
    assert not any(findings.violations.values())


def test_inscriptions_need_a_notice_and_its_waiting_period_and_settled_ones_are_removed() -> None:
    notice = {"id": "n1", "debt_id": "d1", "confirmed_at": "2026-03-10T12:00:00+00:00"}

    def inscription(at: str, status: str = "active", notice_id: str = "n1") -> dict[str, str]:
        return {"id": "i1", "notice_id": notice_id, "debt_id": "d1", "inscribed_at": at, "status": status}

    def found(inscriptions: list[dict[str, str]], settled: tuple[str, ...] = ()) -> dict[str, int]:
        registries = {"notices": [notice], "inscriptions": inscriptions, "protests": []}
        return dict(check([], registries, {}, [], set(settled)).violations)

    assert found([inscription("2026-03-20T12:00:00+00:00")])[RULES[4]] == 0
    assert found([inscription("2026-03-20T11:59:00+00:00")])[RULES[4]] == 1
    assert found([inscription("2026-03-25T12:00:00+00:00", notice_id="n2")])[RULES[4]] == 1
    assert found([inscription("2026-03-25T12:00:00+00:00")] * 2)[RULES[5]] == 1
    assert found([inscription("2026-03-25T12:00:00+00:00")], ("d1",))[RULES[7]] == 1
    assert found([inscription("2026-03-25T12:00:00+00:00", "removed")], ("d1",))[RULES[7]] == 0


def test_the_one_opt_out_confirmation_within_minutes_is_no_contact() -> None:
    places = {"5511": SP}
    said = _at("2026-03-03T23:30:00-03:00")  # the debtor writes at night
    confirmation = _message("+5511", "2026-03-03T23:30:02-03:00")
    reply = [Reply("5511", "opt_out", "sms", said)]
    found = check([confirmation], NO_REGISTRIES, places, reply, set())
    assert sum(found.violations.values()) == 0
    assert found.looked_at["opt-out confirmations"] == 1
    second = _message("+5511", "2026-03-03T23:31:00-03:00")
    found = check([confirmation, second], NO_REGISTRIES, places, reply, set())
    assert found.violations[RULES[3]] == 1
    assert found.violations[RULES[0]] == 1
