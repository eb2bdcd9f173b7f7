"""On real FerretDB and Kafka: agreements over several debts of one debtor, cancelling, renegotiation after a
break as the policy allows, and payments that cannot be applied kept unapplied (never lost)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from cryptography.fernet import Fernet
from prometheus_client import REGISTRY
from pymongo.asynchronous.database import AsyncDatabase

from cordial_agreements.adapters.agreements import AgreementRepository, QuoteRepository
from cordial_agreements.adapters.debts import DebtRepository
from cordial_agreements.adapters.policies import BalancePolicyRepository
from cordial_agreements.adapters.unapplied import UnappliedPaymentRepository
from cordial_agreements.domain.agreement import Agreement, AgreementState
from cordial_agreements.domain.balance import BalancePolicy
from cordial_agreements.domain.debt import Debtor, DebtStatus
from cordial_agreements.domain.ledger import Ledger, Placement
from cordial_agreements.domain.negotiation import Negotiation, UnappliedPayment
from cordial_agreements.domain.offers import DiscountBand, NegotiationPolicy
from cordial_core.bus import EventPublisher, ensure_topics
from cordial_core.clock import ControllableClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.errors import FailedPrecondition, InvalidArgument
from cordial_core.events import decode_envelope
from cordial_core.ids import new_id
from cordial_core.money import Money
from cordial_core.outbox import OutboxRelay
from cordial_core.store import TenantCollection
from cordial_stack.infra import Infra

# Monday 2024-03-04 12:00 UTC (09:00 in São Paulo).
NOW = datetime(2024, 3, 4, 12, 0, tzinfo=UTC)
POLICY = NegotiationPolicy(
    bands=(DiscountBand(0), DiscountBand(30, 5_000, 5_000, 0)),
    min_down_payment_bps=2_000,
    max_installments=6,
    offer_validity_days=3,
    grace_days=5,
    max_renegotiations=1,
    renegotiation_down_payment_bps=5_000,
)
MARIA = "52998224725"


@dataclass
class Rig:
    """Negotiation over real repositories; a fresh tenant per test."""

    negotiation: Negotiation
    ledger: Ledger
    agreements: AgreementRepository
    unapplied: UnappliedPaymentRepository
    clock: ControllableClock
    tenant: str
    db: AsyncDatabase[dict[str, Any]]


@pytest.fixture
async def rig(mongo_db: AsyncDatabase[dict[str, Any]]) -> Rig:
    clock = ControllableClock(NOW)
    cipher = PersonalDataCipher(Fernet.generate_key().decode(), "lookup")
    debts = DebtRepository(TenantCollection(mongo_db["debts"]), cipher, clock)
    await debts.ensure_indexes()
    agreements = AgreementRepository(TenantCollection(mongo_db["agreements"]), clock)
    await agreements.ensure_indexes()
    unapplied = UnappliedPaymentRepository(TenantCollection(mongo_db["unapplied_payments"]), clock)
    await unapplied.ensure_indexes()
    policies = BalancePolicyRepository(TenantCollection(mongo_db["policies"]))
    ledger = Ledger(debts, clock, cipher.lookup_hash, policies)
    quotes = QuoteRepository(TenantCollection(mongo_db["quotes"]))
    negotiation = Negotiation(ledger, policies, quotes, agreements, clock, unapplied=unapplied)
    tenant = f"t-{new_id()[:8]}"
    await policies.put(tenant, BalancePolicy(late_fee_bps=200, monthly_interest_bps=100))
    await negotiation.set_policy(tenant, POLICY)
    return Rig(negotiation, ledger, agreements, unapplied, clock, tenant, mongo_db)


async def _place(rig: Rig, reference: str, principal: int, document: str = MARIA, due: date = date(2024, 1, 2)) -> str:
    debtor = Debtor("person", document, "Maria", "America/Sao_Paulo")
    placement = Placement(reference, debtor, Money(principal, "BRL"), due, "Loja", [])
    debt, _ = await rig.ledger.place(rig.tenant, placement)
    return debt.id


async def _break(rig: Rig, agreement: Agreement) -> None:
    """Moves the clock past the second installment's grace days and runs the check."""
    due = agreement.installments[1].due_date
    rig.clock.set(datetime.combine(due + timedelta(days=6), datetime.min.time(), UTC) + timedelta(hours=15))
    assert agreement.id in await rig.negotiation.check(rig.tenant)


