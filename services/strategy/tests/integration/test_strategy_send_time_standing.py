"""The agreement-acceptance race, closed: a step requested while the debt was open, then the agreement accepted at
agreements, then messaging's send-time check, with strategy never having consumed agreement.accepted. The check
asks agreements (GetDebtStanding over real gRPC, real repositories on FerretDB) and denies with a stored reason
ExplainDecision shows; the agreement's installment reminder stays allowed; a settled debt gets nothing; and when
agreements does not answer in time the send is undecided: stored, and messaging is told to ask again later."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import grpc
import pytest
from cryptography.fernet import Fernet
from pymongo.asynchronous.database import AsyncDatabase

from cordial.agreements.v1 import agreements_service_pb2 as agreements_pb
from cordial.agreements.v1 import agreements_service_pb2_grpc as agreements_grpc
from cordial.strategy.v1 import strategy_service_pb2 as strategy_pb
from cordial.strategy.v1 import strategy_service_pb2_grpc as strategy_grpc
from cordial.types.v1 import types_pb2
from cordial_agreements.adapters.agreements import AgreementRepository, QuoteRepository
from cordial_agreements.adapters.debts import DebtRepository
from cordial_agreements.adapters.policies import BalancePolicyRepository
from cordial_agreements.api.grpc import AgreementsServicer
from cordial_agreements.domain.debt import Debtor
from cordial_agreements.domain.ledger import Ledger, Placement
from cordial_agreements.domain.negotiation import Negotiation
from cordial_agreements.domain.offers import DiscountBand, NegotiationPolicy
from cordial_agreements.domain.standing import DebtStandings
from cordial_core.clock import ControllableClock
from cordial_core.context import bound
from cordial_core.crypto import PersonalDataCipher
from cordial_core.grpc_server import GrpcServer, Registration, open_channel
from cordial_core.ids import new_id, stable_id
from cordial_core.money import Money
from cordial_core.store import TenantCollection
from cordial_messaging.adapters.contact_policy import StrategyContactPolicy
from cordial_messaging.domain.policy import ContactCheck, PolicyVerdict
from cordial_stack.paths import free_port
from cordial_strategy.adapters.cases import CaseRepository
from cordial_strategy.adapters.debtors import DebtorRepository
from cordial_strategy.adapters.standing import AgreementsStandings
from cordial_strategy.adapters.strategies import StrategyRepository
from cordial_strategy.api.grpc import StrategyServicer
from cordial_strategy.domain.book import StrategyBook
from cordial_strategy.domain.guard import ContactGuard
from cordial_strategy.domain.ruler import Ruler

NOW = datetime(2024, 3, 5, 13, 0, tzinfo=UTC)  # Tuesday 10:00 in São Paulo
SP = "America/Sao_Paulo"
SMS = types_pb2.CHANNEL_SMS
POLICY = NegotiationPolicy(bands=(DiscountBand(0),), max_installments=3, offer_validity_days=3, grace_days=5)


@dataclass
class Rig:
    """Agreements and strategy as their apps wire them, each behind its own gRPC server, sharing one clock."""

    tenant: str
    clock: ControllableClock
    ledger: Ledger
    negotiation: Negotiation
    ruler: Ruler
    cases: CaseRepository
    guard: ContactGuard
    serve: Callable[[Registration, str], Any]  # starts one more server; returns a channel to it
    strategy: grpc.aio.Channel


def _strategy(
    ruler: Ruler, cases: CaseRepository, db: AsyncDatabase[dict[str, Any]], clock: ControllableClock
) -> Registration:
    store = StrategyRepository(TenantCollection(db["strategies"]), TenantCollection(db["activations"]))
    servicer = StrategyServicer(cases, ruler, StrategyBook(store, clock, frozenset({"reminder"})))
    return lambda server: strategy_grpc.add_StrategyServiceServicer_to_server(servicer, server)


@pytest.fixture
async def rig(mongo_db: AsyncDatabase[dict[str, Any]]) -> AsyncIterator[Rig]:
    clock = ControllableClock(NOW)
    servers: list[GrpcServer] = []
    channels: list[grpc.aio.Channel] = []

    async def serve(registration: Registration, name: str) -> grpc.aio.Channel:
        port = free_port()
        server = GrpcServer("127.0.0.1", port, [registration], [name])
        await server.start()
        await server.ready()
        servers.append(server)
        channels.append(channel := open_channel(f"127.0.0.1:{port}"))
        return channel

    cipher = PersonalDataCipher(Fernet.generate_key().decode(), "lookup")
    debts = DebtRepository(TenantCollection(mongo_db["debts"]), cipher, clock)
    await debts.ensure_indexes()
    agreements = AgreementRepository(TenantCollection(mongo_db["agreements"]), clock)
    await agreements.ensure_indexes()
    policies = BalancePolicyRepository(TenantCollection(mongo_db["policies"]))
    ledger = Ledger(debts, clock, cipher.lookup_hash, policies)
    negotiation = Negotiation(
        ledger, policies, QuoteRepository(TenantCollection(mongo_db["quotes"])), agreements, clock
    )
    servicer = AgreementsServicer(ledger, negotiation, DebtStandings(ledger, agreements))
    to_agreements = await serve(
        lambda s: agreements_grpc.add_AgreementsServiceServicer_to_server(servicer, s),
        "cordial.agreements.v1.AgreementsService",
    )
    cases = CaseRepository(TenantCollection(mongo_db["cases"]), clock)
    await cases.ensure_indexes()
    guard = ContactGuard(DebtorRepository(TenantCollection(mongo_db["debtors"])), clock)
    ruler = Ruler(cases, guard, clock, standings=AgreementsStandings(to_agreements, 2.0))
    to_strategy = await serve(_strategy(ruler, cases, mongo_db, clock), "cordial.strategy.v1.StrategyService")
    tenant = f"t-{new_id()[:8]}"
    await negotiation.set_policy(tenant, POLICY)
    try:
        yield Rig(tenant, clock, ledger, negotiation, ruler, cases, guard, serve, to_strategy)
    finally:
        for channel in channels:
            await channel.close()
        for server in servers:
            await server.stop(0)


async def _requested(rig: Rig) -> tuple[str, str, str]:
    """A debt placed at agreements whose first step strategy requested (debt.placed and contact.verified heard)."""
    debtor = Debtor("person", "52998224725", "Maria", SP)
    placement = Placement(f"c-{new_id()[:6]}", debtor, Money(90_000, "BRL"), date(2024, 1, 2), "Loja", [])
    debt, _ = await rig.ledger.place(rig.tenant, placement)
    await rig.ruler.debt_placed(rig.tenant, debt.id, debt.debtor_id, "Loja", debt.principal, SP, "BR", "SP")
    await rig.ruler.contact_verified(rig.tenant, debt.id, debt.debtor_id)
    action = stable_id(rig.tenant, debt.id, "reminder-1")
    _, record = await rig.ruler.explain(rig.tenant, action)
    assert record.state == "requested"
    return debt.id, debt.debtor_id, action


async def _send_time(rig: Rig, debt_id: str, debtor_id: str, action: str) -> PolicyVerdict:
    """Messaging's own question at send time, through its own adapter."""
    with bound(rig.tenant, new_id()):
        return await StrategyContactPolicy(rig.strategy).check(
            ContactCheck(rig.tenant, action, debt_id, debtor_id, SMS, "cp-1")
        )


