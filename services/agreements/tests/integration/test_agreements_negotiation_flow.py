"""Offers, agreements and payments on real FerretDB and Kafka: one live agreement per debt held by storage,
payments allocated once, every state change published through the outbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from cryptography.fernet import Fernet
from pymongo.asynchronous.database import AsyncDatabase

from cordial_agreements.adapters.agreements import AgreementRepository, QuoteRepository
from cordial_agreements.adapters.debts import DebtRepository
from cordial_agreements.adapters.policies import BalancePolicyRepository
from cordial_agreements.domain.agreement import Agreement, AgreementState
from cordial_agreements.domain.balance import BalancePolicy
from cordial_agreements.domain.check_agenda import CheckAgenda
from cordial_agreements.domain.debt import Debtor, DebtStatus
from cordial_agreements.domain.ledger import Ledger, Placement
from cordial_agreements.domain.negotiation import Negotiation
from cordial_agreements.domain.offers import DiscountBand, NegotiationPolicy, OfferTerms
from cordial_core.bus import EventPublisher, ensure_topics
from cordial_core.clock import ControllableClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.errors import FailedPrecondition, InvalidArgument
from cordial_core.events import decode_envelope, unpack_payload
from cordial_core.ids import new_id
from cordial_core.money import Money
from cordial_core.outbox import OutboxRelay
from cordial_core.store import TenantCollection
from cordial_stack.commands import CommandLog
from cordial_stack.infra import Infra

# Monday 2024-03-04 12:00 UTC (09:00 in São Paulo).
NOW = datetime(2024, 3, 4, 12, 0, tzinfo=UTC)
POLICY = NegotiationPolicy(
    bands=(DiscountBand(0), DiscountBand(30, 5_000, 5_000, 0)),
    min_down_payment_bps=2_000,
    max_installments=6,
    offer_validity_days=3,
    grace_days=5,
)


@dataclass
class Rig:
    """Negotiation over real repositories; a fresh tenant per test."""

    negotiation: Negotiation
    ledger: Ledger
    agreements: AgreementRepository
    clock: ControllableClock
    tenant: str


@pytest.fixture
async def rig(mongo_db: AsyncDatabase[dict[str, Any]]) -> Rig:
    return await build_rig(mongo_db)


async def build_rig(mongo_db: AsyncDatabase[dict[str, Any]], agenda: CheckAgenda | None = None) -> Rig:
    clock = ControllableClock(NOW)
    cipher = PersonalDataCipher(Fernet.generate_key().decode(), "lookup")
    debts = DebtRepository(TenantCollection(mongo_db["debts"]), cipher, clock)
    await debts.ensure_indexes()
    written = agenda.mark if agenda is not None else None
    agreements = AgreementRepository(TenantCollection(mongo_db["agreements"]), clock, on_written=written)
    await agreements.ensure_indexes()
    policies = BalancePolicyRepository(TenantCollection(mongo_db["policies"]))
    ledger = Ledger(debts, clock, cipher.lookup_hash, policies)
    negotiation = Negotiation(
        ledger, policies, QuoteRepository(TenantCollection(mongo_db["quotes"])), agreements, clock
    )
    tenant = f"t-{new_id()[:8]}"
    await policies.put(tenant, BalancePolicy(late_fee_bps=200, monthly_interest_bps=100))
    await negotiation.set_policy(tenant, POLICY)
    return Rig(negotiation, ledger, agreements, clock, tenant)


async def _place(rig: Rig, reference: str = "c-1", principal: int = 100_000) -> str:
    debtor = Debtor("person", "52998224725", "Maria", "America/Sao_Paulo")
    placement = Placement(reference, debtor, Money(principal, "BRL"), date(2024, 1, 2), "Loja", [])
    debt, _ = await rig.ledger.place(rig.tenant, placement)
    return debt.id


async def test_policy_round_trips_per_portfolio(rig: Rig) -> None:
    cards = NegotiationPolicy(max_installments=12, min_down_payment_bps=1_000)
    await rig.negotiation.set_policy(rig.tenant, cards, "cards")
    assert await rig.negotiation.policy(rig.tenant, "cards") == (cards, True)
    assert await rig.negotiation.policy(rig.tenant, "loans") == (POLICY, True)
    assert (await rig.negotiation.policy("someone-else"))[1] is False


async def test_offer_accept_pay_settles_agreement_and_debt(rig: Rig) -> None:
    debt_id = await _place(rig)
    quotes = await rig.negotiation.offers(rig.tenant, debt_id)
    assert [q.kind for q in quotes] == ["full", "installments-3", "installments-6"]
    assert await rig.negotiation.offers(rig.tenant, debt_id) == quotes  # the same day shows the same menu
    plan = quotes[1]
    agreement, created = await rig.negotiation.accept(rig.tenant, debt_id, plan.id)
    assert created
    assert agreement.state == AgreementState.ACCEPTED
    assert (await rig.negotiation.accept(rig.tenant, debt_id, plan.id))[1] is False
    assert (await rig.ledger.get(rig.tenant, debt_id)).status == DebtStatus.IN_AGREEMENT
    with pytest.raises(FailedPrecondition):
        await rig.negotiation.accept(rig.tenant, debt_id, quotes[0].id)

    amounts = [i.amount_minor for i in plan.offer.installments]
    assert sum(amounts) == plan.offer.total_minor
    for n, amount in enumerate(amounts, start=1):
        await rig.negotiation.record_payment(rig.tenant, debt_id, Money(amount, "BRL"), f"pix-{n}", "provider")
        await rig.negotiation.record_payment(rig.tenant, debt_id, Money(amount, "BRL"), f"pix-{n}", "provider")
    stored = await rig.negotiation.get(rig.tenant, agreement.id)
    assert stored.state == AgreementState.SETTLED
    assert sum(stored.paid.values()) == plan.offer.total_minor
    assert stored.credit == 0
    debt = await rig.ledger.get(rig.tenant, debt_id)
    assert debt.status == DebtStatus.SETTLED
    assert debt.paid.amount_minor == plan.offer.total_minor

    raw = await rig.agreements.collection.raw.find_one({"_id": agreement.id})
    assert raw is not None
    types = [e["type"] for e in raw["_outbox"].values()]
    paid = ["agreement.installment_paid"] * len(amounts)  # one per installment, never twice for a repeated payment
    assert sorted(types) == sorted(["agreement.accepted", "agreement.activated", "agreement.settled", *paid])
    stored_events = [decode_envelope(bytes(e["value"])) for e in raw["_outbox"].values() if e["type"] == paid[0]]
    numbers = sorted(unpack_payload(e).number for e in stored_events)  # type: ignore[attr-defined]
    assert numbers == list(range(1, len(amounts) + 1))


async def test_storage_refuses_a_second_live_agreement_even_past_the_domain(rig: Rig) -> None:
    debt_id = await _place(rig)
    quotes = await rig.negotiation.offers(rig.tenant, debt_id)
    first, _ = await rig.negotiation.accept(rig.tenant, debt_id, quotes[0].id)
    rogue = Agreement("rogue", rig.tenant, first.debtor_id, (debt_id,), first.installments, 5)
    rogue.accept()
    with pytest.raises(FailedPrecondition):
        await rig.agreements.add(rogue, [])


async def test_concurrent_acceptances_of_two_offers_make_one_agreement(rig: Rig) -> None:
    debt_id = await _place(rig)
    quotes = await rig.negotiation.offers(rig.tenant, debt_id)
    results = await asyncio.gather(
        *(rig.negotiation.accept(rig.tenant, debt_id, q.id) for q in quotes), return_exceptions=True
    )
    made = [r for r in results if not isinstance(r, BaseException)]
    assert len(made) == 1, results
    assert all(isinstance(r, FailedPrecondition) for r in results if isinstance(r, BaseException))
    assert len(await rig.agreements.live(rig.tenant)) == 1


async def test_expired_offer_is_refused_naming_the_field(rig: Rig) -> None:
    debt_id = await _place(rig)
    quote = (await rig.negotiation.offers(rig.tenant, debt_id))[0]
    rig.clock.advance(timedelta(days=4))
    with pytest.raises(InvalidArgument) as refused:
        await rig.negotiation.accept(rig.tenant, debt_id, quote.id)
    assert refused.value.field == "offer_id"
    assert "expired" in refused.value.message


async def test_overdue_past_grace_breaks_and_frees_the_debt_for_renegotiation(rig: Rig) -> None:
    debt_id = await _place(rig)
    plan = (await rig.negotiation.offers(rig.tenant, debt_id))[1]
    agreement, _ = await rig.negotiation.accept(rig.tenant, debt_id, plan.id)
    first = plan.offer.installments[0]
    await rig.negotiation.record_payment(rig.tenant, debt_id, Money(first.amount_minor, "BRL"), "p1", "client")
    second_due = plan.offer.installments[1].due_date
    rig.clock.set(datetime.combine(second_due + timedelta(days=5), datetime.min.time(), UTC) + timedelta(hours=15))
    assert await rig.negotiation.check(rig.tenant) == []  # on the last grace day it still holds
    rig.clock.advance(timedelta(days=1))
    assert await rig.negotiation.check(rig.tenant) == [agreement.id]
    assert (await rig.negotiation.get(rig.tenant, agreement.id)).state == AgreementState.BROKEN
    assert (await rig.ledger.get(rig.tenant, debt_id)).status == DebtStatus.IN_COLLECTION
    renewed = (await rig.negotiation.offers(rig.tenant, debt_id))[0]
    again, created = await rig.negotiation.accept(rig.tenant, debt_id, renewed.id)
    assert created
    assert again.id != agreement.id


async def test_the_agenda_breaks_on_the_day_after_the_grace_reading_agreements_by_id(
    logged_db: tuple[AsyncDatabase[dict[str, Any]], CommandLog],
) -> None:
    db, log = logged_db
    agenda = CheckAgenda()
    rig = await build_rig(db, agenda)
    debt_id = await _place(rig)
    plan = (await rig.negotiation.offers(rig.tenant, debt_id))[1]
    agreement, _ = await rig.negotiation.accept(rig.tenant, debt_id, plan.id)
    first = plan.offer.installments[0]
    await rig.negotiation.record_payment(rig.tenant, debt_id, Money(first.amount_minor, "BRL"), "p1", "client")
    assert await rig.negotiation.check_due(agenda) == [], "written, so looked at: not due yet"
    log.clear()
    second_due = plan.offer.installments[1].due_date
    # 23:30 in São Paulo on the last grace day, then 00:30 on the day after.
    rig.clock.set(datetime.combine(second_due + timedelta(days=6), datetime.min.time(), UTC) + timedelta(hours=2.5))
    assert await rig.negotiation.check_due(agenda) == []
    assert log.sent == [], "nothing due: nothing read"
    rig.clock.advance(timedelta(hours=1))
    assert await rig.negotiation.check_due(agenda) == [agreement.id]
    assert log.scans("agreements", "debts") == []
    assert (await rig.negotiation.get(rig.tenant, agreement.id)).state == AgreementState.BROKEN
    assert await rig.negotiation.check_due(agenda) == []
    assert len(agenda) == 0, "a broken agreement leaves the agenda"


async def test_a_full_pass_plans_the_agenda_and_an_expired_proposal_is_cancelled_when_due(rig: Rig) -> None:
    agenda = CheckAgenda()  # not told of writes: the full pass finds the proposal
    debt_id = await _place(rig)
    offer = (await rig.negotiation.offers(rig.tenant, debt_id))[0]
    proposal, _ = await rig.negotiation.accept(rig.tenant, debt_id, offer.id, propose=True)
    assert proposal.state == AgreementState.PROPOSED
    assert proposal.valid_until is not None
    assert await rig.negotiation.check(rig.tenant, agenda) == []
    assert len(agenda) == 1
    lapses = datetime.combine(proposal.valid_until + timedelta(days=1), datetime.min.time(), UTC) + timedelta(hours=3)
    rig.clock.set(lapses - timedelta(minutes=1))  # 23:59 in São Paulo on its last valid day
    await rig.negotiation.check_due(agenda)
    assert (await rig.negotiation.get(rig.tenant, proposal.id)).state == AgreementState.PROPOSED
    rig.clock.set(lapses)
    await rig.negotiation.check_due(agenda)
    assert (await rig.negotiation.get(rig.tenant, proposal.id)).state == AgreementState.CANCELLED


@pytest.fixture
async def relayed(infra: Infra, mongo_db: AsyncDatabase[dict[str, Any]]) -> AsyncIterator[None]:
    await ensure_topics(infra.kafka_bootstrap_servers)
    publisher = EventPublisher(infra.kafka_bootstrap_servers)
    await publisher.start()
    relay = OutboxRelay([mongo_db["agreements"], mongo_db["debts"]], publisher, poll_seconds=0.1)
    await relay.start()
    yield
    await relay.stop()
    await publisher.stop()


async def test_agreement_events_reach_kafka_keyed_by_debtor(rig: Rig, infra: Infra, relayed: None) -> None:
    debt_id = await _place(rig, "c-kafka")
    quote = (await rig.negotiation.offers(rig.tenant, debt_id))[0]
    agreement, _ = await rig.negotiation.accept(rig.tenant, debt_id, quote.id)
    await rig.negotiation.record_payment(rig.tenant, debt_id, Money(quote.offer.total_minor, "BRL"), "p", "client")
    wanted = {"debt.placed", "agreement.accepted", "payment.received", "agreement.activated", "agreement.settled"}
    wanted |= {"debt.settled", "agreement.installment_paid"}
    consumer = AIOKafkaConsumer(
        "debts", bootstrap_servers=infra.kafka_bootstrap_servers, group_id=new_id(), auto_offset_reset="earliest"
    )
    await consumer.start()
    seen: dict[str, bytes] = {}
    try:
        deadline = asyncio.get_running_loop().time() + 30
        while not wanted <= set(seen) and asyncio.get_running_loop().time() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for record in records:
                    envelope = decode_envelope(record.value or b"")
                    if envelope.tenant == rig.tenant:
                        seen[envelope.type] = record.key or b""
    finally:
        await consumer.stop()
    assert wanted <= set(seen), sorted(seen)
    assert seen["agreement.settled"] == agreement.debtor_id.encode()


async def test_an_offer_sets_terms_are_kept_with_the_quote_and_become_the_agreement(rig: Rig) -> None:
    debt_id = await _place(rig, "c-terms")
    standard = {q.kind: q for q in await rig.negotiation.offers(rig.tenant, debt_id, (3,))}
    terms = OfferTerms("firm", down_payment_bps=5_000, fees_discount_bps=1_000, interest_discount_bps=0)
    firm = {q.kind: q for q in await rig.negotiation.offers(rig.tenant, debt_id, (3,), terms=terms)}
    plan = firm["installments-3"]
    assert plan.id != standard["installments-3"].id  # other terms, another offer
    assert plan.offer.terms[0] == "down payment 5000 bps: offer set firm asked it (the policy's minimum is 2000)"
    total = plan.offer.total_minor
    assert total > standard["installments-3"].offer.total_minor  # less discount than the band's 50%
    first = plan.offer.installments[0].amount_minor
    assert total // 2 <= first <= total // 2 + 2
    quotes = QuoteRepository(TenantCollection(rig.agreements.collection.raw.database["quotes"]))
    stored = await quotes.get(rig.tenant, plan.id)  # read back from FerretDB, as accept reads it
    assert stored is not None
    assert stored.offer.terms == plan.offer.terms
    agreement, created = await rig.negotiation.accept(rig.tenant, debt_id, plan.id)
    assert created
    assert agreement.installments[0].amount_minor == first


async def test_a_debts_agreements_are_found_through_its_roster_by_id(
    logged_db: tuple[AsyncDatabase[dict[str, Any]], CommandLog],
) -> None:
    db, log = logged_db
    rig = await build_rig(db)
    debt_id, other = await _place(rig, "c-1"), await _place(rig, "c-2")
    first, _ = await rig.negotiation.accept(
        rig.tenant, debt_id, (await rig.negotiation.offers(rig.tenant, debt_id))[1].id
    )
    await rig.negotiation.cancel(rig.tenant, first.id, "the client called it off")
    rig.clock.advance(timedelta(hours=1))
    second, _ = await rig.negotiation.accept(
        rig.tenant, debt_id, (await rig.negotiation.offers(rig.tenant, debt_id))[0].id
    )
    await rig.negotiation.accept(rig.tenant, other, (await rig.negotiation.offers(rig.tenant, other))[0].id)
    log.clear()
    assert [a.id for a in await rig.agreements.of_debt(rig.tenant, debt_id)] == [first.id, second.id]
    assert await rig.agreements.of_debt("another-tenant", debt_id) == []
    assert log.scans("agreements", "debt_agreements") == []