async def test_one_agreement_over_two_debts_splits_payments_and_settles_both(rig: Rig) -> None:
    card = await _place(rig, "card", 100_000, due=date(2023, 12, 1))
    loan = await _place(rig, "loan", 50_000)
    quotes = await rig.negotiation.offers(rig.tenant, "", debt_ids=(card, loan))
    assert [q.kind for q in quotes] == ["full", "installments-3", "installments-6"]
    plan = quotes[1]
    assert plan.debts == (card, loan)
    single = [(await rig.ledger.balance(rig.tenant, d))[1].total for d in (card, loan)]
    assert sum(plan.shares) == plan.offer.total_minor
    assert plan.shares[0] > plan.shares[1]  # in proportion to each debt's balance
    assert plan.offer.lines[0][1] == sum(single) - sum(amount for label, amount in plan.offer.lines[1:3])

    agreement, created = await rig.negotiation.accept(rig.tenant, "", plan.id)
    assert created
    assert agreement.debt_ids == (card, loan)
    assert agreement.shares == {card: plan.shares[0], loan: plan.shares[1]}
    for debt_id in (card, loan):
        assert (await rig.ledger.get(rig.tenant, debt_id)).status == DebtStatus.IN_AGREEMENT
        with pytest.raises(FailedPrecondition):
            await rig.negotiation.offers(rig.tenant, debt_id)
    rogue = Agreement("rogue", rig.tenant, agreement.debtor_id, (loan,), agreement.installments, 5)
    with pytest.raises(FailedPrecondition, match=loan):
        await rig.agreements.add(rogue, [])  # storage holds one live agreement per debt, not only the first

    for n, installment in enumerate(agreement.installments, start=1):
        amount = Money(installment.amount_minor, "BRL")
        await rig.negotiation.record_payment(rig.tenant, loan, amount, f"pix-{n}", "provider")
        await rig.negotiation.record_payment(rig.tenant, card, amount, f"pix-{n}", "provider")  # the same, again
    stored = await rig.negotiation.get(rig.tenant, agreement.id)
    assert stored.state == AgreementState.SETTLED
    assert stored.applied == stored.shares
    debts = [await rig.ledger.get(rig.tenant, d) for d in (card, loan)]
    assert [d.status for d in debts] == [DebtStatus.SETTLED, DebtStatus.SETTLED]
    assert [d.paid.amount_minor for d in debts] == list(plan.shares)  # every cent on exactly one debt
    assert sum(d.paid.amount_minor for d in debts) == plan.offer.total_minor


async def test_debts_of_another_debtor_are_refused_by_position(rig: Rig) -> None:
    mine = await _place(rig, "mine", 10_000)
    theirs = await _place(rig, "theirs", 10_000, document="11144477735")
    with pytest.raises(InvalidArgument) as refused:
        await rig.negotiation.offers(rig.tenant, "", debt_ids=(mine, theirs))
    assert refused.value.field == "debt_ids[1]"
    with pytest.raises(InvalidArgument) as twice:
        await rig.negotiation.offers(rig.tenant, "", debt_ids=(mine, mine))
    assert twice.value.field == "debt_ids"


async def test_cancel_an_active_agreement_frees_its_debts(rig: Rig) -> None:
    a = await _place(rig, "a", 30_000)
    b = await _place(rig, "b", 20_000)
    plan = (await rig.negotiation.offers(rig.tenant, a, debt_ids=(a, b)))[1]
    agreement, _ = await rig.negotiation.accept(rig.tenant, b, plan.id)
    down = Money(agreement.installments[0].amount_minor, "BRL")
    await rig.negotiation.record_payment(rig.tenant, a, down, "down", "client")
    assert (await rig.negotiation.get(rig.tenant, agreement.id)).state == AgreementState.ACTIVE

    cancelled, changed = await rig.negotiation.cancel(rig.tenant, agreement.id, "creditor renegotiated directly")
    assert changed
    assert cancelled.state == AgreementState.CANCELLED
    assert (await rig.negotiation.cancel(rig.tenant, agreement.id, "again"))[1] is False
    raw = await rig.agreements.collection.raw.find_one({"_id": agreement.id})
    assert raw is not None
    assert "agreement.cancelled" in [e["type"] for e in raw["_outbox"].values()]
    assert [(await rig.ledger.get(rig.tenant, d)).status for d in (a, b)] == [DebtStatus.IN_COLLECTION] * 2
    paid = sum([(await rig.ledger.get(rig.tenant, d)).paid.amount_minor for d in (a, b)])
    assert paid == down.amount_minor  # what was paid stays paid on the debts
    again = (await rig.negotiation.offers(rig.tenant, b))[0]
    assert (await rig.negotiation.accept(rig.tenant, b, again.id))[1] is True


