"""The StrategyService servicer."""

from __future__ import annotations

import grpc

from cordial.strategy.v1 import strategy_service_pb2 as pb
from cordial.strategy.v1 import strategy_service_pb2_grpc as pb_grpc
from cordial_core.context import tenant_var
from cordial_core.errors import NotFound
from cordial_strategy.domain.ruler import Cases


class StrategyServicer(pb_grpc.StrategyServiceServicer):
    """Actions and their decisions over gRPC."""

    def __init__(self, cases: Cases) -> None:
        self._cases = cases

    async def ListActions(
        self, request: pb.ListActionsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListActionsResponse:
        """The actions of a debt, each with the decision behind it."""
        case = await self._cases.load(str(tenant_var.get()), request.debt_id)
        if case is None:
            raise NotFound(f"no case for debt {request.debt_id}", field="debt_id")
        actions = []
        for record in case.actions.values():
            decision = pb.Decision(
                allowed=record.decision.allowed,
                rule=record.decision.rule,
                explanation=record.decision.explanation,
                time_zone=record.decision.time_zone,
            )
            decision.decided_at.FromDatetime(record.decision.decided_at)
            actions.append(
                pb.Action(
                    action_id=record.action_id,
                    debt_id=case.debt_id,
                    step=record.step,
                    channels=list(record.channels),
                    decision=decision,
                )
            )
        return pb.ListActionsResponse(actions=actions, stopped=case.stopped)
