"""Request and response bodies of the client API, with the field rules of the domain."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationInfo,
    field_validator,
    model_validator,
)

from cordial_gateway.domain import debt_input as rules
from cordial_gateway.domain.client_webhooks import check_events, check_url

Currency = Annotated[str, AfterValidator(rules.check_currency)]
Phone = Annotated[str, Field(max_length=40), AfterValidator(rules.check_phone)]
Email = Annotated[str, Field(max_length=254), AfterValidator(rules.check_email)]


class Strict(BaseModel):
    """Unknown fields are refused, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid")


class MoneyIn(Strict):
    """An amount in minor units (cents) and its ISO 4217 currency."""

    amount_minor: Annotated[StrictInt, AfterValidator(rules.check_amount)]
    currency: Currency


class AddressIn(Strict):
    """A postal address."""

    street: str = Field(min_length=1, max_length=200)
    number: str = Field(default="", max_length=20)
    complement: str = Field(default="", max_length=100)
    district: str = Field(default="", max_length=100)
    city: str = Field(min_length=1, max_length=100)
    state: str = Field(default="", max_length=2, description="UF, e.g. SP")
    postal_code: str = Field(default="", max_length=16)
    country: str = Field(default="BR", pattern=r"^[A-Z]{2}$")


class DebtorIn(Strict):
    """The person or company who owes."""

    kind: Literal["person", "company"]
    document: str = Field(max_length=32, description="CPF for a person, CNPJ for a company")
    name: str = Field(min_length=1, max_length=200)
    time_zone: Annotated[str, AfterValidator(rules.check_time_zone)] = "America/Sao_Paulo"
    birth_date: date | None = Field(default=None, description="persons only")
    address: AddressIn | None = None

    @field_validator("document")
    @classmethod
    def _document_matches_kind(cls, value: str, info: ValidationInfo) -> str:
        # kind is declared first, so it is validated (or missing) by now.
        return rules.check_document(info.data.get("kind", "person"), value)


class ContactPointsIn(Strict):
    """Phones and e-mails supplied by the client."""

    phones: list[Phone] = Field(default_factory=list, max_length=20)
    emails: list[Email] = Field(default_factory=list, max_length=20)


class DebtIn(Strict):
    """A debt placed by a creditor client."""

    client_reference: str = Field(min_length=1, max_length=100, pattern=r"^[\w.\-:/]+$")
    debtor: DebtorIn
    principal: MoneyIn
    due_date: date
    contact_points: ContactPointsIn = Field(default_factory=ContactPointsIn)
    portfolio: str = Field(default="default", min_length=1, max_length=100, pattern=r"^[\w.\-:/]+$")
    product: str = Field(default="", max_length=100, description="e.g. credit card")
    origin_date: date | None = Field(default=None, description="when the contract was made")


class BatchIn(Strict):
    """Up to 10,000 debts; each item is checked on its own, so a bad one never rejects the rest."""

    items: list[dict[str, Any]] = Field(min_length=1, max_length=10_000, description="each a debt as in POST /v1/debts")


class BatchItemOut(BaseModel):
    """What became of one item: created, existing (placed before) or rejected with the fields at fault."""

    index: int
    reference: str
    status: Literal["created", "existing", "rejected"]
    debt_id: str = ""
    errors: list[dict[str, str]] = []


class BatchOut(BaseModel):
    """One result per item, in order, and the counts."""

    items: list[BatchItemOut]
    created: int
    existing: int
    rejected: int


class PaymentIn(Strict):
    """A payment the debtor made directly to the creditor."""

    amount: MoneyIn
    payment_reference: str = Field(min_length=1, max_length=100)


class MoneyOut(BaseModel):
    """An amount in minor units."""

    amount_minor: int
    currency: str


class DebtOut(BaseModel):
    """A debt as its client sees it."""

    id: str
    client_reference: str
    status: str
    principal: MoneyOut
    balance: MoneyOut
    paid: MoneyOut
    due_date: str
    placed_at: str
    settled_at: str | None = None
    portfolio: str = "default"
    product: str = ""
    origin_date: str | None = None


class BalanceLine(BaseModel):
    """One line of a balance, signed: payments are negative."""

    label: str
    amount_minor: int


class BalanceOut(BaseModel):
    """What a debt owes as of a day, and why: total = sum of the lines, never below zero."""

    debt_id: str
    as_of: str
    currency: str
    lines: list[BalanceLine]
    total: MoneyOut
    overpaid: MoneyOut
    days_late: int
    months_corrected: int
    late_fee_bps: int
    monthly_interest_bps: int
    index_name: str
    explanation: str


class RecallIn(Strict):
    """Why the client takes the debt back."""

    reason: str = Field(default="", max_length=500)


