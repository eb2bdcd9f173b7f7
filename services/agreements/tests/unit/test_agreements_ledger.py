"""Ledger: placement and payments, idempotent, tenant-scoped, each change with its events."""

from __future__ import annotations

import asyncio
import copy
import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cordial.events.v1 import debts_pb2
from cordial.types.v1 import types_pb2
from cordial_agreements.domain.debt import Debt, Debtor, DebtStatus
from cordial_agreements.domain.ledger import Ledger, Placement
from cordial_core.clock import ControllableClock
from cordial_core.errors import FailedPrecondition, InvalidArgument, NotFound
from cordial_core.events import Event, unpack_payload
from cordial_core.money import Money

NOW = datetime(2024, 3, 4, 12, 0, tzinfo=UTC)


class FakeDebts:
    """In-memory Debts: copies in and out like a real store, scoped by tenant."""

    def __init__(self) -> None:
        self.docs: dict[tuple[str, str], Debt] = {}
        self.events: list[Event] = []
        self.hide_reference_once = False

    async def add(self, debt: Debt, events: list[Event]) -> bool:
        if any(d.tenant == debt.tenant and d.client_reference == debt.client_reference for d in self.docs.values()):
            return False
        self.docs[(debt.tenant, debt.id)] = copy.deepcopy(debt)
        self.events.extend(events)
        return True

    async def get(self, tenant: str, debt_id: str) -> Debt | None:
        found = self.docs.get((tenant, debt_id))
        return copy.deepcopy(found) if found else None

    async def by_reference(self, tenant: str, client_reference: str) -> Debt | None:
        if self.hide_reference_once:
            self.hide_reference_once = False
            return None
        for d in self.docs.values():
            if d.tenant == tenant and d.client_reference == client_reference:
                return copy.deepcopy(d)
        return None

    async def save(self, debt: Debt, events: list[Event]) -> None:
        stored = self.docs[(debt.tenant, debt.id)]
        if stored.version != debt.version:
            raise FailedPrecondition("the debt changed meanwhile; retry")
        debt.version += 1
        self.docs[(debt.tenant, debt.id)] = copy.deepcopy(debt)
        self.events.extend(events)

    def types(self) -> list[str]:
        return [e.type for e in self.events]


def placement(reference: str = "ref-1", principal: int = 10_000, due: date = date(2024, 2, 1)) -> Placement:
    return Placement(
        client_reference=reference,
        debtor=Debtor("person", "52998224725", "Maria", "America/Sao_Paulo"),
        principal=Money(principal, "BRL"),
        due_date=due,
        creditor_name="Loja",
        contact_points=[(types_pb2.CONTACT_KIND_PHONE, "+5511987654321")],
    )


def make_ledger() -> tuple[Ledger, FakeDebts, ControllableClock]:
    debts = FakeDebts()
    clock = ControllableClock(NOW)
    return Ledger(debts, clock, debtor_id_of), debts, clock


def debtor_id_of(document: str) -> str:
    return "debtor-" + hashlib.sha256(document.encode()).hexdigest()[:16]


async def test_place_creates_the_debt_and_queues_debt_placed() -> None:
    ledger, debts, _ = make_ledger()
    debt, created = await ledger.place("t1", placement())
    assert created is True
    assert debt.tenant == "t1"
    assert debt.debtor_id == debtor_id_of("52998224725")
    assert debt.placed_at == NOW
    assert debt.balance == Money(10_000, "BRL")
    assert debts.types() == ["debt.placed"]
    [event] = debts.events
    assert event.envelope.tenant == "t1"
    assert event.envelope.subject == debt.id
    assert event.key == debt.debtor_id
    assert event.envelope.source == "agreements"
    payload = unpack_payload(event.envelope)
    assert isinstance(payload, debts_pb2.DebtPlaced)
    assert payload.debt_id == debt.id
    assert payload.client_reference == "ref-1"
    assert payload.principal.amount_minor == 10_000
    assert payload.balance.amount_minor == 10_000
    assert payload.time_zone == "America/Sao_Paulo"
    assert payload.debtor_kind == types_pb2.DEBTOR_KIND_PERSON
    assert [(c.kind, c.value) for c in payload.contact_points] == [(types_pb2.CONTACT_KIND_PHONE, "+5511987654321")]
    # Personal data never travels in the event.
    assert b"52998224725" not in payload.SerializeToString()


