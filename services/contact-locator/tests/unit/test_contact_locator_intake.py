"""Points from the debtor or an agent: recorded with source and time, phones verified, bad input named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cordial.events.v1 import messages_pb2
from cordial.types.v1 import types_pb2
from cordial_contact_locator.adapters.memory import MemoryContactPoints
from cordial_contact_locator.adapters.verification_memory import MemoryBudgets, MemoryCache
from cordial_contact_locator.api.events import handlers
from cordial_contact_locator.domain.directory import Directory
from cordial_contact_locator.domain.intake import ContactIntake
from cordial_contact_locator.domain.verification import LineInfo, Verifier
from cordial_contact_locator.domain.verification_jobs import VerificationJobs
from cordial_core.clock import ControllableClock
from cordial_core.errors import InvalidArgument
from cordial_core.events import EventSource
from cordial_core.rate_cells import LocalRate
from cordial_core.rate_limit import TokenBucket

NOW = datetime(2024, 3, 5, 13, 0, tzinfo=UTC)
PHONE, EMAIL = types_pb2.CONTACT_KIND_PHONE, types_pb2.CONTACT_KIND_EMAIL


class Lookup:
    def __init__(self) -> None:
        self.calls: list[str] = []

    async def lookup(self, number: str) -> LineInfo:
        self.calls.append(number)
        return LineInfo(number, True, "mobile", "Tim", NOW)


class NoBatches:
    async def create(self, batch: object, numbers: list[str]) -> bool:
        return True

    async def save(self, batch: object) -> None:
        return None

    async def get(self, tenant: str, batch_id: str) -> None:
        return None

    async def numbers(self, tenant: str, batch_id: str) -> list[str]:
        return []


def make() -> tuple[ContactIntake, MemoryContactPoints, Lookup]:
    clock = ControllableClock(NOW)
    points, lookup = MemoryContactPoints(), Lookup()
    verifier = Verifier(
        lookup,
        MemoryCache(),
        MemoryBudgets(),
        clock,
        LocalRate(TokenBucket(100, 10, NOW.timestamp()), clock),
        ttl=timedelta(days=30),
        monthly_budget=100,
    )
    jobs = VerificationJobs(verifier, points, NoBatches(), clock)  # type: ignore[arg-type]
    return ContactIntake(Directory(points, clock, lambda s: "h" + s), jobs), points, lookup


async def test_a_debtor_given_number_is_kept_with_its_source_and_time_and_verified() -> None:
    intake, points, lookup = make()
    [phone, mail] = await intake.add("t1", "", "p1", [(PHONE, "(11) 98765-4321"), (EMAIL, "Ana@Example.com")], "debtor")
    assert (phone.value, phone.source, phone.learned_at) == ("+5511987654321", "debtor", NOW)
    assert (mail.value, mail.source) == ("Ana@example.com", "debtor")
    assert lookup.calls == ["+5511987654321"]
    assert points.lines[phone.id].carrier == "Tim"
    # With no debt, the event is about the debtor.
    assert {e.envelope.subject for e in points.events} == {"p1"}


async def test_an_invalid_value_from_the_debtor_is_kept_invalid_with_the_reason_and_not_paid() -> None:
    intake, _, lookup = make()
    [bad] = await intake.add("t1", "d1", "p1", [(PHONE, "12")], "debtor")
    assert not bad.valid
    assert bad.reason
    assert lookup.calls == []


@pytest.mark.parametrize(
    ("debtor", "supplied", "source", "field"),
    [
        ("", [(PHONE, "11 98765-4321")], "debtor", "debtor_id"),
        ("p1", [(PHONE, "11 98765-4321")], "", "source"),
        ("p1", [(PHONE, "11 98765-4321")], "client", "source"),
        ("p1", [], "debtor", "contact_points"),
        ("p1", [(0, "11 98765-4321")], "debtor", "contact_points[0].kind"),
        ("p1", [(PHONE, "11 98765-4321"), (PHONE, "  ")], "agent", "contact_points[1].value"),
    ],
)
async def test_bad_input_is_refused_naming_the_field(
    debtor: str, supplied: list[tuple[int, str]], source: str, field: str
) -> None:
    intake, points, _ = make()
    with pytest.raises(InvalidArgument) as refused:
        await intake.add("t1", "", debtor, supplied, source)
    assert refused.value.field == field
    assert points.points == {}


async def test_a_number_offered_in_a_reply_is_kept_as_the_debtors_and_verified() -> None:
    intake, points, lookup = make()
    directory = intake._directory
    offered = messages_pb2.ReplyReceived(
        debtor_id="p1", debt_id="d1", channel=types_pb2.CHANNEL_SMS, contact_point_id="cp-old"
    )
    offered.offered_contacts.add(kind=PHONE, value="+5521998765432")
    handle = handlers(directory, intake)
    source = EventSource("messaging", ControllableClock(NOW))
    await handle(source.event("reply.received", offered, tenant="t1", subject="d1", key="p1").envelope)
    [point] = points.points.values()
    assert (point.value, point.source, point.debtor_id) == ("+5521998765432", "debtor", "p1")
    assert lookup.calls == ["+5521998765432"]
