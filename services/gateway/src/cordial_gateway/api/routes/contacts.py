"""Agency API for contact points: points a debtor gave (or an agent took down), number-verification batches
and their progress, and the right-party-contact rates per point source, provider and channel.
"""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field

from cordial.contact_locator.v1 import contact_locator_service_pb2 as pb
from cordial.contact_locator.v1 import contact_locator_service_pb2_grpc as pb_grpc
from cordial.types.v1 import types_pb2
from cordial_gateway.adapters.clients import Client
from cordial_gateway.api.deps import BackendsDep, Correlation, call_metadata, require_admin

router = APIRouter(prefix="/agency/v1/clients", tags=["contacts"], dependencies=[Depends(require_admin)])
Id = Annotated[str, Path(min_length=1, max_length=64)]
KINDS = {
    "phone": types_pb2.CONTACT_KIND_PHONE,
    "email": types_pb2.CONTACT_KIND_EMAIL,
    "address": types_pb2.CONTACT_KIND_ADDRESS,
}
SOURCES = {"debtor": pb.CONTACT_SOURCE_DEBTOR, "agent": pb.CONTACT_SOURCE_AGENT}
STATES = {pb.BATCH_STATE_RUNNING: "running", pb.BATCH_STATE_DONE: "done", pb.BATCH_STATE_INTERRUPTED: "interrupted"}


class Strict(BaseModel):
    """Unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class ContactPointIn(Strict):
    """A value as the debtor gave it; an invalid one is kept, marked invalid with the reason."""

    kind: Literal["phone", "email", "address"]
    value: str = Field(min_length=1, max_length=320)


class PortalContactPointsIn(Strict):
    """Points a debtor adds in the portal."""

    debt_id: str = Field(default="", max_length=64)
    contact_points: list[ContactPointIn] = Field(min_length=1, max_length=20)


class ContactPointsIn(PortalContactPointsIn):
    """Points a debtor gave (a reply, a call) or an agent took down."""

    source: Literal["debtor", "agent"] = "debtor"


class PortalTokenOut(BaseModel):
    """A debtor's portal token, for their personal link, and when it expires."""

    token: str
    expires_at: str


class ContactPointOut(BaseModel):
    """A recorded point: normalised, or kept as given when invalid, with where and when it was learned."""

    contact_point_id: str
    kind: str
    value: str
    valid: bool
    reason: str
    source: str
    learned_at: str


class VerificationBatchIn(Strict):
    """What to verify: some debtors' phones, listed numbers, or (both empty) every phone of the client."""

    debtor_ids: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=10_000
    )
    numbers: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(default_factory=list, max_length=100_000)
    reference: str = Field(default="", max_length=128, description="starting the same reference again is a no-op")


class WhatsAppChecksOut(BaseModel):
    """A batch's WhatsApp contacts checks (the numbers its points carry, when the client has a check provider)."""

    total: int
    cached: int
    paid: int
    refused_budget: int
    failed: int
    skipped: int = Field(description="not asked: the lookup found the number invalid")
    pending: int


class VerificationBatchOut(BaseModel):
    """A verification batch's progress: its lookups (done, pending and how they ended) and its WhatsApp checks."""

    batch_id: str
    state: str
    total: int
    done: int
    pending: int
    cached: int
    paid: int
    refused_budget: int
    failed: int
    whatsapp: WhatsAppChecksOut
    started_at: str
    finished_at: str


class RateOut(BaseModel):
    """Contacts and right-party contacts of one point source, provider and channel."""

    source: str
    provider: str
    channel: str
    contacted: int
    right_party: int
    wrong_party: int
    rate: float


class RatesOut(BaseModel):
    """A client's right-party-contact rates."""

    rates: list[RateOut]


def locator(wired: BackendsDep) -> pb_grpc.ContactLocatorServiceStub:
    """The contact-locator stub (always wired by the app; tests give a fake)."""
    if wired.contact_locator is None:
        raise RuntimeError("contact-locator is not wired")
    return wired.contact_locator


Locator = Annotated[pb_grpc.ContactLocatorServiceStub, Depends(locator)]


def point_out(point: pb.RecordedContact) -> ContactPointOut:
    """A recorded point as the API shows it."""
    return ContactPointOut(
        contact_point_id=point.contact_point_id,
        kind=types_pb2.ContactKind.Name(point.kind).removeprefix("CONTACT_KIND_").lower(),
        value=point.value,
        valid=point.valid,
        reason=point.reason,
        source=point.source,
        learned_at=point.learned_at,
    )