class BalancePolicyIn(Strict):
    """A client's charges on late debts, in basis points (1 bp = 0.01%)."""

    late_fee_bps: int = Field(ge=0, le=10_000, description="consumer debts are capped at 200 (2%)")
    monthly_interest_bps: int = Field(ge=0, le=1_000, description="pro rata die over a 30-day month")
    index_name: str = Field(default="", max_length=40, description="e.g. IPCA")
    monthly_factors: dict[str, str] = Field(
        default_factory=dict, description='"YYYY-MM" -> exact decimal factor, e.g. "1.0042"'
    )


class BalancePolicyOut(BaseModel):
    """The client's balance policy."""

    late_fee_bps: int
    monthly_interest_bps: int
    index_name: str
    monthly_factors: dict[str, str]


class WriteOffIn(Strict):
    """Why the agency stops collecting."""

    reason: str = Field(min_length=1, max_length=500)


class PaymentOut(BaseModel):
    """The outcome of recording a payment."""

    payment_id: str
    created: bool
    debt: DebtOut


class TimelineMessage(BaseModel):
    """A message an entry is about: where it went, the provider's id, the text sent and each delivery state's time."""

    message_id: str
    # Which message messaging sent on its own: opt_out_confirmation, validation_notice.
    kind: str
    # A validation notice's first communication, the message it follows; "" otherwise.
    follows_message_id: str = ""
    channel: str
    contact_point_id: str
    provider: str
    provider_message_id: str
    text: str
    deliveries: dict[str, str]


class TimelineEntry(BaseModel):
    """One step in a debt's life."""

    time: str
    type: str
    source: str
    summary: str
    # Set for a message messaging sent on its own (an opt-out's confirmation, a validation notice), whose receipts
    # reach this entry.
    message: TimelineMessage | None = None


class TimelineOut(BaseModel):
    """Every step of a debt, oldest first."""

    debt_id: str
    entries: list[TimelineEntry]


class CreditorIdentityIn(Strict):
    """Where the creditor is and its CPF or CNPJ: every collection message names them (CDC art. 42-A)."""

    address: str = Field(min_length=1, max_length=300)
    document: str = Field(min_length=1, max_length=40)


class ClientIn(Strict):
    """A new creditor client; without its address and document, messages that must disclose them are not sent."""

    name: str = Field(min_length=1, max_length=200)
    creditor: CreditorIdentityIn | None = None


class ClientOut(BaseModel):
    """A created client and its API key, shown once."""

    client_id: str
    name: str
    api_key: str


class MeOut(BaseModel):
    """The calling client."""

    client_id: str
    name: str


class DiscountBandIn(Strict):
    """Discounts (basis points) allowed from a number of days past due."""

    min_days_past_due: int = Field(ge=0, le=100_000)
    fees_discount_bps: int = Field(default=0, ge=0, le=10_000)
    interest_discount_bps: int = Field(default=0, ge=0, le=10_000)
    principal_discount_bps: int = Field(default=0, ge=0, le=10_000)


class NegotiationPolicyIn(Strict):
    """What a client lets the agency offer; a policy that contradicts itself is refused naming the field."""

    bands: list[DiscountBandIn] = Field(min_length=1, max_length=20, description="the first starts at 0 days")
    min_down_payment_bps: int = Field(default=0, ge=0, le=10_000)
    max_installments: int = Field(default=1, ge=1, le=120)
    min_installment_minor: int = Field(default=0, ge=0)
    offer_validity_days: int = Field(default=5, ge=1, le=90)
    grace_days: int = Field(default=5, ge=0, le=90)
    max_renegotiations: int = Field(
        default=1, ge=0, le=12, description="new agreements a debt may get after agreements over it broke"
    )
    renegotiation_down_payment_bps: int = Field(
        default=0,
        ge=0,
        le=10_000,
        description="minimum down payment after a break, at least min_down_payment_bps; 0 keeps it; 10000 = in full",
    )


class NegotiationPolicyOut(NegotiationPolicyIn):
    """A client's negotiation policy; `configured` is false while the default (pay in full) applies."""

    configured: bool = True


class InstallmentOut(BaseModel):
    """One payment of a plan and what was paid against it."""

    number: int
    due_date: str
    amount: MoneyOut
    paid: MoneyOut


class OfferLineOut(BaseModel):
    """One signed line that explains an offer's total."""

    label: str
    amount_minor: int


class OfferOut(BaseModel):
    """One choice of the menu, valid until a day."""

    id: str
    kind: str
    debt_id: str
    total: MoneyOut
    valid_until: str
    lines: list[OfferLineOut]
    installments: list[InstallmentOut]
    debt_ids: list[str] = []
    terms: list[str] = Field(
        default=[], description="why the down payment and discounts are what they are: the offer set and the policy"
    )