async def test_place_is_idempotent_by_client_reference() -> None:
    ledger, debts, clock = make_ledger()
    first, created = await ledger.place("t1", placement())
    clock.advance(timedelta(hours=1))
    again, created_again = await ledger.place("t1", placement(principal=99_999))
    assert created is True
    assert created_again is False
    assert again.id == first.id
    assert again.principal == Money(10_000, "BRL")
    assert debts.types() == ["debt.placed"]
    assert len(debts.docs) == 1


async def test_same_reference_in_another_tenant_is_another_debt() -> None:
    ledger, debts, _ = make_ledger()
    a, _ = await ledger.place("t1", placement())
    b, created = await ledger.place("t2", placement())
    assert created is True
    assert a.id != b.id
    assert debts.types() == ["debt.placed", "debt.placed"]


async def test_place_race_answers_with_the_winner() -> None:
    ledger, debts, _ = make_ledger()
    winner, _ = await ledger.place("t1", placement())
    debts.hide_reference_once = True
    loser, created = await ledger.place("t1", placement())
    assert created is False
    assert loser.id == winner.id
    assert debts.types() == ["debt.placed"]


async def test_place_requires_a_client_reference() -> None:
    ledger, debts, _ = make_ledger()
    with pytest.raises(InvalidArgument) as caught:
        await ledger.place("t1", placement(reference=""))
    assert caught.value.field == "client_reference"
    assert debts.events == []


async def test_place_refuses_future_due_date_and_zero_principal() -> None:
    ledger, debts, _ = make_ledger()
    with pytest.raises(InvalidArgument) as caught:
        await ledger.place("t1", placement(due=date(2024, 3, 5)))
    assert caught.value.field == "due_date"
    with pytest.raises(InvalidArgument) as caught:
        await ledger.place("t1", placement(principal=0))
    assert caught.value.field == "principal.amount_minor"
    assert debts.docs == {}
    assert debts.events == []


async def test_get_of_another_tenants_debt_is_not_found() -> None:
    ledger, _, _ = make_ledger()
    debt, _ = await ledger.place("t1", placement())
    assert (await ledger.get("t1", debt.id)).id == debt.id
    with pytest.raises(NotFound) as caught:
        await ledger.get("t2", debt.id)
    assert caught.value.field == "debt_id"
    with pytest.raises(NotFound):
        await ledger.get("t1", "missing")


async def test_payment_in_another_tenant_is_not_found() -> None:
    ledger, debts, _ = make_ledger()
    debt, _ = await ledger.place("t1", placement())
    with pytest.raises(NotFound):
        await ledger.record_payment("t2", debt.id, Money(100, "BRL"), "pay-1", "client")
    assert debts.types() == ["debt.placed"]


async def test_partial_payment_queues_payment_received_only() -> None:
    ledger, debts, clock = make_ledger()
    debt, _ = await ledger.place("t1", placement())
    clock.advance(timedelta(days=1))
    updated, paid, created = await ledger.record_payment("t1", debt.id, Money(4_000, "BRL"), "pay-1", "")
    assert created is True
    assert paid.source == "client"
    assert paid.received_at == NOW + timedelta(days=1)
    assert updated.balance == Money(6_000, "BRL")
    assert updated.status == DebtStatus.PLACED
    assert debts.types() == ["debt.placed", "payment.received"]
    received = unpack_payload(debts.events[-1].envelope)
    assert isinstance(received, debts_pb2.PaymentReceived)
    assert received.payment_id == paid.id
    assert received.amount.amount_minor == 4_000
    assert received.balance_after.amount_minor == 6_000
    stored = await ledger.get("t1", debt.id)
    assert stored.balance == Money(6_000, "BRL")