async def _explained(rig: Rig, action: str) -> list[strategy_pb.Decision]:
    stub = strategy_grpc.StrategyServiceStub(rig.strategy)
    with bound(rig.tenant, new_id()):
        reply = await stub.ExplainDecision(strategy_pb.ExplainDecisionRequest(action_id=action))
    return list(reply.decisions)


async def test_accepted_before_strategy_consumed_it_the_send_is_denied_with_a_stored_reason(rig: Rig) -> None:
    debt_id, debtor_id, action = await _requested(rig)
    offers = await rig.negotiation.offers(rig.tenant, debt_id)
    plan = next(q for q in offers if q.kind == "installments-3")
    agreement, _ = await rig.negotiation.accept(rig.tenant, debt_id, plan.id)
    # agreement.accepted waits in agreements' outbox: strategy's own view of the debtor holds nothing.
    assert (await rig.guard.state(debtor_id)).holds == {}

    verdict = await _send_time(rig, debt_id, debtor_id, action)

    assert (verdict.allowed, verdict.rule, verdict.retry) == (False, "standing_in_agreement", False)
    first = plan.offer.installments[0]
    assert f"agreement {agreement.id} accepted, in good standing; next installment 1 of 3 due" in verdict.explanation
    stored = (await _explained(rig, action))[-1]
    assert (stored.allowed, stored.rule, stored.explanation) == (False, verdict.rule, verdict.explanation)
    assert stored.values["agreement"] == agreement.id
    assert stored.values["next_installment"] == f"1 of 3, due {first.due_date}"
    assert stored.values["source"] == "agreements GetDebtStanding at send time"
    assert stored.time_zone == SP

    # Strategy consumes the event later and requests the reminder of installment 1 (due today): allowed at send time.
    await rig.guard.agreement_accepted(debtor_id, agreement.id, [f"{rig.tenant}/{debt_id}"])
    await rig.ruler.agreement_accepted(rig.tenant, debt_id, agreement.id, first.due_date.isoformat(), 3)
    reminder = stable_id(rig.tenant, debt_id, f"installment:{agreement.id}:1")
    allowed = await _send_time(rig, debt_id, debtor_id, reminder)
    assert allowed.allowed is True, allowed.reason()
    assert (await _send_time(rig, debt_id, debtor_id, action)).rule == "standing_in_agreement"

    # Paid in full: neither the collection step nor any reminder goes out, before debt.settled is consumed.
    for n, installment in enumerate(plan.offer.installments, start=1):
        await rig.negotiation.record_payment(
            rig.tenant, debt_id, Money(installment.amount_minor, "BRL"), f"pix-{n}", "provider"
        )
    for asked in (action, reminder):
        settled = await _send_time(rig, debt_id, debtor_id, asked)
        assert (settled.allowed, settled.rule) == (False, "standing_settled")
        assert settled.explanation.startswith("agreements says: the debt is settled on ")