async def test_a_proposal_holds_its_debts_until_accepted(rig: Rig) -> None:
    a = await _place(rig, "p-a", 30_000)
    b = await _place(rig, "p-b", 20_000)
    quotes = await rig.negotiation.offers(rig.tenant, "", debt_ids=(a, b))
    proposed, created = await rig.negotiation.accept(rig.tenant, "", quotes[1].id, propose=True)
    assert created
    assert proposed.state == AgreementState.PROPOSED
    assert proposed.valid_until == quotes[1].offer.valid_until
    assert (await rig.negotiation.accept(rig.tenant, "", quotes[1].id, propose=True))[1] is False
    assert (await rig.ledger.get(rig.tenant, a)).status == DebtStatus.PLACED  # in agreement only once accepted
    with pytest.raises(FailedPrecondition):
        await rig.negotiation.accept(rig.tenant, b, quotes[0].id)  # the proposal holds both debts
    raw = await rig.agreements.collection.raw.find_one({"_id": proposed.id})
    assert raw is not None
    assert [e["type"] for e in raw["_outbox"].values()] == ["agreement.proposed"]

    accepted, changed = await rig.negotiation.accept_agreement(rig.tenant, proposed.id)
    assert changed
    assert accepted.state == AgreementState.ACCEPTED
    assert (await rig.negotiation.accept_agreement(rig.tenant, proposed.id))[1] is False
    assert [(await rig.ledger.get(rig.tenant, d)).status for d in (a, b)] == [DebtStatus.IN_AGREEMENT] * 2


async def test_a_proposal_expires_with_its_offer(rig: Rig) -> None:
    a = await _place(rig, "x-a", 30_000)
    quote = (await rig.negotiation.offers(rig.tenant, a))[1]
    proposed, _ = await rig.negotiation.accept(rig.tenant, a, quote.id, propose=True)
    rig.clock.advance(timedelta(days=4))  # the offer was valid for 3 days
    with pytest.raises(InvalidArgument) as refused:
        await rig.negotiation.accept_agreement(rig.tenant, proposed.id)
    assert refused.value.field == "agreement_id"
    stored = await rig.negotiation.get(rig.tenant, proposed.id)
    assert stored.state == AgreementState.CANCELLED
    assert stored.cancel_reason.startswith("proposal expired")
    other = (await rig.negotiation.offers(rig.tenant, a))[0]
    late, _ = await rig.negotiation.accept(rig.tenant, a, other.id, propose=True)
    rig.clock.advance(timedelta(days=4))
    assert await rig.negotiation.check(rig.tenant) == []  # expired proposals are cancelled, not broken
    assert (await rig.negotiation.get(rig.tenant, late.id)).state == AgreementState.CANCELLED


async def test_recalling_a_debt_cancels_its_agreement_and_frees_the_others(rig: Rig) -> None:
    a = await _place(rig, "rc-a", 30_000)
    b = await _place(rig, "rc-b", 20_000)
    quote = (await rig.negotiation.offers(rig.tenant, "", debt_ids=(a, b)))[0]
    agreement, _ = await rig.negotiation.accept(rig.tenant, a, quote.id)
    await rig.negotiation.recall(rig.tenant, b, "sold the portfolio")
    stored = await rig.negotiation.get(rig.tenant, agreement.id)
    assert stored.state == AgreementState.CANCELLED
    assert stored.cancel_reason == f"debt {b} recalled by the client"
    assert (await rig.ledger.get(rig.tenant, a)).status == DebtStatus.IN_COLLECTION
    assert (await rig.ledger.get(rig.tenant, b)).status == DebtStatus.RECALLED
    assert (await rig.negotiation.recall(rig.tenant, b, "again"))[1] is False


async def test_renegotiation_after_a_break_follows_the_policy(rig: Rig) -> None:
    debt_id = await _place(rig, "r", 100_000)
    first = (await rig.negotiation.offers(rig.tenant, debt_id))[1]
    assert first.offer.installments[0].amount_minor < first.offer.total_minor // 2
    agreement, _ = await rig.negotiation.accept(rig.tenant, debt_id, first.id)
    await rig.negotiation.record_payment(
        rig.tenant, debt_id, Money(agreement.installments[0].amount_minor, "BRL"), "r1", "client"
    )
    await _break(rig, agreement)

    renewed = await rig.negotiation.offers(rig.tenant, debt_id)
    plan = renewed[1]
    assert plan.renegotiation
    assert plan.offer.installments[0].amount_minor * 2 >= plan.offer.total_minor  # 50% down after a break
    second, _ = await rig.negotiation.accept(rig.tenant, debt_id, plan.id)
    await _break(rig, second)
    with pytest.raises(FailedPrecondition, match="allows 1 new agreement"):
        await rig.negotiation.offers(rig.tenant, debt_id)


