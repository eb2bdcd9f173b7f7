"""Agency API for strategies: validate, save versions, activate a split, list, move a debt, read variant results.

`scope` is a client id, or `default` for the agency's default strategy (used by clients without their own).
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from google.protobuf.json_format import MessageToDict, ParseDict
from google.protobuf.message import Message
from pydantic import BaseModel, ConfigDict, Field

from cordial.strategy.v1 import strategy_service_pb2 as pb
from cordial_gateway.adapters.clients import Client
from cordial_gateway.api.deps import BackendsDep, Correlation, call_metadata, require_admin

router = APIRouter(prefix="/agency/v1/strategies", tags=["strategies"], dependencies=[Depends(require_admin)])
DEFAULT = "default"
AGENCY_TENANT = "_agency"
Scope = Annotated[str, Path(min_length=1, max_length=64, description="a client id, or 'default'")]


class Strict(BaseModel):
    """Unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class SegmentIn(Strict):
    """A segment: conditions over the debtor's profile; unset bounds match anything."""

    segment: str = Field(min_length=1, max_length=60, pattern=r"^[a-z0-9_-]+$")
    min_days: int | None = Field(default=None, ge=0)
    max_days: int | None = Field(default=None, ge=0)
    min_balance_minor: int | None = Field(default=None, ge=0)
    max_broken: int | None = Field(default=None, ge=0)
    reasons: list[str] = Field(default_factory=list)
    company: bool | None = None
    min_broken: int | None = Field(default=None, ge=0)
    min_kept: int | None = Field(default=None, ge=0)


class StepIn(Strict):
    """A treatment step triggered by a day offset or an event."""

    name: str = Field(min_length=1, max_length=60)
    channels: list[str] = Field(default_factory=list)
    template: str = Field(min_length=1, max_length=60)
    day_offset: int | None = None
    on_event: str = ""
    tone: str = ""
    offer_set: str = ""


class PathIn(Strict):
    """The steps of one segment."""

    segment: str = Field(min_length=1, max_length=60)
    steps: list[StepIn]


class OfferSetIn(Strict):
    """What a step may offer; checked against the client's negotiation policy when saved."""

    name: str = Field(min_length=1, max_length=60)
    installment_counts: list[int] = Field(default_factory=list, max_length=12)
    down_payment_bps: int | None = Field(default=None, ge=0, le=10_000)
    fees_discount_bps: int = Field(default=0, ge=0, le=10_000)
    interest_discount_bps: int = Field(default=0, ge=0, le=10_000)
    principal_discount_bps: int = Field(default=0, ge=0, le=10_000)


class EscalationConditionsIn(Strict):
    """Conditions applied before any escalation step: the client's opt-in, minimum balance and days past due."""

    min_balance_minor: int = Field(default=0, ge=0)
    min_days_past_due: int = Field(default=0, ge=0)
    client_opted_in: bool = False


class StrategyIn(Strict):
    """A strategy document."""

    name: str = Field(default="", max_length=120)
    segments: list[SegmentIn]
    paths: list[PathIn]
    escalation: list[str] = Field(default_factory=list)
    offer_sets: list[OfferSetIn] = Field(default_factory=list)
    escalation_conditions: EscalationConditionsIn = Field(default_factory=EscalationConditionsIn)
    hardship_offer_set: str = ""


class ShareIn(Strict):
    """A variant: a saved version and its share of debtors."""

    version: int = Field(ge=1)
    percent: int = Field(ge=1, le=100)


class ActivateIn(Strict):
    """The champion first, then any challengers; percentages sum to 100."""

    shares: list[ShareIn] = Field(min_length=1)


class MoveIn(Strict):
    """The version a debt moves to."""

    version: int = Field(ge=1)


def _meta(scope: str, correlation: str | None) -> tuple[bool, list[tuple[str, str]]]:
    agency = scope == DEFAULT
    return agency, call_metadata(Client(AGENCY_TENANT if agency else scope, ""), correlation)


def _out(message: Message) -> dict[str, Any]:
    return MessageToDict(message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True)


@router.post("/{scope}/validate")
async def validate_strategy(scope: Scope, body: StrategyIn, wired: BackendsDep) -> dict[str, Any]:
    """Every problem of a strategy, each naming its field; nothing is saved."""
    document = ParseDict(body.model_dump(exclude_none=True), pb.StrategyDocument())
    _, metadata = _meta(scope, None)
    reply = await wired.strategy.ValidateStrategy(pb.ValidateStrategyRequest(document=document), metadata=metadata)
    return _out(reply)


@router.post("/{scope}", status_code=201)
async def save_strategy(
    scope: Scope, body: StrategyIn, wired: BackendsDep, correlation: Correlation = None
) -> dict[str, Any]:
    """Saves the next version; an invalid strategy is refused with 422 naming the field."""
    document = ParseDict(body.model_dump(exclude_none=True), pb.StrategyDocument())
    agency, metadata = _meta(scope, correlation)
    request = pb.SaveStrategyRequest(document=document, agency_default=agency)
    return _out((await wired.strategy.SaveStrategy(request, metadata=metadata)).saved)


@router.post("/{scope}/activate")
async def activate_strategy(
    scope: Scope, body: ActivateIn, wired: BackendsDep, correlation: Correlation = None
) -> dict[str, Any]:
    """Activates saved versions as champion and challengers."""
    agency, metadata = _meta(scope, correlation)
    shares = [pb.VariantShare(version=s.version, percent=s.percent) for s in body.shares]
    request = pb.ActivateStrategyRequest(shares=shares, agency_default=agency)
    return _out(await wired.strategy.ActivateStrategy(request, metadata=metadata))


@router.get("/{scope}")
async def list_strategies(scope: Scope, wired: BackendsDep) -> dict[str, Any]:
    """Every version, oldest first, and the active split."""
    agency, metadata = _meta(scope, None)
    reply = await wired.strategy.ListStrategies(pb.ListStrategiesRequest(agency_default=agency), metadata=metadata)
    return _out(reply)


@router.get("/{scope}/results")
async def variant_results(scope: Scope, wired: BackendsDep) -> dict[str, Any]:
    """Results per version and variant of the client's debts."""
    _, metadata = _meta(scope, None)
    return _out(await wired.strategy.GetVariantResults(pb.GetVariantResultsRequest(), metadata=metadata))


@router.post("/{scope}/debts/{debt_id}")
async def move_debt(
    scope: Scope, debt_id: str, body: MoveIn, wired: BackendsDep, correlation: Correlation = None
) -> dict[str, Any]:
    """Moves one of the client's debts to another version explicitly."""
    _, metadata = _meta(scope, correlation)
    request = pb.MoveDebtStrategyRequest(debt_id=debt_id, version=body.version)
    return _out(await wired.strategy.MoveDebtStrategy(request, metadata=metadata))
