"""Directory: every supplied value recorded with its event; plans use only valid points."""

from __future__ import annotations

from datetime import UTC, datetime

from cordial.events.v1 import contacts_pb2
from cordial.types.v1 import types_pb2
from cordial_contact_locator.adapters.memory import MemoryContactPoints
from cordial_contact_locator.domain.contact_point import PRIOR_SCORE, ContactPoint
from cordial_contact_locator.domain.directory import ContactOutcome, Directory
from cordial_core.clock import ControllableClock
from cordial_core.events import unpack_payload

NOW = datetime(2024, 3, 4, 12, 0, tzinfo=UTC)
PHONE, EMAIL, ADDRESS = types_pb2.CONTACT_KIND_PHONE, types_pb2.CONTACT_KIND_EMAIL, types_pb2.CONTACT_KIND_ADDRESS
SMS, WHATSAPP, MAIL, LETTER, VOICE = (
    types_pb2.CHANNEL_SMS,
    types_pb2.CHANNEL_WHATSAPP,
    types_pb2.CHANNEL_EMAIL,
    types_pb2.CHANNEL_LETTER,
    types_pb2.CHANNEL_VOICE,
)


def fake_hash(plain: str) -> str:
    return "h:" + plain[::-1]


def make() -> tuple[Directory, MemoryContactPoints]:
    points = MemoryContactPoints()
    return Directory(points, ControllableClock(NOW), fake_hash), points


async def test_valid_points_are_verified() -> None:
    directory, points = make()
    recorded = await directory.record_supplied(
        "t1", "d1", "p1", [(PHONE, "(11) 98765-4321"), (EMAIL, "Ana@Example.com")], "client"
    )
    assert [p.value for p in recorded] == ["+5511987654321", "Ana@example.com"]
    assert all(p.valid for p in recorded)
    assert all(p.learned_at == NOW and p.source == "client" and p.tenant == "t1" for p in recorded)
    assert [e.type for e in points.events] == ["contact.verified", "contact.verified"]
    phone_event = points.events[0]
    assert phone_event.envelope.tenant == "t1"
    assert phone_event.envelope.subject == "d1"
    assert phone_event.key == "p1"
    assert phone_event.envelope.source == "contact-locator"
    payload = unpack_payload(phone_event.envelope)
    assert isinstance(payload, contacts_pb2.ContactVerified)
    assert payload.debt_id == "d1"
    assert payload.debtor_id == "p1"
    assert payload.contact_point_id == recorded[0].id
    assert payload.kind == PHONE
    assert list(payload.channels) == [WHATSAPP, SMS]
    # The event never carries the value itself.
    assert b"98765" not in phone_event.encode()


async def test_invalid_points_are_rejected_with_reason() -> None:
    directory, points = make()
    [bad] = await directory.record_supplied("t1", "d1", "p1", [(PHONE, "123")], "client")
    assert bad.valid is False
    assert bad.reason
    [event] = points.events
    assert event.type == "contact.rejected"
    payload = unpack_payload(event.envelope)
    assert isinstance(payload, contacts_pb2.ContactRejected)
    assert payload.reason == bad.reason
    assert payload.contact_point_id == bad.id
    assert payload.kind == PHONE


async def test_same_value_in_any_format_is_one_point() -> None:
    directory, points = make()
    a = await directory.record_supplied("t1", "d1", "p1", [(PHONE, "11987654321")], "client")
    b = await directory.record_supplied("t1", "d2", "p1", [(PHONE, "+55 (11) 98765-4321")], "client")
    assert a[0].id == b[0].id
    assert len(points.points) == 1
    # Each debt still hears about it.
    assert [unpack_payload(e.envelope).debt_id for e in points.events] == ["d1", "d2"]  # type: ignore[attr-defined]


async def test_point_ids_are_scoped_by_tenant_and_debtor() -> None:
    directory, _ = make()
    [a] = await directory.record_supplied("t1", "d1", "p1", [(PHONE, "11987654321")], "client")
    [b] = await directory.record_supplied("t2", "d1", "p1", [(PHONE, "11987654321")], "client")
    [c] = await directory.record_supplied("t1", "d1", "p2", [(PHONE, "11987654321")], "client")
    assert len({a.id, b.id, c.id}) == 3


