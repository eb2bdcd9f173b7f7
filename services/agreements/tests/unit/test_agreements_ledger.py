"""Ledger: placement and payments, idempotent, tenant-scoped, each change with its events."""

from __future__ import annotations

import asyncio
import copy
import hashlib
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from hypothesis import given, settings
from hypothesis import strategies as st

from cordial.events.v1 import debts_pb2
from cordial.types.v1 import types_pb2
from cordial_agreements.domain.balance import BalancePolicy, IndexTable
from cordial_agreements.domain.debt import Address, Debt, Debtor, DebtStatus
from cordial_agreements.domain.ledger import Ledger, Placement
from cordial_core.clock import ControllableClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.errors import FailedPrecondition, InvalidArgument, NotFound
from cordial_core.events import Event, unpack_payload
from cordial_core.money import Money

NOW = datetime(2024, 3, 4, 12, 0, tzinfo=UTC)


class FakePolicies:
    """In-memory balance policies by tenant."""

    def __init__(self) -> None:
        self.by_tenant: dict[str, BalancePolicy] = {}

    async def get(self, tenant: str) -> BalancePolicy | None:
        return self.by_tenant.get(tenant)

    async def put(self, tenant: str, policy: BalancePolicy) -> None:
        self.by_tenant[tenant] = policy


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


async def owed(ledger: Ledger, debt: Debt) -> Money:
    _, breakdown = await ledger.balance(debt.tenant, debt.id)
    return Money(breakdown.total, breakdown.currency)


def make_ledger() -> tuple[Ledger, FakeDebts, ControllableClock]:
    debts = FakeDebts()
    clock = ControllableClock(NOW)
    return Ledger(debts, clock, debtor_id_of, FakePolicies()), debts, clock


def debtor_id_of(document: str) -> str:
    return "debtor-" + hashlib.sha256(document.encode()).hexdigest()[:16]


async def test_place_creates_the_debt_and_queues_debt_placed() -> None:
    ledger, debts, _ = make_ledger()
    debt, created = await ledger.place("t1", placement())
    assert created is True
    assert debt.tenant == "t1"
    assert debt.debtor_id == debtor_id_of("52998224725")
    assert debt.placed_at == NOW
    assert await owed(ledger, debt) == Money(10_000, "BRL")
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


async def test_debt_placed_carries_the_debtors_country_and_state_from_the_address() -> None:
    ledger, debts, _ = make_ledger()
    with_address = replace(
        placement("ref-rj"),
        debtor=Debtor(
            "person", "52998224725", "Maria", "America/Sao_Paulo", address=Address(city="Niterói", state=" rj ")
        ),
    )
    await ledger.place("t1", with_address)
    await ledger.place("t1", placement("ref-none"))
    first, second = (unpack_payload(e.envelope) for e in debts.events)
    assert isinstance(first, debts_pb2.DebtPlaced)
    assert isinstance(second, debts_pb2.DebtPlaced)
    assert (first.debtor_country, first.debtor_state) == ("BR", "RJ")
    # No address: nothing is guessed here; strategy decides what an unknown state means.
    assert (second.debtor_country, second.debtor_state) == ("", "")
    assert first.due_date == "2024-02-01"


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
    assert await owed(ledger, updated) == Money(6_000, "BRL")
    assert updated.status == DebtStatus.PLACED
    assert debts.types() == ["debt.placed", "payment.received"]
    received = unpack_payload(debts.events[-1].envelope)
    assert isinstance(received, debts_pb2.PaymentReceived)
    assert received.payment_id == paid.id
    assert received.amount.amount_minor == 4_000
    assert received.balance_after.amount_minor == 6_000
    stored = await ledger.get("t1", debt.id)
    assert await owed(ledger, stored) == Money(6_000, "BRL")


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
        assert (await owed(ledger, stored)).amount_minor == max(principal - paid, 0)
        assert (stored.status == DebtStatus.SETTLED) == (paid >= principal)
        assert debts.types().count("debt.settled") == (1 if paid >= principal else 0)
        assert debts.types().count("payment.received") == len(stored.payments)

    asyncio.run(scenario())


