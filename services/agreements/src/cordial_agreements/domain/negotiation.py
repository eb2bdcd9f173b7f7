"""The negotiation use cases: policies, the offers shown to a debtor, agreements and payments against them.

An offer shown is kept as a quote, so accepting it honours exactly what was shown until it expires.
Accepting the same quote twice is one agreement. An offer may cover several debts of one debtor with one
client: their balances are combined line by line (see `offers.combined`) and each debt gets a share of the
total in proportion to its balance (`agreement.split_shares`). A debt whose agreements broke may get a new
one only as the policy allows (`max_renegotiations`, `renegotiation_down_payment_bps`).

A payment for a one-debt agreement is recorded on the debt first, then allocated to the agreement once per
payment id. A payment for an agreement over several debts is allocated to the agreement first (once per
reference, its split over the debts kept with it), then recorded on each debt for its part. When the
agreement is paid in full its debts are settled, with whatever discount the agreement granted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from google.protobuf.message import Message

from cordial.events.v1 import agreements_pb2
from cordial.types.v1 import types_pb2
from cordial_agreements.domain.agreement import LIVE, Agreement, AgreementState, split_shares
from cordial_agreements.domain.check_agenda import CheckAgenda, day_begins
from cordial_agreements.domain.debt import CLOSED, Debt, DebtStatus, Payment
from cordial_agreements.domain.ledger import SOURCE, Ledger
from cordial_agreements.domain.offers import NegotiationPolicy, Offer, OfferTerms, combined, menu
from cordial_agreements.domain.payment_links import Payer, PaymentLinks
from cordial_core.clock import Clock
from cordial_core.errors import FailedPrecondition, InvalidArgument, NotFound
from cordial_core.events import Event, EventSource
from cordial_core.ids import stable_id
from cordial_core.money import Money

# Without a policy the only offer is to pay in full, with no discount.
DEFAULT_POLICY = NegotiationPolicy()
MAX_DEBTS = 50


@dataclass(frozen=True)
class Quote:
    """An offer as shown to a debtor for one or more debts, kept until it expires."""

    id: str
    debt_id: str
    kind: str
    offer: Offer
    grace_days: int
    # Every debt covered (debt_id first) and each one's share of the total, in the same order.
    debt_ids: tuple[str, ...] = ()
    shares: tuple[int, ...] = ()
    # Shown after an agreement over these debts broke, with the renegotiation terms.
    renegotiation: bool = False

    @property
    def debts(self) -> tuple[str, ...]:
        """The debts the offer covers."""
        return self.debt_ids or (self.debt_id,)


@dataclass(frozen=True)
class UnappliedPayment:
    """A payment that arrived but could not be applied, kept with the reason for reconciliation."""

    id: str
    tenant: str
    reference: str
    txid: str
    debt_id: str
    amount: Money
    source: str
    reason: str
    detail: str
    received_at: datetime


class UnappliedPayments(Protocol):
    """Payments kept unapplied (a port); adding the same id twice keeps one."""

    async def add(self, payment: UnappliedPayment, events: list[Event]) -> bool: ...
    async def get(self, tenant: str, unapplied_id: str) -> UnappliedPayment | None: ...
    async def of_tenant(self, tenant: str, limit: int) -> list[UnappliedPayment]: ...


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
        unapplied: UnappliedPayments | None = None,
    ) -> None:
        self._links = links
        self._unapplied = unapplied
        self._clock = clock
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

    async def offers(
        self,
        tenant: str,
        debt_id: str,
        counts: tuple[int, ...] = (),
        debt_ids: tuple[str, ...] = (),
        terms: OfferTerms | None = None,
    ) -> list[Quote]:
        """Today's menu for a debt, or several of one debtor (plans narrowed or widened by counts, down payment
        and discounts asked by the strategy's offer set within the policy), kept as quotes.

        Debts in one portfolio follow its policy; debts across portfolios follow the client's.
        """
        ids = _debt_ids(debt_id, debt_ids)
        found = [await self._ledger.balance(tenant, one) for one in ids]
        debts = [debt for debt, _ in found]
        _one_debtor(debts)
        for debt in debts:
            _open_for_offers(debt)
        portfolios = {debt.portfolio for debt in debts}
        policy, _ = await self.policy(tenant, portfolios.pop() if len(portfolios) == 1 else "")
        renegotiation = await self._renegotiation(tenant, ids, policy)
        balances = [balance for _, balance in found]
        whole = combined(balances)
        quotes = []
        for offer in menu(policy, whole, self._ledger.today(debts[0]), counts, renegotiation, terms):
            shares = tuple(split_shares(offer.total_minor, [b.total for b in balances]))
            # Other terms make another offer (another down payment may leave the total unchanged).
            asked = (terms.key,) if terms is not None and terms.asks else ()
            quote_id = stable_id(tenant, *ids, offer.id, whole.as_of.isoformat(), str(offer.total_minor), *asked)
            quote = Quote(quote_id, ids[0], offer.id, offer, policy.grace_days, ids, shares, renegotiation)
            await self._quotes.add(tenant, quote)
            quotes.append(quote)
        return quotes

    async def _renegotiation(self, tenant: str, debt_ids: tuple[str, ...], policy: NegotiationPolicy) -> bool:
        """Whether an agreement over these debts broke before; refused past the policy's renegotiations."""
        broken = {
            a.id
            for debt_id in debt_ids
            for a in await self._agreements.of_debt(tenant, debt_id)
            if a.state == AgreementState.BROKEN
        }
        if len(broken) > policy.max_renegotiations:
            raise FailedPrecondition(
                f"{len(broken)} agreement(s) over these debts broke; the client's policy allows "
                f"{policy.max_renegotiations} new agreement(s) after a break",
                field="debt_id",
            )
        return bool(broken)

    async def accept(self, tenant: str, debt_id: str, offer_id: str, propose: bool = False) -> tuple[Agreement, bool]:
        """Turns a shown offer into an accepted agreement (or a proposed one, which holds its debts until the
        debtor accepts it); the same offer twice is one agreement, and accepting a proposed one accepts it.

        debt_id may be empty (the offer names its debts); when given it must be one of them.
        """
        if not offer_id:
            raise InvalidArgument("is required", field="offer_id")
        quote = await self._quotes.get(tenant, offer_id)
        if quote is None or (debt_id and debt_id not in quote.debts):
            raise NotFound(f"offer {offer_id} not found for debt {debt_id or '(any)'}", field="offer_id")
        debts = [await self._ledger.get(tenant, one) for one in quote.debts]
        debt = debts[0]
        agreement_id = stable_id(tenant, "agreement", quote.id)
        existing = await self._agreements.get(tenant, agreement_id)
        if existing is not None and existing.state == AgreementState.PROPOSED and not propose:
            return (await self.accept_agreement(tenant, agreement_id))[0], False
        if existing is not None:
            return existing, False
        today = self._ledger.today(debt)
        if today > quote.offer.valid_until:
            raise InvalidArgument(
                f"expired on {quote.offer.valid_until.isoformat()}; ask for today's offers", field="offer_id"
            )
        for one in debts:
            _open_for_offers(one)
        policy, _ = await self.policy(tenant, debt.portfolio if len({d.portfolio for d in debts}) == 1 else "")
        if await self._renegotiation(tenant, quote.debts, policy) and not quote.renegotiation:
            raise InvalidArgument("was shown before an agreement broke; ask for today's offers", field="offer_id")
        shares = quote.shares or (quote.offer.total_minor,)
        agreement = Agreement(
            id=agreement_id,
            tenant=tenant,
            debtor_id=debt.debtor_id,
            debt_ids=quote.debts,
            installments=quote.offer.installments,
            grace_days=quote.grace_days,
            offer_id=quote.id,
            currency=quote.offer.currency,
            shares=dict(zip(quote.debts, shares, strict=True)),
            valid_until=quote.offer.valid_until,
            kind=quote.kind,
        )
        if propose:
            proposed = agreements_pb2.AgreementProposed(
                agreement_id=agreement.id,
                debtor_id=agreement.debtor_id,
                debt_ids=list(agreement.debt_ids),
                offer_id=quote.kind,
                total=self._money(agreement, agreement.total),
                installments=len(agreement.installments),
                valid_until=quote.offer.valid_until.isoformat(),
            )
            if not await self._agreements.add(agreement, [self._event(agreement, "agreement.proposed", proposed)]):
                return await self.get(tenant, agreement_id), False
            return agreement, True
        agreement.accept()
        if not await self._agreements.add(agreement, [self._accepted(agreement)]):
            return await self.get(tenant, agreement_id), False
        for covered in agreement.debt_ids:
            await self._ledger.enter_agreement(tenant, covered)
        return await self._with_links(agreement, today, debt), True

    async def accept_agreement(self, tenant: str, agreement_id: str) -> tuple[Agreement, bool]:
        """The debtor accepts a proposed agreement while its offer is valid; accepting twice changes nothing."""
        agreement = await self._agreements.get(tenant, agreement_id)
        if agreement is None:
            raise NotFound(f"agreement {agreement_id} not found", field="agreement_id")
        if agreement.state in (AgreementState.ACCEPTED, AgreementState.ACTIVE, AgreementState.SETTLED):
            return await self.get(tenant, agreement_id), False
        debts = [await self._ledger.get(tenant, one) for one in agreement.debt_ids]
        today = self._ledger.today(debts[0])
        if agreement.state == AgreementState.PROPOSED and agreement.expired(today):
            await self.cancel(tenant, agreement_id, f"proposal expired on {agreement.valid_until}")
            raise InvalidArgument(f"the proposal expired on {agreement.valid_until}", field="agreement_id")
        agreement.accept()
        for one in debts:
            _open_for_offers(one)
        await self._agreements.save(agreement, [self._accepted(agreement)])
        for covered in agreement.debt_ids:
            await self._ledger.enter_agreement(tenant, covered)
        return await self._with_links(agreement, today, debts[0]), True

    def _accepted(self, agreement: Agreement) -> Event:
        payload = agreements_pb2.AgreementAccepted(
            agreement_id=agreement.id,
            debtor_id=agreement.debtor_id,
            debt_ids=list(agreement.debt_ids),
            offer_id=agreement.kind,
            total=self._money(agreement, agreement.total),
            installments=len(agreement.installments),
            first_due_date=agreement.installments[0].due_date.isoformat(),
        )
        return self._event(agreement, "agreement.accepted", payload)

    async def cancel(self, tenant: str, agreement_id: str, reason: str) -> tuple[Agreement, bool]:
        """Calls off a live agreement (its debts go back to collection); cancelling twice changes nothing."""
        agreement = await self._agreements.get(tenant, agreement_id)
        if agreement is None:
            raise NotFound(f"agreement {agreement_id} not found", field="agreement_id")
        if not agreement.cancel(reason):
            return agreement, False
        payload = agreements_pb2.AgreementCancelled(
            agreement_id=agreement.id,
            debtor_id=agreement.debtor_id,
            debt_ids=list(agreement.debt_ids),
            reason=agreement.cancel_reason,
        )
        await self._agreements.save(agreement, [self._event(agreement, "agreement.cancelled", payload)])
        for one in agreement.debt_ids:
            await self._ledger.leave_agreement(tenant, one)
        return agreement, True

    async def recall(self, tenant: str, debt_id: str, reason: str) -> tuple[Debt, bool]:
        """The client takes a debt back: its live agreement is cancelled too, so nothing more is asked for it."""
        debt, changed = await self._ledger.recall(tenant, debt_id, reason)
        await self._cancel_live(tenant, debt_id, f"debt {debt_id} recalled by the client")
        return debt, changed

    async def write_off(self, tenant: str, debt_id: str, reason: str) -> tuple[Debt, bool]:
        """The agency stops collecting a debt: its live agreement is cancelled too."""
        debt, changed = await self._ledger.write_off(tenant, debt_id, reason)
        await self._cancel_live(tenant, debt_id, f"debt {debt_id} written off")
        return debt, changed

    async def _cancel_live(self, tenant: str, debt_id: str, reason: str) -> None:
        """Cancels the live agreement over a debt, if any (again after a crash: cancelling twice is a no-op)."""
        for agreement in await self._agreements.of_debt(tenant, debt_id):
            if agreement.state in LIVE:
                await self.cancel(tenant, agreement.id, reason)

    async def get(self, tenant: str, agreement_id: str) -> Agreement:
        """One agreement of the tenant; NotFound for anyone else's."""
        agreement = await self._agreements.get(tenant, agreement_id)
        if agreement is None:
            raise NotFound(f"agreement {agreement_id} not found", field="agreement_id")
        debt = await self._ledger.get(tenant, agreement.debt_ids[0])
        return await self._with_links(agreement, self._ledger.today(debt), debt)

    async def _with_links(self, agreement: Agreement, today: date, debt: Debt) -> Agreement:
        """The agreement with its payment links, creating those the provider has not made yet."""
        if self._links is None:
            return agreement
        return await self._links.ensure(
            agreement, today, Payer(debt.debtor.document, debt.debtor.name, debt.debtor.address)
        )

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
        if not reference:
            raise InvalidArgument("is required", field="payment_reference")
        if not debt_id and txid:
            debt_id = await self.debt_of_charge(tenant, txid)
        agreements = await self._agreements.of_debt(tenant, debt_id)
        current = agreements[-1] if agreements else None
        if current is not None and len(current.debt_ids) > 1:
            key = stable_id(current.id, "payment", reference)
            if key in current.splits or current.state in (AgreementState.ACCEPTED, AgreementState.ACTIVE):
                return await self._record_across(current, debt_id, amount, reference, source)
        debt, payment, created = await self._ledger.record_payment(tenant, debt_id, amount, reference, source)
        # Allocation runs again for a repeated payment too: it is idempotent, and completes a crashed attempt.
        agreements = await self._agreements.of_debt(tenant, debt_id)
        current = agreements[-1] if agreements else None
        if current is not None and current.state in (AgreementState.ACCEPTED, AgreementState.ACTIVE):
            await self._allocate(current, payment.id, payment.amount.amount_minor)
        if current is not None and current.state == AgreementState.SETTLED and debt.status not in CLOSED:
            debt = await self._ledger.settle_by_agreement(tenant, debt_id)
        return debt, payment, created

    async def record_or_keep(
        self, tenant: str, debt_id: str, amount: Money, reference: str, source: str, txid: str = ""
    ) -> tuple[Debt, Payment, bool] | tuple[UnappliedPayment, bool]:
        """Records a payment, or keeps it unapplied with the reason when it cannot be applied: never lost.

        Unapplied: an unknown charge or debt, a debt settled, recalled or written off, a currency that is
        not the debt's. Bad input of the caller itself (no reference) is still refused.
        """
        try:
            return await self.record_payment(tenant, debt_id, amount, reference, source, txid)
        except NotFound as exc:
            reason = "unknown_charge" if exc.field == "txid" else "unknown_debt"
            return await self._keep(tenant, debt_id, amount, reference, source, txid, reason, exc.message)
        except FailedPrecondition as exc:
            return await self._keep(tenant, debt_id, amount, reference, source, txid, "debt_closed", exc.message)
        except InvalidArgument as exc:
            if not (exc.field or "").startswith("amount"):
                raise
            return await self._keep(tenant, debt_id, amount, reference, source, txid, "not_applicable", exc.message)

    async def _keep(
        self,
        tenant: str,
        debt_id: str,
        amount: Money,
        reference: str,
        source: str,
        txid: str,
        reason: str,
        detail: str,
    ) -> tuple[UnappliedPayment, bool]:
        if self._unapplied is None:
            raise FailedPrecondition("unapplied payments are not configured")
        if not debt_id and txid and reason != "unknown_charge":
            debt_id = await self.debt_of_charge(tenant, txid)
        kept = UnappliedPayment(
            stable_id(tenant, "unapplied", reference),
            tenant,
            reference,
            txid,
            debt_id,
            amount,
            source or "client",
            reason,
            detail,
            self._clock.now(),
        )
        payload = agreements_pb2.PaymentUnapplied(
            unapplied_id=kept.id,
            debt_id=debt_id,
            txid=txid,
            reference=reference,
            amount=amount.to_proto(),
            source=kept.source,
            reason=reason,
            detail=detail,
        )
        event = self._events.event(
            "payment.unapplied", payload, tenant=tenant, subject=debt_id or txid, key=debt_id or txid
        )
        if await self._unapplied.add(kept, [event]):
            return kept, True
        return await self._unapplied.get(tenant, kept.id) or kept, False

    async def unapplied(self, tenant: str, limit: int = 100) -> list[UnappliedPayment]:
        """The tenant's unapplied payments, newest first."""
        if not 1 <= limit <= 500:
            raise InvalidArgument("must be between 1 and 500", field="limit")
        return [] if self._unapplied is None else await self._unapplied.of_tenant(tenant, limit)

    async def _record_across(
        self, agreement: Agreement, debt_id: str, amount: Money, reference: str, source: str
    ) -> tuple[Debt, Payment, bool]:
        """A payment for an agreement over several debts: allocated once, then recorded on each debt for its part."""
        key = stable_id(agreement.id, "payment", reference)
        created = key not in agreement.splits
        if created:
            if amount.currency != agreement.currency:
                raise InvalidArgument(
                    f"currency {amount.currency} differs from the agreement's {agreement.currency}",
                    field="amount.currency",
                )
            debts = [await self._ledger.get(agreement.tenant, one) for one in agreement.debt_ids]
            closed = frozenset(d.id for d in debts if d.status in CLOSED)
            split = agreement.to_debts(amount.amount_minor, closed)
            await self._allocate(agreement, key, amount.amount_minor, split)
        recorded: dict[str, tuple[Debt, Payment]] = {}
        for one, part in agreement.splits[key].items():
            debt, payment, _ = await self._ledger.record_payment(
                agreement.tenant, one, Money(part, agreement.currency), reference, source
            )
            recorded[one] = (debt, payment)
        if agreement.state == AgreementState.SETTLED:
            for one in agreement.debt_ids:
                settled = await self._ledger.settle_by_agreement(agreement.tenant, one)
                if one in recorded:
                    recorded[one] = (settled, recorded[one][1])
        debt, payment = recorded.get(debt_id) or next(iter(recorded.values()))
        return debt, payment, created

    async def _allocate(
        self, agreement: Agreement, payment_id: str, amount: int, split: dict[str, int] | None = None
    ) -> None:
        before = agreement.state
        allocation = agreement.receive_once(payment_id, amount)
        if allocation is None:
            return
        for one, part in (split or {agreement.debt_ids[0]: amount}).items():
            agreement.applied[one] = agreement.applied.get(one, 0) + part
        if split is not None:
            agreement.splits[payment_id] = split
        events = []
        ids = list(agreement.debt_ids)
        if before == AgreementState.ACCEPTED and agreement.state != AgreementState.ACCEPTED:
            activated = agreements_pb2.AgreementActivated(
                agreement_id=agreement.id, debtor_id=agreement.debtor_id, debt_ids=ids
            )
            events.append(self._event(agreement, "agreement.activated", activated))
        for number in sorted(allocation):
            if agreement.outstanding(number) == 0:  # paid in full by this payment: strategy reminds the next one
                events.append(self._installment_paid(agreement, number))
        if agreement.state == AgreementState.SETTLED:
            settled = agreements_pb2.AgreementSettled(
                agreement_id=agreement.id,
                debtor_id=agreement.debtor_id,
                debt_ids=ids,
                total_paid=self._money(agreement, sum(agreement.paid.values())),
            )
            events.append(self._event(agreement, "agreement.settled", settled))
        await self._agreements.save(agreement, events)

    async def check(self, tenant: str, agenda: CheckAgenda | None = None) -> list[str]:
        """Breaks each live agreement with an installment unpaid past the grace days (returns their ids); cancels
        proposals whose offer expired; plans on the agenda when each other one next needs a look."""
        broken = []
        for agreement in await self._agreements.live(tenant):
            if await self._check_one(agreement, agenda):
                broken.append(agreement.id)
        return broken

    async def check_due(self, agenda: CheckAgenda) -> list[str]:
        """The check of the agreements the agenda holds due now, each read by id; returns the ids broken."""
        broken = []
        for tenant, agreement_id in agenda.take_due(self._clock.now()):
            agreement = await self._agreements.get(tenant, agreement_id)
            if agreement is None or agreement.state not in LIVE:
                agenda.plan(tenant, agreement_id, None)
            elif await self._check_one(agreement, agenda):
                broken.append(agreement_id)
        return broken

    async def _check_one(self, agreement: Agreement, agenda: CheckAgenda | None) -> bool:
        """Cancels an expired proposal or breaks an overdue agreement; True when it broke it."""
        tenant = agreement.tenant
        debt = await self._ledger.get(tenant, agreement.debt_ids[0])
        today = self._ledger.today(debt)
        if agreement.state == AgreementState.PROPOSED and agreement.expired(today):
            await self.cancel(tenant, agreement.id, f"proposal expired on {agreement.valid_until}")
            return False
        overdue = agreement.first_overdue(today)
        if overdue is None or not agreement.check_overdue(today):
            if agenda is not None:
                look = agreement.next_look()
                agenda.plan(tenant, agreement.id, day_begins(look, debt.debtor.time_zone) if look else None)
            return False
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
        return True

    def _installment_paid(self, agreement: Agreement, number: int) -> Event:
        installment = agreement.installments[number - 1]
        paid = agreements_pb2.AgreementInstallmentPaid(
            agreement_id=agreement.id,
            debtor_id=agreement.debtor_id,
            debt_ids=list(agreement.debt_ids),
            number=number,
            installments=len(agreement.installments),
            due_date=installment.due_date.isoformat(),
            amount=self._money(agreement, installment.amount_minor),
        )
        return self._event(agreement, "agreement.installment_paid", paid)

    @staticmethod
    def _money(agreement: Agreement, amount: int) -> types_pb2.Money:
        return Money(amount, agreement.currency).to_proto()

    def _event(self, agreement: Agreement, event_type: str, payload: Message) -> Event:
        return self._events.event(
            event_type, payload, tenant=agreement.tenant, subject=agreement.debt_ids[0], key=agreement.debtor_id
        )