async def test_plan_orders_by_requested_channels_and_skips_invalid() -> None:
    directory, _ = make()
    await directory.record_supplied(
        "t1",
        "d1",
        "p1",
        [(EMAIL, "ana@example.com"), (PHONE, "123"), (PHONE, "11987654321"), (EMAIL, "broken")],
        "client",
    )
    plan = await directory.plan("t1", "p1", [SMS, MAIL])
    assert [(c.channel, c.point.value) for c in plan] == [(SMS, "+5511987654321"), (MAIL, "ana@example.com")]
    assert all(c.point.valid for c in plan)
    assert all(c.score == PRIOR_SCORE for c in plan)
    assert all("client" in c.reason for c in plan)

    plan = await directory.plan("t1", "p1", [MAIL, WHATSAPP, SMS])
    assert [(c.channel, c.point.value) for c in plan] == [
        (MAIL, "ana@example.com"),
        (WHATSAPP, "+5511987654321"),
        (SMS, "+5511987654321"),
    ]


async def test_plan_keeps_point_order_within_a_channel() -> None:
    directory, _ = make()
    await directory.record_supplied("t1", "d1", "p1", [(PHONE, "11987654321"), (PHONE, "21987654321")], "client")
    plan = await directory.plan("t1", "p1", [WHATSAPP])
    assert [c.point.value for c in plan] == ["+5511987654321", "+5521987654321"]


async def test_plan_for_unoffered_channel_or_other_tenant_is_empty() -> None:
    directory, _ = make()
    await directory.record_supplied("t1", "d1", "p1", [(PHONE, "11987654321")], "client")
    assert await directory.plan("t1", "p1", [LETTER, VOICE]) == []
    assert await directory.plan("t2", "p1", [SMS]) == []
    assert await directory.plan("t1", "other", [SMS]) == []
    assert await directory.plan("t1", "p1", []) == []


async def _two_phones() -> tuple[Directory, MemoryContactPoints, ContactPoint, ContactPoint]:
    directory, points = make()
    first, second = await directory.record_supplied(
        "t1", "d1", "p1", [(PHONE, "(11) 98765-4321"), (PHONE, "(21) 98765-4321")], "client"
    )
    return directory, points, first, second


async def test_plan_ranks_by_learned_reachability_and_says_why() -> None:
    directory, _, first, second = await _two_phones()
    await directory.learn("t1", second.id, WHATSAPP, "read")
    await directory.learn("t1", second.id, WHATSAPP, "replied")
    await directory.learn("t1", first.id, WHATSAPP, "failed")
    plan = await directory.plan("t1", "p1", [WHATSAPP])
    assert [c.point.id for c in plan] == [second.id, first.id]
    assert plan[0].score == 4 / 5
    assert plan[1].score == 1 / 3
    assert "Beta(4, 1) after 3 outcome(s)" in plan[0].reason
    assert "client supplied" in plan[0].reason


async def test_opted_out_channel_is_excluded_others_stay() -> None:
    directory, _, first, second = await _two_phones()
    await directory.opt_out("t1", first.id, WHATSAPP, "keyword")
    plan = await directory.plan("t1", "p1", [WHATSAPP, SMS])
    assert [(c.point.id, c.channel) for c in plan] == [(second.id, WHATSAPP), (first.id, SMS), (second.id, SMS)]
    assert first.exclusion(WHATSAPP) == "opted out (keyword)"


async def test_not_me_removes_the_point_for_good() -> None:
    directory, _, first, second = await _two_phones()
    await directory.not_me("t1", first.id)
    await directory.learn("t1", first.id, WHATSAPP, "read")
    plan = await directory.plan("t1", "p1", [WHATSAPP, SMS])
    assert {c.point.id for c in plan} == {second.id}
    assert first.exclusion(SMS).startswith("removed:")


async def test_not_on_whatsapp_blocks_only_whatsapp() -> None:
    directory, _, first, _ = await _two_phones()
    await directory.not_on_whatsapp("t1", first.id, WHATSAPP)
    plan = await directory.plan("t1", "p1", [WHATSAPP, SMS])
    assert (first.id, WHATSAPP) not in [(c.point.id, c.channel) for c in plan]
    assert (first.id, SMS) in [(c.point.id, c.channel) for c in plan]
    assert "131026" in first.exclusion(WHATSAPP)


async def test_outcomes_of_unknown_points_are_ignored() -> None:
    directory, _ = make()
    await directory.learn("t1", "nope", WHATSAPP, "read")


class FakeOutcomes:
    def __init__(self) -> None:
        self.counted: list[tuple[str, str, str, int, str, str]] = []

    async def count(self, outcome: ContactOutcome) -> bool:
        o = outcome
        self.counted.append((o.tenant, o.source, o.provider, o.channel, o.outcome, o.event_id))
        return True


