"""The StrategyService servicer."""

from __future__ import annotations

import grpc

from cordial.strategy.v1 import strategy_service_pb2 as pb
from cordial.strategy.v1 import strategy_service_pb2_grpc as pb_grpc
from cordial_core.context import tenant_var
from cordial_core.errors import InvalidArgument, NotFound
from cordial_strategy.domain.decision import Decision
from cordial_strategy.domain.ruler import ActionRecord, Case, Cases, Ruler


class StrategyServicer(pb_grpc.StrategyServiceServicer):
    """Actions, contact checks and their decisions over gRPC."""

    def __init__(self, cases: Cases, ruler: Ruler) -> None:
        self._cases = cases
        self._ruler = ruler

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
        decision = await self._ruler.check_contact(
            str(tenant_var.get()), request.debt_id, request.channel, request.contact_point_id, request.action_id
        )
        response = pb.CheckContactResponse(decision=_decision(decision))
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