def _debt_ids(debt_id: str, debt_ids: tuple[str, ...]) -> tuple[str, ...]:
    """The debts asked about: debt_id alone, or debt_ids (debt_id, when also given, must be among them)."""
    if not debt_ids:
        if not debt_id:
            raise InvalidArgument("is required", field="debt_id")
        return (debt_id,)
    if debt_id and debt_id not in debt_ids:
        raise InvalidArgument("must be one of debt_ids when both are given", field="debt_id")
    if len(set(debt_ids)) != len(debt_ids):
        raise InvalidArgument("a debt appears twice", field="debt_ids")
    if len(debt_ids) > MAX_DEBTS:
        raise InvalidArgument(f"at most {MAX_DEBTS} debts in one agreement", field="debt_ids")
    return tuple(debt_ids)


def _one_debtor(debts: list[Debt]) -> None:
    """Debts offered together belong to one debtor and share a currency."""
    for i, debt in enumerate(debts[1:], start=1):
        if debt.debtor_id != debts[0].debtor_id:
            raise InvalidArgument("belongs to another debtor; an agreement covers one debtor", field=f"debt_ids[{i}]")
        if debt.principal.currency != debts[0].principal.currency:
            raise InvalidArgument(
                f"is in {debt.principal.currency}, the first in {debts[0].principal.currency}", field=f"debt_ids[{i}]"
            )


def _open_for_offers(debt: Debt) -> None:
    if debt.status in CLOSED:
        raise FailedPrecondition(f"debt is {debt.status.value}; no offer can be made", field="debt_id")
    if debt.status == DebtStatus.IN_AGREEMENT:
        raise FailedPrecondition("debt already has a live agreement", field="debt_id")
