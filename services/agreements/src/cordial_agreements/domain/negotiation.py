"""The negotiation use cases: policies, the offers shown to a debtor, agreements and payments against them.

An offer shown is kept as a quote, so accepting it honours exactly what was shown until it expires.
Accepting the same quote twice is one agreement. A payment is recorded on the debt first, then allocated
to the debt's agreement once per payment id; when the agreement is paid in full the debt is settled,
with whatever discount the agreement granted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from cordial.events.v1 import agreements_pb2
from cordial.types.v1 import types_pb2
from cordial_agreements.domain.agreement import Agreement, AgreementState
from cordial_agreements.domain.debt import CLOSED, Debt, DebtStatus, Payment
from cordial_agreements.domain.ledger import SOURCE, Ledger
from cordial_agreements.domain.offers import NegotiationPolicy, Offer, menu
from cordial_agreements.domain.payment_links import PaymentLinks
from cordial_core.clock import Clock
from cordial_core.errors import FailedPrecondition, InvalidArgument, NotFound
from cordial_core.events import Event, EventSource
from cordial_core.ids import stable_id
from cordial_core.money import Money

# Without a policy the only offer is to pay in full, with no discount.
DEFAULT_POLICY = NegotiationPolicy()


@dataclass(frozen=True)
class Quote:
    """An offer as shown to a debtor for one debt, kept until it expires."""

    id: str
    debt_id: str
    kind: str
    offer: Offer
    grace_days: int


class NegotiationPolicies(Protocol):
    """Each client's negotiation policy, optionally per portfolio (a port)."""

    async def get_negotiation(self, tenant: str, portfolio: str = "") -> NegotiationPolicy | None: ...
    async def put_negotiation(self, tenant: str, policy: NegotiationPolicy, portfolio: str = "") -> None: ...


class Quotes(Protocol):
    """Offers shown, by id (a port)."""

    async def add(self, tenant: str, quote: Quote) -> None: ...
    async def get(self, tenant: str, quote_id: str) -> Quote | None: ...


class Agreements(Protocol):
    """Where agreements are kept; storage refuses a second live agreement over a debt (a port)."""

    async def add(self, agreement: Agreement, events: list[Event]) -> bool: ...
    async def get(self, tenant: str, agreement_id: str) -> Agreement | None: ...
    async def of_debt(self, tenant: str, debt_id: str) -> list[Agreement]: ...
    async def live(self, tenant: str) -> list[Agreement]: ...
    async def save(self, agreement: Agreement, events: list[Event]) -> None: ...