async def test_full_payment_queues_payment_received_and_debt_settled() -> None:
    ledger, debts, _ = make_ledger()
    debt, _ = await ledger.place("t1", placement())
    updated, _, _ = await ledger.record_payment("t1", debt.id, Money(10_000, "BRL"), "pay-1", "pix")
    assert updated.status == DebtStatus.SETTLED
    assert updated.settled_at == NOW
    assert debts.types() == ["debt.placed", "payment.received", "debt.settled"]
    settled = unpack_payload(debts.events[-1].envelope)
    assert isinstance(settled, debts_pb2.DebtSettled)
    assert settled.total_paid.amount_minor == 10_000
    assert settled.debt_id == debt.id
    stored = await ledger.get("t1", debt.id)
    assert stored.status == DebtStatus.SETTLED


async def test_payment_reference_is_idempotent() -> None:
    ledger, debts, _ = make_ledger()
    debt, _ = await ledger.place("t1", placement())
    _, first, created = await ledger.record_payment("t1", debt.id, Money(3_000, "BRL"), "pay-1", "client")
    again_debt, again, created_again = await ledger.record_payment(
        "t1", debt.id, Money(3_000, "BRL"), "pay-1", "client"
    )
    assert created is True
    assert created_again is False
    assert again == first
    assert again_debt.paid == Money(3_000, "BRL")
    assert debts.types() == ["debt.placed", "payment.received"]


async def test_repeating_the_settling_payment_changes_nothing() -> None:
    ledger, debts, _ = make_ledger()
    debt, _ = await ledger.place("t1", placement())
    await ledger.record_payment("t1", debt.id, Money(10_000, "BRL"), "pay-1", "client")
    _, _, created = await ledger.record_payment("t1", debt.id, Money(10_000, "BRL"), "pay-1", "client")
    assert created is False
    assert debts.types() == ["debt.placed", "payment.received", "debt.settled"]


async def test_new_payment_on_settled_debt_is_refused() -> None:
    ledger, debts, _ = make_ledger()
    debt, _ = await ledger.place("t1", placement())
    await ledger.record_payment("t1", debt.id, Money(10_000, "BRL"), "pay-1", "client")
    with pytest.raises(FailedPrecondition):
        await ledger.record_payment("t1", debt.id, Money(1, "BRL"), "pay-2", "client")
    assert debts.types() == ["debt.placed", "payment.received", "debt.settled"]


async def test_payment_requires_a_reference_and_valid_amount() -> None:
    ledger, debts, _ = make_ledger()
    debt, _ = await ledger.place("t1", placement())
    with pytest.raises(InvalidArgument) as caught:
        await ledger.record_payment("t1", debt.id, Money(1, "BRL"), "", "client")
    assert caught.value.field == "payment_reference"
    with pytest.raises(InvalidArgument) as caught:
        await ledger.record_payment("t1", debt.id, Money(1, "USD"), "p", "client")
    assert caught.value.field == "amount.currency"
    with pytest.raises(InvalidArgument) as caught:
        await ledger.record_payment("t1", debt.id, Money(0, "BRL"), "p", "client")
    assert caught.value.field == "amount.amount_minor"
    assert debts.types() == ["debt.placed"]
    assert (await ledger.get("t1", debt.id)).payments == []


@settings(max_examples=75, deadline=None)
@given(
    principal=st.integers(min_value=1, max_value=10**8),
    payments=st.lists(st.integers(min_value=1, max_value=10**8), max_size=12),
)
def test_ledger_conserves_money(principal: int, payments: list[int]) -> None:
    async def scenario() -> None:
        ledger, debts, clock = make_ledger()
        debt, _ = await ledger.place("t1", placement(principal=principal))
        paid = 0
        for i, amount in enumerate(payments):
            clock.advance(timedelta(minutes=1))
            if paid >= principal:
                with pytest.raises(FailedPrecondition):
                    await ledger.record_payment("t1", debt.id, Money(amount, "BRL"), f"p{i}", "client")
                continue
            await ledger.record_payment("t1", debt.id, Money(amount, "BRL"), f"p{i}", "client")
            paid += amount
        stored = await ledger.get("t1", debt.id)
        assert stored.paid.amount_minor == paid == sum(p.amount.amount_minor for p in stored.payments)
        assert stored.balance.amount_minor == max(principal - paid, 0)
        assert (stored.status == DebtStatus.SETTLED) == (paid >= principal)
        assert debts.types().count("debt.settled") == (1 if paid >= principal else 0)
        assert debts.types().count("payment.received") == len(stored.payments)

    asyncio.run(scenario())