async def test_right_party_contacts_are_counted_per_tenant_source_provider_and_channel() -> None:
    points, outcomes = MemoryContactPoints(), FakeOutcomes()
    directory = Directory(points, ControllableClock(NOW), fake_hash, outcomes)
    [mine] = await directory.record_supplied("t1", "d1", "p1", [(PHONE, "(11) 98765-4321")], "client")
    [other] = await directory.record_supplied("t1", "d1", "p1", [(PHONE, "(11) 91234-5678")], "debtor")
    await directory.contacted("t1", mine.id, WHATSAPP, "whatsapp", "e1")
    await directory.learn("t1", mine.id, WHATSAPP, "delivered", "e2")
    await directory.learn("t1", mine.id, WHATSAPP, "replied", "e3")
    await directory.contacted("t1", other.id, SMS, "sms", "e4")
    await directory.not_me("t1", other.id, SMS, "e5")
    await directory.contacted("t1", "unknown-point", SMS, "sms", "e6")
    # The reply names no provider: it is credited to the provider that carried the last contact.
    assert outcomes.counted == [
        ("t1", "client", "whatsapp", WHATSAPP, "contacted", "e1"),
        ("t1", "client", "whatsapp", WHATSAPP, "right_party", "e3"),
        ("t1", "debtor", "sms", SMS, "contacted", "e4"),
        ("t1", "debtor", "sms", SMS, "wrong_party", "e5"),
    ]
    assert points.points[mine.id].providers == {WHATSAPP: "whatsapp"}


class FakeWrongParties:
    """Agency-wide wrong-party values per debtor."""

    def __init__(self) -> None:
        self.keys: dict[str, dict[str, str]] = {}

    async def mark(self, debtor_id: str, value_key: str, reason: str) -> None:
        self.keys.setdefault(debtor_id, {})[value_key] = reason

    async def of_debtor(self, debtor_id: str) -> set[str]:
        return set(self.keys.get(debtor_id, {}))


async def test_not_me_at_one_client_keeps_the_value_from_every_client_of_that_debtor() -> None:
    points, wrong = MemoryContactPoints(), FakeWrongParties()
    directory = Directory(points, ControllableClock(NOW), fake_hash, wrong_parties=wrong)
    [at_t1] = await directory.record_supplied("t1", "d1", "p1", [(PHONE, "11 98765-4321")], "client")
    await directory.record_supplied("t2", "d2", "p1", [(PHONE, "+55 11 98765-4321"), (EMAIL, "a@b.com")], "client")
    await directory.record_supplied("t2", "d3", "p2", [(PHONE, "11 98765-4321")], "client")  # another person
    await directory.not_me("t1", at_t1.id)
    assert await directory.plan("t1", "p1", [SMS]) == []
    assert [c.point.value for c in await directory.plan("t2", "p1", [SMS, MAIL])] == ["a@b.com"]
    assert [c.point.value for c in await directory.plan("t2", "p2", [SMS])] == ["+5511987654321"]


class FakeOptedOut:
    """Agency-wide opted-out values and channels per debtor."""

    def __init__(self) -> None:
        self.keys: dict[str, set[tuple[str, int]]] = {}

    async def mark(self, debtor_id: str, value_key: str, channel: int, source: str) -> None:
        self.keys.setdefault(debtor_id, set()).add((value_key, channel))

    async def of_debtor(self, debtor_id: str) -> set[tuple[str, int]]:
        return self.keys.get(debtor_id, set())


async def test_an_opt_out_at_one_client_takes_the_value_off_that_channel_for_every_client() -> None:
    points = MemoryContactPoints()
    directory = Directory(points, ControllableClock(NOW), fake_hash, opted_out=FakeOptedOut())
    [at_t1] = await directory.record_supplied("t1", "d1", "p1", [(PHONE, "11 98765-4321")], "client")
    await directory.record_supplied("t2", "d2", "p1", [(PHONE, "+55 11 98765-4321")], "client")
    await directory.record_supplied("t2", "d3", "p2", [(PHONE, "11 98765-4321")], "client")  # another person
    await directory.opt_out("t1", at_t1.id, SMS, "keyword")
    assert [(c.point.tenant, c.channel) for c in await directory.plan("t2", "p1", [SMS, WHATSAPP])] == [
        ("t2", WHATSAPP)
    ]
    assert [c.channel for c in await directory.plan("t1", "p1", [SMS, WHATSAPP])] == [WHATSAPP]
    assert [c.channel for c in await directory.plan("t2", "p2", [SMS])] == [SMS]