class Negotiation:
    """Offers, agreements and the payments allocated to them, for every tenant."""

    def __init__(
        self,
        ledger: Ledger,
        policies: NegotiationPolicies,
        quotes: Quotes,
        agreements: Agreements,
        clock: Clock,
        links: PaymentLinks | None = None,
    ) -> None:
        self._links = links
        self._ledger = ledger
        self._policies = policies
        self._quotes = quotes
        self._agreements = agreements
        self._events = EventSource(SOURCE, clock)

    async def set_policy(self, tenant: str, policy: NegotiationPolicy, portfolio: str = "") -> NegotiationPolicy:
        """Replaces the client's (or one portfolio's) policy; it was validated when built."""
        await self._policies.put_negotiation(tenant, policy, portfolio)
        return policy

    async def policy(self, tenant: str, portfolio: str = "") -> tuple[NegotiationPolicy, bool]:
        """The portfolio's own policy, else the client's, else the default; and whether one was set."""
        for scope in dict.fromkeys((portfolio, "")):
            found = await self._policies.get_negotiation(tenant, scope)
            if found is not None:
                return found, True
        return DEFAULT_POLICY, False

    async def offers(self, tenant: str, debt_id: str, counts: tuple[int, ...] = ()) -> list[Quote]:
        """Today's menu for a debt (plans narrowed or widened by counts), each kept as a quote until it expires."""
        debt, balance = await self._ledger.balance(tenant, debt_id)
        _open_for_offers(debt)
        policy, _ = await self.policy(tenant, debt.portfolio)
        quotes = []
        for offer in menu(policy, balance, self._ledger.today(debt), counts):
            quote_id = stable_id(tenant, debt.id, offer.id, balance.as_of.isoformat(), str(offer.total_minor))
            quote = Quote(quote_id, debt.id, offer.id, offer, policy.grace_days)
            await self._quotes.add(tenant, quote)
            quotes.append(quote)
        return quotes

    async def accept(self, tenant: str, debt_id: str, offer_id: str) -> tuple[Agreement, bool]:
        """Turns a shown offer into an accepted agreement; the same offer twice is one agreement."""
        if not offer_id:
            raise InvalidArgument("is required", field="offer_id")
        debt = await self._ledger.get(tenant, debt_id)
        quote = await self._quotes.get(tenant, offer_id)
        if quote is None or quote.debt_id != debt.id:
            raise NotFound(f"offer {offer_id} not found for debt {debt_id}", field="offer_id")
        agreement_id = stable_id(tenant, "agreement", quote.id)
        existing = await self._agreements.get(tenant, agreement_id)
        if existing is not None:
            return existing, False
        today = self._ledger.today(debt)
        if today > quote.offer.valid_until:
            raise InvalidArgument(
                f"expired on {quote.offer.valid_until.isoformat()}; ask for today's offers", field="offer_id"
            )
        _open_for_offers(debt)
        agreement = Agreement(
            id=agreement_id,
            tenant=tenant,
            debtor_id=debt.debtor_id,
            debt_ids=(debt.id,),
            installments=quote.offer.installments,
            grace_days=quote.grace_days,
            offer_id=quote.id,
            currency=quote.offer.currency,
        )
        agreement.accept()
        payload = agreements_pb2.AgreementAccepted(
            agreement_id=agreement.id,
            debtor_id=agreement.debtor_id,
            debt_ids=list(agreement.debt_ids),
            offer_id=quote.kind,
            total=self._money(agreement, agreement.total),
            installments=len(agreement.installments),
            first_due_date=agreement.installments[0].due_date.isoformat(),
        )
        if not await self._agreements.add(agreement, [self._event(agreement, "agreement.accepted", payload)]):
            return await self.get(tenant, agreement_id), False
        await self._ledger.enter_agreement(tenant, debt.id)
        return await self._with_links(agreement, today), True

    async def get(self, tenant: str, agreement_id: str) -> Agreement:
        """One agreement of the tenant; NotFound for anyone else's."""
        agreement = await self._agreements.get(tenant, agreement_id)
        if agreement is None:
            raise NotFound(f"agreement {agreement_id} not found", field="agreement_id")
        debt = await self._ledger.get(tenant, agreement.debt_ids[0])
        return await self._with_links(agreement, self._ledger.today(debt))

    async def _with_links(self, agreement: Agreement, today: date) -> Agreement:
        """The agreement with its payment links, creating those the provider has not made yet."""
        return agreement if self._links is None else await self._links.ensure(agreement, today)

    async def debt_of_charge(self, tenant: str, txid: str) -> str:
        """The debt a PIX charge of this tenant settles."""
        if self._links is None:
            raise NotFound(f"no PIX charge {txid}", field="txid")
        return await self._links.debt_of(tenant, txid)

    async def of_debt(self, tenant: str, debt_id: str) -> list[Agreement]:
        """Every agreement a debt has had, oldest first."""
        return await self._agreements.of_debt(tenant, debt_id)

    async def record_payment(
        self, tenant: str, debt_id: str, amount: Money, reference: str, source: str, txid: str = ""
    ) -> tuple[Debt, Payment, bool]:
        """Records a payment on the debt, allocates it to the debt's agreement once, settles when paid up."""
        if not debt_id and txid:
            debt_id = await self.debt_of_charge(tenant, txid)
        debt, payment, created = await self._ledger.record_payment(tenant, debt_id, amount, reference, source)
        # Allocation runs again for a repeated payment too: it is idempotent, and completes a crashed attempt.
        agreements = await self._agreements.of_debt(tenant, debt_id)
        current = agreements[-1] if agreements else None
        if current is not None and current.state in (AgreementState.ACCEPTED, AgreementState.ACTIVE):
            await self._allocate(current, payment)
        if current is not None and current.state == AgreementState.SETTLED and debt.status not in CLOSED:
            debt = await self._ledger.settle_by_agreement(tenant, debt_id)
        return debt, payment, created

    async def _allocate(self, agreement: Agreement, payment: Payment) -> None:
        before = agreement.state
        if agreement.receive_once(payment.id, payment.amount.amount_minor) is None:
            return
        events = []
        ids = list(agreement.debt_ids)
        if before == AgreementState.ACCEPTED and agreement.state != AgreementState.ACCEPTED:
            activated = agreements_pb2.AgreementActivated(
                agreement_id=agreement.id, debtor_id=agreement.debtor_id, debt_ids=ids
            )
            events.append(self._event(agreement, "agreement.activated", activated))
        if agreement.state == AgreementState.SETTLED:
            settled = agreements_pb2.AgreementSettled(
                agreement_id=agreement.id,
                debtor_id=agreement.debtor_id,
                debt_ids=ids,
                total_paid=self._money(agreement, sum(agreement.paid.values())),
            )
            events.append(self._event(agreement, "agreement.settled", settled))
        await self._agreements.save(agreement, events)

    async def check(self, tenant: str) -> list[str]:
        """Breaks each live agreement with an installment unpaid past the grace days; returns their ids."""
        broken = []
        for agreement in await self._agreements.live(tenant):
            debt = await self._ledger.get(tenant, agreement.debt_ids[0])
            overdue = agreement.first_overdue(self._ledger.today(debt))
            if overdue is None or not agreement.check_overdue(self._ledger.today(debt)):
                continue
            payload = agreements_pb2.AgreementBroken(
                agreement_id=agreement.id,
                debtor_id=agreement.debtor_id,
                debt_ids=list(agreement.debt_ids),
                overdue_installment=overdue.number,
                due_date=overdue.due_date.isoformat(),
            )
            await self._agreements.save(agreement, [self._event(agreement, "agreement.broken", payload)])
            for debt_id in agreement.debt_ids:
                await self._ledger.leave_agreement(tenant, debt_id)
            broken.append(agreement.id)
        return broken

    @staticmethod
    def _money(agreement: Agreement, amount: int) -> types_pb2.Money:
        return Money(amount, agreement.currency).to_proto()

    def _event(self, agreement: Agreement, event_type: str, payload: object) -> Event:
        return self._events.event(
            event_type, payload, tenant=agreement.tenant, subject=agreement.debt_ids[0], key=agreement.debtor_id
        )


def _open_for_offers(debt: Debt) -> None:
    if debt.status in CLOSED:
        raise FailedPrecondition(f"debt is {debt.status.value}; no offer can be made", field="debt_id")
    if debt.status == DebtStatus.IN_AGREEMENT:
        raise FailedPrecondition("debt already has a live agreement", field="debt_id")