async def test_balance_follows_the_clients_policy_and_only_theirs() -> None:
    ledger, _, _ = make_ledger()
    debt, _ = await ledger.place("t1", placement(due=date(2024, 2, 1)))
    other, _ = await ledger.place("t2", placement(due=date(2024, 2, 1)))
    index = IndexTable.parse("IPCA", {"2024-02": "1.0083"})
    await ledger.set_balance_policy("t1", BalancePolicy(late_fee_bps=200, monthly_interest_bps=100, correction=index))
    # As of 2024-03-02: 2 to 29 Feb is 28 days at 1%/30 on 100.00 = 0.9333..; 1 and 2 Mar on 100.83
    # (a full month of 0.83% from 1 Mar) = 0.06722; interest 1.00055.. -> 1.00; fee 2.00; correction 0.83.
    # Total 100.00 + 0.83 + 2.00 + 1.00 = 103.83.
    _, b = await ledger.balance("t1", debt.id, date(2024, 3, 2))
    assert (b.principal, b.correction, b.late_fee, b.interest, b.total) == (10_000, 83, 200, 100, 10_383)
    _, untouched = await ledger.balance("t2", other.id, date(2024, 3, 2))
    assert untouched.total == 10_000


async def test_today_is_the_debtors_day() -> None:
    ledger, _, _ = make_ledger()
    debt, _ = await ledger.place("t1", placement())
    _, b = await ledger.balance("t1", debt.id)
    assert b.as_of == date(2024, 3, 4)


async def test_a_payment_settles_only_when_every_charge_is_paid() -> None:
    ledger, debts, _ = make_ledger()
    await ledger.set_balance_policy("t1", BalancePolicy(late_fee_bps=200))
    debt, _ = await ledger.place("t1", placement())
    updated, _, _ = await ledger.record_payment("t1", debt.id, Money(10_000, "BRL"), "p1", "client")
    assert updated.status == DebtStatus.PLACED
    assert unpack_payload(debts.events[-1].envelope).balance_after.amount_minor == 200  # type: ignore[attr-defined]
    updated, _, _ = await ledger.record_payment("t1", debt.id, Money(200, "BRL"), "p2", "client")
    assert updated.status == DebtStatus.SETTLED
    assert debts.types()[-1] == "debt.settled"


async def test_collection_starts_once_and_only_from_placed() -> None:
    ledger, debts, _ = make_ledger()
    debt, _ = await ledger.place("t1", placement())
    assert await ledger.start_collection("t1", debt.id) is True
    assert await ledger.start_collection("t1", debt.id) is False
    assert await ledger.start_collection("t1", "missing") is False
    assert (await ledger.get("t1", debt.id)).status == DebtStatus.IN_COLLECTION
    assert debts.types() == ["debt.placed", "debt.collection_started"]


async def test_recall_stops_the_debt_once_and_refuses_payments() -> None:
    ledger, debts, _ = make_ledger()
    debt, _ = await ledger.place("t1", placement())
    recalled, changed = await ledger.recall("t1", debt.id, "paid at the branch")
    assert changed is True
    assert recalled.status == DebtStatus.RECALLED
    _, again = await ledger.recall("t1", debt.id, "again")
    assert again is False
    assert debts.types() == ["debt.placed", "debt.recalled"]
    event = unpack_payload(debts.events[-1].envelope)
    assert isinstance(event, debts_pb2.DebtRecalled)
    assert event.reason == "paid at the branch"
    with pytest.raises(FailedPrecondition):
        await ledger.record_payment("t1", debt.id, Money(1, "BRL"), "p", "client")
    with pytest.raises(FailedPrecondition):
        await ledger.write_off("t1", debt.id, "x")
    with pytest.raises(NotFound):
        await ledger.recall("t2", debt.id, "not mine")


class ChangedOnceDebts(FakeDebts):
    """Debts whose first save of a chosen kind finds the debt changed meanwhile (collection just started)."""

    def __init__(self, chosen: Callable[[Debt], bool]) -> None:
        super().__init__()
        self.chosen = chosen
        self.moves_left = 1

    async def save(self, debt: Debt, events: list[Event]) -> None:
        if self.moves_left and self.chosen(debt):
            self.moves_left = 0
            self.docs[(debt.tenant, debt.id)].version += 1  # another writer got there first
        await super().save(debt, events)


@pytest.mark.parametrize("close", ["recall", "write_off"])
async def test_recall_and_write_off_read_again_when_the_debt_changed_meanwhile(close: str) -> None:
    debts = ChangedOnceDebts(lambda debt: debt.status in (DebtStatus.RECALLED, DebtStatus.WRITTEN_OFF))
    ledger = Ledger(debts, ControllableClock(NOW), debtor_id_of, FakePolicies())
    debt, _ = await ledger.place("t1", placement())
    closed, changed = await getattr(ledger, close)("t1", debt.id, "paid at the branch")
    assert changed is True
    assert closed.status in (DebtStatus.RECALLED, DebtStatus.WRITTEN_OFF)
    assert debts.moves_left == 0, "the conflict happened and was looked at again"
    assert debts.types()[-1] in ("debt.recalled", "debt.written_off")