class SlowAgreements(agreements_grpc.AgreementsServiceServicer):
    """An agreements that answers too late."""

    async def GetDebtStanding(
        self, request: agreements_pb.GetDebtStandingRequest, context: grpc.aio.ServicerContext
    ) -> agreements_pb.GetDebtStandingResponse:
        await asyncio.sleep(2)
        return agreements_pb.GetDebtStandingResponse(standing=agreements_pb.DEBT_STANDING_OPEN)


async def test_agreements_not_answering_in_time_is_never_a_blind_send(
    rig: Rig, mongo_db: AsyncDatabase[dict[str, Any]]
) -> None:
    debt_id, debtor_id, action = await _requested(rig)
    slow = await rig.serve(
        lambda s: agreements_grpc.add_AgreementsServiceServicer_to_server(SlowAgreements(), s),
        "cordial.agreements.v1.AgreementsService",
    )
    hasty = Ruler(rig.cases, rig.guard, rig.clock, standings=AgreementsStandings(slow, 0.2))
    rig.strategy = await rig.serve(
        _strategy(hasty, rig.cases, mongo_db, rig.clock), "cordial.strategy.v1.StrategyService"
    )

    verdict = await _send_time(rig, debt_id, debtor_id, action)

    assert (verdict.allowed, verdict.rule, verdict.retry) == (False, "standing_unknown", True)
    assert verdict.next_allowed_at == NOW + timedelta(minutes=1)
    stored = (await _explained(rig, action))[-1]
    assert stored.rule == "standing_unknown"
    assert stored.explanation == (
        "agreements says: no answer within 0.2 s; not sent blind, asked again from 2024-03-05 13:01:00 UTC"
    )
    # Nothing was reserved for it: the caps still count no contact today.
    assert (await rig.guard.state(debtor_id)).contacts == {}
