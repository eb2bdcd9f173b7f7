"""The StrategyService servicer."""

from __future__ import annotations

import grpc

from cordial.strategy.v1 import strategy_service_pb2 as pb
from cordial.strategy.v1 import strategy_service_pb2_grpc as pb_grpc
from cordial_core.context import tenant_var
from cordial_core.errors import InvalidArgument, NotFound
from cordial_core.money import Money
from cordial_strategy.api.documents import strategy_from_proto, version_to_proto
from cordial_strategy.domain.book import AGENCY, Share, StrategyBook
from cordial_strategy.domain.decision import Decision
from cordial_strategy.domain.offer_sets import OfferSets
from cordial_strategy.domain.policy import REQUIRED_NOTICES
from cordial_strategy.domain.ruler import ActionRecord, Case, Cases, Ruler, VariantResults
from cordial_strategy.domain.standing import RETRY_RULE

COST_CURRENCY = "BRL"


class StrategyServicer(pb_grpc.StrategyServiceServicer):
    """Actions, contact checks and their decisions over gRPC."""

    def __init__(self, cases: Cases, ruler: Ruler, book: StrategyBook) -> None:
        self._cases = cases
        self._ruler = ruler
        self._book = book

    async def ListActions(
        self, request: pb.ListActionsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListActionsResponse:
        """The actions of a debt, each with the decision behind it."""
        case = await self._cases.load(str(tenant_var.get()), request.debt_id)
        if case is None:
            raise NotFound(f"no case for debt {request.debt_id}", field="debt_id")
        actions = [_action(case, record) for record in case.actions.values()]
        return pb.ListActionsResponse(actions=actions, stopped=case.stopped)

    async def CheckContact(
        self, request: pb.CheckContactRequest, context: grpc.aio.ServicerContext
    ) -> pb.CheckContactResponse:
        """The full contact policy now, for a send about to happen; stored under the action."""
        for name in ("debt_id", "action_id"):
            if not getattr(request, name):
                raise InvalidArgument(f"{name} is required", field=name)
        if request.purpose not in ("", *REQUIRED_NOTICES):
            raise InvalidArgument(f"must be empty or one of {', '.join(sorted(REQUIRED_NOTICES))}", field="purpose")
        decision = await self._ruler.check_contact(
            str(tenant_var.get()),
            request.debt_id,
            request.channel,
            request.contact_point_id,
            request.action_id,
            request.purpose,
        )
        response = pb.CheckContactResponse(decision=_decision(decision), retry=decision.rule == RETRY_RULE)
        if decision.next_allowed_at is not None:
            response.next_allowed_at.FromDatetime(decision.next_allowed_at)
        return response

    async def ExplainDecision(
        self, request: pb.ExplainDecisionRequest, context: grpc.aio.ServicerContext
    ) -> pb.ExplainDecisionResponse:
        """An action with every decision taken for it, oldest first."""
        if not request.action_id:
            raise InvalidArgument("action_id is required", field="action_id")
        case, record = await self._ruler.explain(str(tenant_var.get()), request.action_id)
        return pb.ExplainDecisionResponse(
            action=_action(case, record), decisions=[_decision(d) for d in record.history or [record.decision]]
        )

    async def ValidateStrategy(
        self, request: pb.ValidateStrategyRequest, context: grpc.aio.ServicerContext
    ) -> pb.ValidateStrategyResponse:
        """Every problem of a strategy, without saving it."""
        problems = await self._book.problems(str(tenant_var.get()), strategy_from_proto(request.document))
        return pb.ValidateStrategyResponse(
            problems=[pb.StrategyProblem(field=p.field or "", reason=str(p)) for p in problems]
        )

    async def SaveStrategy(
        self, request: pb.SaveStrategyRequest, context: grpc.aio.ServicerContext
    ) -> pb.SaveStrategyResponse:
        """Saves the next version of the scope's strategy; InvalidArgument names the first problem."""
        saved = await self._book.save(_scope(request.agency_default), strategy_from_proto(request.document))
        return pb.SaveStrategyResponse(saved=version_to_proto(saved))

    async def ActivateStrategy(
        self, request: pb.ActivateStrategyRequest, context: grpc.aio.ServicerContext
    ) -> pb.ActivateStrategyResponse:
        """Makes a split of saved versions active."""
        shares = [Share(s.version, s.percent) for s in request.shares]
        activation = await self._book.activate(_scope(request.agency_default), shares)
        response = pb.ActivateStrategyResponse(shares=request.shares)
        response.activated_at.FromDatetime(activation.activated_at)
        return response

    async def ListStrategies(
        self, request: pb.ListStrategiesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListStrategiesResponse:
        """The scope's versions and its active split."""
        versions, activation = await self._book.versions(_scope(request.agency_default))
        active = (
            [pb.VariantShare(version=s.version, percent=s.percent) for s in activation.shares] if activation else []
        )
        return pb.ListStrategiesResponse(versions=[version_to_proto(v) for v in versions], active=active)

    async def MoveDebtStrategy(
        self, request: pb.MoveDebtStrategyRequest, context: grpc.aio.ServicerContext
    ) -> pb.MoveDebtStrategyResponse:
        """Moves a debt to another version explicitly."""
        if request.version <= 0:
            raise InvalidArgument("must be a saved version number", field="version")
        case = await self._ruler.move(str(tenant_var.get()), request.debt_id, request.version)
        return pb.MoveDebtStrategyResponse(version=case.strategy_version)

    async def GetOfferSet(
        self, request: pb.GetOfferSetRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetOfferSetResponse:
        """The installment plans the menu of a debt shows on its current step."""
        found = await OfferSets(self._cases, self._book).for_debt(str(tenant_var.get()), request.debt_id)
        reply = pb.GetOfferSetResponse(
            installment_counts=list(found.installment_counts), step=found.step, offer_set=found.offer_set
        )
        for name in ("down_payment_bps", "fees_discount_bps", "interest_discount_bps", "principal_discount_bps"):
            value = getattr(found, name)
            if value is not None:
                setattr(reply, name, value)
        return reply

    async def GetVariantResults(
        self, request: pb.GetVariantResultsRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetVariantResultsResponse:
        """Results per version and variant of the caller's debts."""
        results = await self._ruler.variant_results(str(tenant_var.get()))
        return pb.GetVariantResultsResponse(results=[_result(r) for r in results])


def _scope(agency_default: bool) -> str:
    return AGENCY if agency_default else str(tenant_var.get())


def _result(r: VariantResults) -> pb.VariantResult:
    return pb.VariantResult(
        scope=r.scope,
        version=r.version,
        variant=r.variant,
        debts=r.debts,
        contacted=r.contacted,
        right_party_contacts=r.right_party,
        agreements=r.agreements,
        recovered=Money(r.recovered_minor, COST_CURRENCY).to_proto(),
        messages_sent=r.messages_sent,
        cost=Money(r.cost_minor, COST_CURRENCY).to_proto(),
    )


def _decision(d: Decision) -> pb.Decision:
    message = pb.Decision(
        allowed=d.allowed, rule=d.rule, explanation=d.explanation, time_zone=d.time_zone, values=d.values
    )
    message.decided_at.FromDatetime(d.decided_at)
    return message


def _action(case: Case, record: ActionRecord) -> pb.Action:
    return pb.Action(
        action_id=record.action_id,
        debt_id=case.debt_id,
        step=record.step,
        channels=list(record.channels),
        decision=_decision(record.decision),
    )
