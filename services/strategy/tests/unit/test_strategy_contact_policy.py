"""The full contact policy: caps across debts and clients, channel caps, Regulation F calls, holds, opt-outs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from cordial.types.v1 import types_pb2
from cordial_strategy.domain.debtor import Contact, DebtorState, Hold, HoldKind, debt_key
from cordial_strategy.domain.policy import ChannelCap, ContactPolicy, ContactRequest

SP = "America/Sao_Paulo"
NY = "America/New_York"
SMS = types_pb2.CHANNEL_SMS
WA = types_pb2.CHANNEL_WHATSAPP
VOICE = types_pb2.CHANNEL_VOICE
POLICY = ContactPolicy()


def at(zone: str, *parts: int) -> datetime:
    """A local wall time in a zone, as the UTC instant a clock would report."""
    return datetime(*parts, tzinfo=ZoneInfo(zone)).astimezone(UTC)  # type: ignore[misc]


def req(debt: str = "d1", tenant: str = "t1", channel: int = SMS, **kw: str) -> ContactRequest:
    return ContactRequest(tenant, debt, channel, time_zone=kw.pop("zone", SP), state=kw.pop("state", "SP"), **kw)


def sent(debtor: DebtorState, when: datetime, debt: str = "d1", tenant: str = "t1", channel: int = SMS) -> None:
    kind = "call" if channel == VOICE else "message"
    debtor.record(f"m{len(debtor.contacts)}", Contact(when, channel, debt_key(tenant, debt), kind), when)


def test_allowed_names_the_counts_and_the_clock() -> None:
    now = at(SP, 2024, 3, 5, 10, 0)
    decision = POLICY.check(now, req(), DebtorState("p1"))
    assert decision.allowed is True
    assert decision.rule == "contact_policy"
    assert decision.decided_at == now
    assert decision.time_zone == SP
    assert decision.values["contacts_today"] == "0/1"
    assert decision.values["local_time"] == "2024-03-05 Tuesday 10:00"


def test_one_a_day_across_debts_and_clients_resets_at_local_midnight_then_opens() -> None:
    debtor = DebtorState("p1")
    sent(debtor, at(SP, 2024, 3, 5, 9, 0), debt="other", tenant="t2")
    decision = POLICY.check(at(SP, 2024, 3, 5, 19, 59), req(), debtor)
    assert decision.allowed is False
    assert decision.rule == "cap_per_day"
    assert decision.values["count"] == "1"
    assert decision.next_allowed_at == at(SP, 2024, 3, 6, 8, 0)
    # The cap resets on the next local day: the first minute of the window is allowed.
    assert POLICY.check(at(SP, 2024, 3, 6, 7, 59), req(), debtor).rule == "contact_hours"
    assert POLICY.check(at(SP, 2024, 3, 6, 8, 0), req(), debtor).allowed is True


def test_day_is_the_debtors_local_day_not_utc() -> None:
    debtor = DebtorState("p1")
    # 19:30 Monday in New York is 23:30 UTC; 00:30 UTC Tuesday is still Monday there.
    sent(debtor, at(NY, 2024, 3, 4, 19, 30))
    decision = POLICY.check(at(NY, 2024, 3, 4, 20, 30), req(zone=NY, state=""), debtor)
    assert decision.rule == "cap_per_day"
    assert decision.next_allowed_at == at(NY, 2024, 3, 5, 8, 0)


def test_three_a_week_rolling_seven_local_days() -> None:
    debtor = DebtorState("p1")
    for day in (4, 5, 6):  # Monday to Wednesday
        sent(debtor, at(SP, 2024, 3, day, 10, 0))
    decision = POLICY.check(at(SP, 2024, 3, 8, 10, 0), req(), debtor)
    assert decision.rule == "cap_per_week"
    assert decision.values["count"] == "3"
    # Monday's contact leaves the window on the next Monday.
    assert decision.next_allowed_at == at(SP, 2024, 3, 11, 8, 0)
    assert POLICY.check(at(SP, 2024, 3, 10, 23, 59), req(), debtor).allowed is False
    assert POLICY.check(at(SP, 2024, 3, 11, 8, 0), req(), debtor).allowed is True


def test_reservations_count_until_released() -> None:
    debtor = DebtorState("p1")
    now = at(SP, 2024, 3, 5, 10, 0)
    debtor.record("a1", Contact(now, SMS, debt_key("t1", "d1"), state="reserved"), now)
    assert POLICY.check(now, req(), debtor).rule == "cap_per_day"
    debtor.release("a1")
    assert POLICY.check(now, req(), debtor).allowed is True


def test_old_contacts_are_forgotten() -> None:
    debtor = DebtorState("p1")
    sent(debtor, at(SP, 2024, 3, 1, 10, 0))
    debtor.record("x", Contact(at(SP, 2024, 3, 12, 10, 0), SMS, "t1/d9"), at(SP, 2024, 3, 12, 10, 0))
    assert list(debtor.contacts) == ["x"]


def test_channel_cap() -> None:
    policy = ContactPolicy(per_day=5, per_week=10, channel_caps={WA: ChannelCap(per_day=1, per_week=2)})
    debtor = DebtorState("p1")
    sent(debtor, at(SP, 2024, 3, 5, 9, 0), channel=WA)
    decision = policy.check(at(SP, 2024, 3, 5, 10, 0), req(channel=WA), debtor)
    assert decision.rule == "channel_cap_per_day"
    assert "CHANNEL_WHATSAPP" in decision.explanation
    assert policy.check(at(SP, 2024, 3, 5, 10, 0), req(channel=SMS), debtor).allowed is True
    sent(debtor, at(SP, 2024, 3, 6, 9, 0), channel=WA)
    assert policy.check(at(SP, 2024, 3, 7, 10, 0), req(channel=WA), debtor).rule == "channel_cap_per_week"


def test_reg_f_seven_calls_in_seven_days_per_debt() -> None:
    policy = ContactPolicy(per_day=10, per_week=50)
    debtor = DebtorState("p1")
    for day in range(4, 11):  # Monday 4 to Sunday 10 March, one call a day
        sent(debtor, at(NY, 2024, 3, day, 10, 0), channel=VOICE)
    us = {"zone": NY, "state": ""}
    decision = policy.check(at(NY, 2024, 3, 10, 15, 0), req(channel=VOICE, **us), debtor)
    assert decision.rule == "regf_calls_7_in_7"
    assert decision.next_allowed_at == at(NY, 2024, 3, 11, 8, 0)
    # Another debt of the same person is counted apart.
    assert policy.check(at(NY, 2024, 3, 10, 15, 0), req(debt="d2", channel=VOICE, **us), debtor).allowed is True
    assert policy.check(at(NY, 2024, 3, 11, 8, 0), req(channel=VOICE, **us), debtor).allowed is True


def test_reg_f_no_call_within_seven_days_after_a_conversation() -> None:
    debtor = DebtorState("p1")
    talk = at(NY, 2024, 3, 4, 10, 0)
    debtor.record("c1", Contact(talk, VOICE, debt_key("t1", "d1"), "conversation"), talk)
    us = {"zone": NY, "state": ""}
    decision = POLICY.check(at(NY, 2024, 3, 10, 20, 0), req(channel=VOICE, **us), debtor)
    assert decision.rule == "regf_after_conversation"
    assert decision.next_allowed_at == at(NY, 2024, 3, 11, 8, 0)
    assert POLICY.check(at(NY, 2024, 3, 11, 8, 0), req(channel=VOICE, **us), debtor).allowed is True
    # Messages are not calls; another debt is not this debt.
    assert POLICY.check(at(NY, 2024, 3, 5, 10, 0), req(channel=SMS, **us), debtor).allowed is True
    assert POLICY.check(at(NY, 2024, 3, 5, 10, 0), req(debt="d2", channel=VOICE, **us), debtor).allowed is True


def test_holds_deny_with_their_scope() -> None:
    now = at(SP, 2024, 3, 5, 10, 0)
    for kind in (HoldKind.DISPUTE, HoldKind.CEASE, HoldKind.DECEASED, HoldKind.INSOLVENCY, HoldKind.NOT_ME):
        debtor = DebtorState("p1")
        debtor.hold(Hold(kind, debt_key("t1", "d1"), now - timedelta(days=1), reason="said so"))
        decision = POLICY.check(now, req(), debtor)
        assert decision.allowed is False
        assert decision.rule == f"hold_{kind}"
        assert decision.next_allowed_at is None
        assert decision.values["hold"] == str(kind)
        assert POLICY.check(now, req(debt="d2"), debtor).allowed is True
        assert POLICY.check(now, req(tenant="t2"), debtor).allowed is True


def test_person_wide_hold_covers_every_debt_of_every_client() -> None:
    now = at(SP, 2024, 3, 5, 10, 0)
    debtor = DebtorState("p1")
    debtor.hold(Hold(HoldKind.DECEASED, "", now))
    assert POLICY.check(now, req(debt="dx", tenant="t9"), debtor).rule == "hold_deceased"
    debtor.lift(HoldKind.DECEASED)
    assert POLICY.check(now, req(), debtor).allowed is True


def test_most_serious_hold_decides() -> None:
    now = at(SP, 2024, 3, 5, 10, 0)
    debtor = DebtorState("p1")
    debtor.hold(Hold(HoldKind.HARDSHIP, "", now, now + timedelta(days=30)))
    debtor.hold(Hold(HoldKind.INSOLVENCY, "", now))
    assert POLICY.check(now, req(), debtor).rule == "hold_insolvency"


def test_hardship_pause_ends_on_its_day() -> None:
    start = at(SP, 2024, 3, 5, 10, 0)
    until = start + timedelta(days=30)
    debtor = DebtorState("p1")
    debtor.hold(Hold(HoldKind.HARDSHIP, "", start, until, "lost my job"))
    decision = POLICY.check(until - timedelta(minutes=1), req(), debtor)
    assert decision.rule == "hold_hardship"
    assert decision.next_allowed_at == until
    assert "lost my job" in decision.explanation
    assert POLICY.check(until, req(), debtor).allowed is True


def test_agreement_in_good_standing_allows_only_installment_reminders() -> None:
    now = at(SP, 2024, 3, 5, 10, 0)
    debtor = DebtorState("p1")
    debtor.hold(Hold(HoldKind.AGREEMENT, debt_key("t1", "d1"), now))
    assert POLICY.check(now, req(), debtor).rule == "hold_agreement"
    assert POLICY.check(now, req(purpose="installment_reminder"), debtor).allowed is True


def test_not_me_blocks_the_contact_point_for_this_debtor_only() -> None:
    now = at(SP, 2024, 3, 5, 10, 0)
    debtor = DebtorState("p1")
    debtor.block_point("cp1", "someone else answered: not me")
    decision = POLICY.check(now, req(contact_point_id="cp1"), debtor)
    assert decision.rule == "contact_point_blocked"
    assert decision.next_allowed_at is None
    assert POLICY.check(now, req(contact_point_id="cp2"), debtor).allowed is True
    assert POLICY.check(now, req(contact_point_id="cp1"), DebtorState("p2")).allowed is True


def test_opt_out_is_per_channel() -> None:
    now = at(SP, 2024, 3, 5, 10, 0)
    debtor = DebtorState("p1")
    debtor.opt_out(WA, "keyword")
    decision = POLICY.check(now, req(channel=WA), debtor)
    assert decision.rule == "opted_out"
    assert decision.values == {**decision.values, "channel": "CHANNEL_WHATSAPP", "source": "keyword"}
    assert POLICY.check(now, req(channel=SMS), debtor).allowed is True


def test_holds_win_over_quiet_hours() -> None:
    debtor = DebtorState("p1")
    night = at(SP, 2024, 3, 5, 23, 0)
    debtor.hold(Hold(HoldKind.DISPUTE, debt_key("t1", "d1"), night))
    assert POLICY.check(night, req(), debtor).rule == "hold_dispute"
    assert POLICY.check(night, req(debt="d2"), debtor).rule == "contact_hours"


def test_a_validation_notice_is_not_refused_by_the_caps_but_holds_opt_outs_and_hours_still_apply() -> None:
    debtor = DebtorState("p1")
    for day in (4, 5):  # the week's and the day's caps both full
        sent(debtor, at(NY, 2024, 3, day, 9, 0))
        sent(debtor, at(NY, 2024, 3, day, 10, 0), channel=WA)
    now = at(NY, 2024, 3, 5, 11, 0)
    notice = req(zone=NY, state="", purpose="validation_notice")
    assert POLICY.check(now, req(zone=NY, state=""), debtor).rule == "cap_per_day"
    allowed = POLICY.check(now, notice, debtor)
    assert allowed.allowed is True
    assert "a notice the law requires, outside the caps" in allowed.explanation
    # An agreement does not stop it; quiet hours, an opt-out and a cease-contact hold do.
    debtor.hold(Hold(HoldKind.AGREEMENT, debt_key("t1", "d1"), now))
    assert POLICY.check(now, notice, debtor).allowed is True
    assert POLICY.check(at(NY, 2024, 3, 5, 21, 0), notice, debtor).rule == "contact_hours"
    # Never a call: Reg F's call limits hold for every call, and the notice is written.
    spoken = req(zone=NY, state="", channel=VOICE, purpose="validation_notice")
    sent(debtor, at(NY, 2024, 3, 5, 9, 30), channel=VOICE)
    assert POLICY.check(now, spoken, debtor).rule == "cap_per_day"
    debtor.opt_out(SMS, "reply")
    assert POLICY.check(now, notice, debtor).rule == "opted_out"
    debtor.hold(Hold(HoldKind.CEASE, "", now, reason="asked in writing"))
    assert POLICY.check(now, notice, debtor).rule == "hold_cease_contact"