class OffersOut(BaseModel):
    """Today's menu for a debt."""

    debt_id: str
    offers: list[OfferOut]


class OffersIn(Strict):
    """Several debts of one debtor offered together, and optionally the installment plans to show."""

    debt_ids: list[str] = Field(min_length=1, max_length=50)
    installment_counts: list[int] = Field(default=[], max_length=12, description="e.g. [3, 6]; empty: 3, 6, 12")


class CancelIn(Strict):
    """Why an agreement is called off."""

    reason: str = Field(min_length=1, max_length=500)


class DebtShareOut(BaseModel):
    """One debt's part of an agreement and what was applied to it."""

    debt_id: str
    amount: MoneyOut
    paid: MoneyOut


class UnappliedPaymentOut(BaseModel):
    """A payment that arrived but could not be applied, kept for reconciliation."""

    id: str
    reference: str
    txid: str
    debt_id: str
    amount: MoneyOut
    source: str
    reason: str = Field(description="unknown_charge, unknown_debt, debt_closed or not_applicable")
    detail: str
    received_at: str


class UnappliedPaymentsOut(BaseModel):
    """Unapplied payments, newest first."""

    payments: list[UnappliedPaymentOut]


class AcceptIn(Strict):
    """The offer the debtor accepts, by the id it was shown with."""

    offer_id: str = Field(min_length=1, max_length=64)


class PaymentLinkOut(BaseModel):
    """How to pay one installment: PIX copia e cola of the provider's charge, or the boleto."""

    installment: int
    amount: MoneyOut
    due_date: str
    txid: str
    pix_copia_e_cola: str
    boleto_digitable_line: str
    boleto_barcode: str


class AgreementOut(BaseModel):
    """An agreement, its installments and what was paid."""

    id: str
    state: str
    debt_ids: list[str]
    offer_id: str
    total: MoneyOut
    paid: MoneyOut
    credit: MoneyOut
    grace_days: int
    installments: list[InstallmentOut]
    payment_links: list[PaymentLinkOut] = []
    shares: list[DebtShareOut] = []
    cancel_reason: str = ""
    valid_until: str = Field(default="", description="a proposed agreement can be accepted until this day")


class CheckOut(BaseModel):
    """Agreements a check broke."""

    broken: list[str]


class DebtPatchIn(Strict):
    """A correction of a debt: the principal (with a reason) and/or new contact points."""

    principal: MoneyIn | None = None
    reason: str = Field(default="", max_length=500, description="required when the principal changes")
    contact_points: ContactPointsIn | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> DebtPatchIn:
        if self.principal is None and self.contact_points is None:
            raise ValueError("give principal (with reason) or contact_points")
        return self


class DebtPage(BaseModel):
    """A page of debts; pass next_cursor as cursor for the next one (null on the last page)."""

    debts: list[DebtOut]
    next_cursor: str | None = None


class PaymentRecordOut(BaseModel):
    """A payment recorded against a debt."""

    id: str
    reference: str
    amount: MoneyOut
    source: str
    received_at: str


class DebtDetailOut(DebtOut):
    """A debt with today's balance line by line, its agreements, payments and timeline."""

    breakdown: BalanceOut
    agreements: list[AgreementOut]
    payments: list[PaymentRecordOut]
    timeline: list[TimelineEntry]


class WebhookEndpointIn(Strict):
    """Where to notify and which events."""

    url: Annotated[str, Field(max_length=2_000), AfterValidator(check_url)]
    events: Annotated[list[str], Field(min_length=1, max_length=20), AfterValidator(check_events)] = Field(
        description="e.g. debt.settled, payment.received"
    )


class WebhookEndpointOut(BaseModel):
    """An endpoint; the secret appears only when it is created."""

    id: str
    url: str
    events: list[str]
    created_at: str
    secret: str | None = None
    previous_secret_expires_at: str | None = Field(
        default=None, description="until then deliveries carry a v1 signature with the previous secret too"
    )


class RotateSecretIn(Strict):
    """How long the current secret keeps signing beside the new one."""

    overlap_seconds: int = Field(default=86_400, ge=0, le=7 * 86_400)


class WebhookEndpointsOut(BaseModel):
    """The client's endpoints."""

    endpoints: list[WebhookEndpointOut]


class DeliveryOut(BaseModel):
    """One event for one endpoint: delivered, pending (with its next attempt), failed or cancelled."""

    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    status: str
    next_attempt_at: str | None
    attempts: list[dict[str, str | int]]


class DeliveryLogOut(BaseModel):
    """Deliveries newest first."""

    deliveries: list[DeliveryOut]
