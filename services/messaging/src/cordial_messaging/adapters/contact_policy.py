"""Asks strategy's CheckContact over gRPC whether a send may happen now."""

from __future__ import annotations

from datetime import UTC

import grpc

from cordial.strategy.v1 import strategy_service_pb2 as pb
from cordial.strategy.v1 import strategy_service_pb2_grpc as pb_grpc
from cordial_messaging.domain.policy import ContactCheck, PolicyVerdict

# Strategy could not be asked now (down, restarting, or past the call's deadline): not an answer about the contact.
UNREACHABLE = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED})


class StrategyContactPolicy:
    """The contact policy as strategy decides it; tenant and correlation travel in metadata."""

    def __init__(self, channel: grpc.aio.Channel) -> None:
        self._stub = pb_grpc.StrategyServiceStub(channel)

    async def check(self, check: ContactCheck) -> PolicyVerdict:
        """Strategy's decision for this send, stored by strategy under the action."""
        request = pb.CheckContactRequest(
            debtor_id=check.debtor_id,
            debt_id=check.debt_id,
            channel=check.channel,
            contact_point_id=check.contact_point_id,
            action_id=check.action_id,
            purpose=check.purpose,
        )
        try:
            reply = await self._stub.CheckContact(request)
        except grpc.aio.AioRpcError as exc:
            # Strategy refuses the question: never contact on it. Strategy down or too slow: undecided, the action
            # kept as due and asked again (a retry in the handler would dead-letter it after a few tries). Anything
            # else raises, so the action is handled again later: NotFound too, as strategy may not have heard of
            # the debt yet.
            if exc.code() == grpc.StatusCode.INVALID_ARGUMENT:
                return PolicyVerdict(False, "unknown_to_strategy", exc.details() or str(exc.code()))
            if exc.code() in UNREACHABLE:
                explanation = f"strategy did not answer: {exc.code().name} {exc.details() or ''}".rstrip()
                return PolicyVerdict(False, "strategy_unavailable", explanation, retry=True)
            raise
        decision = reply.decision
        next_at = reply.next_allowed_at.ToDatetime(tzinfo=UTC) if reply.HasField("next_allowed_at") else None
        return PolicyVerdict(decision.allowed, decision.rule, decision.explanation, next_at, reply.retry)