async def test_a_payment_reads_the_debt_again_when_it_changed_meanwhile() -> None:
    debts = ChangedOnceDebts(lambda debt: bool(debt.payments))
    ledger = Ledger(debts, ControllableClock(NOW), debtor_id_of, FakePolicies())
    debt, _ = await ledger.place("t1", placement())
    paid, payment, created = await ledger.record_payment("t1", debt.id, Money(10_000, "BRL"), "pay-1", "client")
    assert created is True
    assert debts.moves_left == 0, "the conflict happened and was looked at again"
    assert paid.status == DebtStatus.SETTLED
    assert [p.id for p in paid.payments] == [payment.id]
    assert debts.types()[-2:] == ["payment.received", "debt.settled"]


async def test_a_correction_reads_the_debt_again_when_it_changed_meanwhile() -> None:
    debts = ChangedOnceDebts(lambda debt: debt.principal.amount_minor == 8_000)
    ledger = Ledger(debts, ControllableClock(NOW), debtor_id_of, FakePolicies())
    debt, _ = await ledger.place("t1", placement())
    corrected, changed = await ledger.update("t1", debt.id, Money(8_000, "BRL"), "client's error", [])
    assert changed is True
    assert debts.moves_left == 0, "the conflict happened and was looked at again"
    assert corrected.principal == Money(8_000, "BRL")
    assert debts.types()[-1] == "debt.amount_corrected"


async def test_write_off_records_what_was_owed() -> None:
    ledger, debts, _ = make_ledger()
    debt, _ = await ledger.place("t1", placement())
    await ledger.record_payment("t1", debt.id, Money(2_500, "BRL"), "p1", "client")
    written, changed = await ledger.write_off("t1", debt.id, "uncollectable")
    assert changed is True
    assert written.status == DebtStatus.WRITTEN_OFF
    event = unpack_payload(debts.events[-1].envelope)
    assert isinstance(event, debts_pb2.DebtWrittenOff)
    assert event.balance.amount_minor == 7_500


async def test_settled_debt_cannot_be_recalled() -> None:
    ledger, _, _ = make_ledger()
    debt, _ = await ledger.place("t1", placement())
    await ledger.record_payment("t1", debt.id, Money(10_000, "BRL"), "p1", "client")
    with pytest.raises(FailedPrecondition, match="settled"):
        await ledger.recall("t1", debt.id, "too late")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"origin_date": date(2024, 3, 5)}, "origin_date"),
        ({"origin_date": date(2024, 2, 2)}, "origin_date"),
        ({"debtor": Debtor("person", "52998224725", "M", "UTC", birth_date=date(2030, 1, 1))}, "debtor.birth_date"),
        ({"debtor": Debtor("company", "11222333000181", "A", "UTC", birth_date=date(1990, 1, 1))}, "debtor.birth_date"),
    ],
)
async def test_placement_refuses_impossible_dates(change: dict[str, object], field: str) -> None:
    ledger, debts, _ = make_ledger()
    with pytest.raises(InvalidArgument) as caught:
        await ledger.place("t1", replace(placement(), **change))  # type: ignore[arg-type]
    assert caught.value.field == field
    assert debts.events == []


async def test_placement_keeps_contract_and_portfolio() -> None:
    ledger, _, _ = make_ledger()
    debt, _ = await ledger.place(
        "t1", replace(placement(), portfolio="cards-2024", product="credit card", origin_date=date(2023, 5, 1))
    )
    stored = await ledger.get("t1", debt.id)
    assert (stored.portfolio, stored.product, stored.origin_date) == ("cards-2024", "credit card", date(2023, 5, 1))


async def test_debt_placed_carries_the_document_only_sealed() -> None:
    cipher = PersonalDataCipher(Fernet.generate_key().decode(), "lookup")
    debts = FakeDebts()
    ledger = Ledger(debts, ControllableClock(NOW), debtor_id_of, FakePolicies(), seal=cipher.encrypt)
    await ledger.place("t1", placement())
    payload = unpack_payload(debts.events[0].envelope)
    assert isinstance(payload, debts_pb2.DebtPlaced)
    assert b"52998224725" not in payload.SerializeToString()
    assert cipher.decrypt(payload.sealed_document) == "52998224725"
