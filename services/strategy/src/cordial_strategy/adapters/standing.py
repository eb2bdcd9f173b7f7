"""Asks agreements for a debt's standing over gRPC (GetDebtStanding), within a deadline."""

from __future__ import annotations

import grpc

from cordial.agreements.v1 import agreements_service_pb2 as pb
from cordial.agreements.v1 import agreements_service_pb2_grpc as pb_grpc
from cordial_core.grpc_server import TENANT_KEY
from cordial_strategy.domain import standing as kinds
from cordial_strategy.domain.standing import Standing

_KINDS = {
    pb.DEBT_STANDING_OPEN: kinds.OPEN,
    pb.DEBT_STANDING_IN_AGREEMENT: kinds.IN_AGREEMENT,
    pb.DEBT_STANDING_AGREEMENT_OVERDUE: kinds.AGREEMENT_OVERDUE,
    pb.DEBT_STANDING_SETTLED: kinds.SETTLED,
    pb.DEBT_STANDING_RECALLED: kinds.RECALLED,
    pb.DEBT_STANDING_WRITTEN_OFF: kinds.WRITTEN_OFF,
}


class AgreementsStandings:
    """A debt's standing as agreements answers it; no answer within the deadline is UNKNOWN, with the reason."""

    def __init__(self, channel: grpc.aio.Channel, timeout_seconds: float) -> None:
        self._stub = pb_grpc.AgreementsServiceStub(channel)
        self._timeout = timeout_seconds

    async def standing(self, tenant: str, debt_id: str) -> Standing:
        """The standing now; NotFound is UNKNOWN_DEBT, any other failure (the deadline passed) UNKNOWN."""
        request = pb.GetDebtStandingRequest(debt_id=debt_id)
        try:
            reply = await self._stub.GetDebtStanding(request, metadata=[(TENANT_KEY, tenant)], timeout=self._timeout)
        except grpc.aio.AioRpcError as exc:
            code = exc.code()
            if code == grpc.StatusCode.NOT_FOUND:
                return Standing(kinds.UNKNOWN_DEBT, f"no debt {debt_id} for this client")
            if code == grpc.StatusCode.DEADLINE_EXCEEDED:
                return Standing(kinds.UNKNOWN, f"no answer within {self._timeout:g} s")
            return Standing(kinds.UNKNOWN, f"no answer ({code.name}: {exc.details() or 'no details'})")
        kind = _KINDS.get(reply.standing, f"unrecognised ({reply.standing})")
        return Standing(kind, reply.detail, reply.agreement_id, _installment(reply))


def _installment(reply: pb.GetDebtStandingResponse) -> str:
    """The next installment in words, e.g. "2 of 3, due 2024-04-08"; empty when none."""
    if not reply.HasField("next_installment"):
        return ""
    unpaid = reply.next_installment
    return f"{unpaid.number} of {reply.installments}, due {unpaid.due_date}"
