"""The RegistryBridgeService servicer."""

from __future__ import annotations

import grpc

from cordial.registry_bridge.v1 import registry_bridge_service_pb2 as pb
from cordial.registry_bridge.v1 import registry_bridge_service_pb2_grpc as pb_grpc
from cordial_core.context import tenant_var
from cordial_core.errors import NotFound
from cordial_registry_bridge.adapters.cases import BureauCaseRepository
from cordial_registry_bridge.domain.cases import CaseState

_DONE = (CaseState.CLOSED, CaseState.REMOVED)


class RegistryBridgeServicer(pb_grpc.RegistryBridgeServiceServicer):
    """Bureau cases over gRPC."""

    def __init__(self, cases: BureauCaseRepository) -> None:
        self._cases = cases

    async def GetCase(self, request: pb.GetCaseRequest, context: grpc.aio.ServicerContext) -> pb.GetCaseResponse:
        """The escalation case of a debt; the reason says where bureau, protest and filing stand."""
        case = await self._cases.get(str(tenant_var.get()), request.debt_id)
        if case is None:
            raise NotFound(f"no bureau case for debt {request.debt_id}", field="debt_id")
        state = pb.CASE_STATE_CLOSED if case.state in _DONE else pb.CASE_STATE_OPEN
        reason = f"{case.state.value}: {case.reason}"
        if case.protest.reason:
            reason += f"; protest {case.protest.state.value}: {case.protest.reason}"
        if case.filing.case_number:
            reason += f"; small claims filed as case {case.filing.case_number}"
        return pb.GetCaseResponse(case=pb.Case(debt_id=case.debt_id, state=state, reason=reason))