async def test_unapplied_payments_are_kept_once_with_the_reason(rig: Rig) -> None:
    def counted(reason: str) -> float:
        labels = {"source": "pix", "reason": reason}
        return REGISTRY.get_sample_value("cordial_agreements_unapplied_payments_total", labels) or 0.0

    before = counted("unknown_charge")
    amount = Money(1_234, "BRL")
    kept, created = await rig.negotiation.record_or_keep(rig.tenant, "", amount, "E1", "pix", txid="nosuchcharge")
    assert isinstance(kept, UnappliedPayment)
    assert created
    assert (kept.reason, kept.txid, kept.debt_id) == ("unknown_charge", "nosuchcharge", "")
    again, created = await rig.negotiation.record_or_keep(rig.tenant, "", amount, "E1", "pix", txid="nosuchcharge")
    assert isinstance(again, UnappliedPayment)
    assert not created
    assert again.id == kept.id
    assert counted("unknown_charge") == before + 1

    debt_id = await _place(rig, "settled", 5_000)
    await rig.negotiation.record_payment(rig.tenant, debt_id, Money(50_000, "BRL"), "all", "client")
    assert (await rig.ledger.get(rig.tenant, debt_id)).status == DebtStatus.SETTLED
    late, _ = await rig.negotiation.record_or_keep(rig.tenant, debt_id, Money(100, "BRL"), "E2", "pix")
    assert isinstance(late, UnappliedPayment)
    assert (late.reason, late.debt_id) == ("debt_closed", debt_id)
    with pytest.raises(InvalidArgument):  # the caller's own bad input is still refused
        await rig.negotiation.record_or_keep(rig.tenant, debt_id, Money(100, "BRL"), "", "pix")

    listed = await rig.negotiation.unapplied(rig.tenant)
    assert sorted(p.reference for p in listed) == ["E1", "E2"]
    assert await rig.negotiation.unapplied("someone-else") == []
    raw = await rig.unapplied.collection.raw.find_one({"_id": kept.id})
    assert raw is not None
    assert [e["type"] for e in raw["_outbox"].values()] == ["payment.unapplied"]


async def test_cancel_and_unapplied_events_reach_kafka(rig: Rig, infra: Infra) -> None:
    await ensure_topics(infra.kafka_bootstrap_servers)
    publisher = EventPublisher(infra.kafka_bootstrap_servers)
    await publisher.start()
    collections = [rig.db["agreements"], rig.db["debts"], rig.db["unapplied_payments"]]
    relay = OutboxRelay(collections, publisher, poll_seconds=0.1)
    await relay.start()
    try:
        a = await _place(rig, "k1", 10_000)
        b = await _place(rig, "k2", 10_000)
        quote = (await rig.negotiation.offers(rig.tenant, "", debt_ids=(a, b)))[0]
        agreement, _ = await rig.negotiation.accept(rig.tenant, a, quote.id)
        await rig.negotiation.cancel(rig.tenant, agreement.id, "client asked")
        await rig.negotiation.record_or_keep(rig.tenant, "", Money(10, "BRL"), "E9", "pix", txid="unknown")
        seen = await _types_on_kafka(
            infra, rig.tenant, {"agreement.accepted", "agreement.cancelled", "payment.unapplied"}
        )
    finally:
        await relay.stop()
        await publisher.stop()
    assert {"agreement.accepted", "agreement.cancelled", "payment.unapplied"} <= seen


async def _types_on_kafka(infra: Infra, tenant: str, wanted: set[str]) -> set[str]:
    consumer = AIOKafkaConsumer(
        "debts", bootstrap_servers=infra.kafka_bootstrap_servers, group_id=new_id(), auto_offset_reset="earliest"
    )
    await consumer.start()
    seen: set[str] = set()
    try:
        deadline = asyncio.get_running_loop().time() + 30
        while not wanted <= seen and asyncio.get_running_loop().time() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for record in records:
                    envelope = decode_envelope(record.value or b"")
                    if envelope.tenant == tenant:
                        seen.add(envelope.type)
    finally:
        await consumer.stop()
    return seen