def _batch_out(batch: pb.VerificationBatch) -> VerificationBatchOut:
    return VerificationBatchOut(
        batch_id=batch.batch_id,
        state=STATES.get(batch.state, "unknown"),
        total=batch.total,
        done=batch.done,
        pending=batch.pending,
        cached=batch.cached,
        paid=batch.paid,
        refused_budget=batch.refused_budget,
        failed=batch.failed,
        whatsapp=WhatsAppChecksOut(
            total=batch.whatsapp_total,
            cached=batch.whatsapp_cached,
            paid=batch.whatsapp_paid,
            refused_budget=batch.whatsapp_refused_budget,
            failed=batch.whatsapp_failed,
            skipped=batch.whatsapp_skipped,
            pending=batch.whatsapp_pending,
        ),
        started_at=batch.started_at,
        finished_at=batch.finished_at,
    )


@router.post("/{client_id}/debtors/{debtor_id}/contact-points", status_code=201)
async def add_contact_points(
    client_id: Id, debtor_id: Id, body: ContactPointsIn, wired: Locator, correlation: Correlation = None
) -> list[ContactPointOut]:
    """Records points a debtor gave, with source and time; phones are verified (within the budget)."""
    request = pb.AddContactPointsRequest(
        debtor_id=debtor_id,
        debt_id=body.debt_id,
        source=SOURCES[body.source],
        contact_points=[pb.SuppliedContact(kind=KINDS[c.kind], value=c.value) for c in body.contact_points],
    )
    reply = await wired.AddContactPoints(request, metadata=call_metadata(Client(client_id, ""), correlation))
    return [point_out(p) for p in reply.contact_points]


@router.post("/{client_id}/debtors/{debtor_id}/portal-tokens", status_code=201)
async def issue_portal_token(client_id: Id, debtor_id: Id, wired: BackendsDep) -> PortalTokenOut:
    """A signed token naming the client's debtor, to put in their personal portal link (X-Portal-Token)."""
    if wired.portal_tokens is None:
        raise RuntimeError("portal tokens are not wired")
    token, expires = wired.portal_tokens.issue(client_id, debtor_id)
    return PortalTokenOut(token=token, expires_at=expires.isoformat())


@router.post("/{client_id}/verification-batches", status_code=202)
async def start_verification_batch(
    client_id: Id, body: VerificationBatchIn, wired: Locator, correlation: Correlation = None
) -> VerificationBatchOut:
    """Starts verifying a batch of numbers in the background; read its progress with the batch id."""
    request = pb.StartVerificationBatchRequest(
        debtor_ids=body.debtor_ids, numbers=body.numbers, reference=body.reference
    )
    reply = await wired.StartVerificationBatch(request, metadata=call_metadata(Client(client_id, ""), correlation))
    return _batch_out(reply.batch)


@router.get("/{client_id}/verification-batches/{batch_id}")
async def get_verification_batch(client_id: Id, batch_id: Id, wired: Locator) -> VerificationBatchOut:
    """A batch's progress: lookups total, done, pending, cached, paid, refused for budget, failed; the same of its
    WhatsApp checks."""
    reply = await wired.GetVerificationBatch(
        pb.GetVerificationBatchRequest(batch_id=batch_id), metadata=call_metadata(Client(client_id, ""))
    )
    return _batch_out(reply.batch)


@router.get("/{client_id}/right-party-contact-rates")
async def right_party_contact_rates(client_id: Id, wired: Locator) -> RatesOut:
    """Right-party-contact rate (right_party / contacted) per point source, messaging provider and channel."""
    reply = await wired.GetRightPartyContactRates(
        pb.GetRightPartyContactRatesRequest(), metadata=call_metadata(Client(client_id, ""))
    )
    return RatesOut(
        rates=[
            RateOut(
                source=r.source,
                provider=r.provider,
                channel=types_pb2.Channel.Name(r.channel).removeprefix("CHANNEL_").lower(),
                contacted=r.contacted,
                right_party=r.right_party,
                wrong_party=r.wrong_party,
                rate=r.rate,
            )
            for r in reply.rates
        ]
    )
