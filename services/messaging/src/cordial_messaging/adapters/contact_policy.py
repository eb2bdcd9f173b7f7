"""Asks strategy's CheckContact over gRPC whether a send may happen now."""

from __future__ import annotations

from datetime import UTC

import grpc

from cordial.strategy.v1 import strategy_service_pb2 as pb
from cordial.strategy.v1 import strategy_service_pb2_grpc as pb_grpc
from cordial_messaging.domain.policy import ContactCheck, PolicyVerdict

# Strategy could not be asked now (down, restarting, or past the call's deadline): not an answer about the contact.
UNREACHABLE = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED})
# The undecided rules: strategy not reachable, or it has not heard of the debt yet (its debt.placed is on its way).
UNAVAILABLE_RULE, UNKNOWN_YET_RULE = "strategy_unavailable", "unknown_yet"


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
            verdict = verdict_of_error(exc.code(), exc.details() or "")
            if verdict is None:
                raise
            return verdict
        decision = reply.decision
        next_at = reply.next_allowed_at.ToDatetime(tzinfo=UTC) if reply.HasField("next_allowed_at") else None
        return PolicyVerdict(decision.allowed, decision.rule, decision.explanation, next_at, reply.retry)


def verdict_of_error(code: grpc.StatusCode, details: str) -> PolicyVerdict | None:
    """What strategy's refusal to answer means for the send; None for an error the handler should raise.

    Strategy refuses the question (INVALID_ARGUMENT): never contact on it. Strategy down or too slow, or it has not
    heard of the debt yet (NOT_FOUND: its debt.placed may still be on its way): undecided, the action kept as due
    and asked again within the bounds of ``domain/undecided.py`` (a retry in the handler would dead-letter it after
    a few tries). Anything else raises, so the action is handled again later.
    """
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        return PolicyVerdict(False, "unknown_to_strategy", details or str(code))
    if code in UNREACHABLE:
        explanation = f"strategy did not answer: {code.name} {details}".rstrip()
        return PolicyVerdict(False, UNAVAILABLE_RULE, explanation, retry=True)
    if code == grpc.StatusCode.NOT_FOUND:
        explanation = f"strategy has not heard of the debt yet: {details}".rstrip(": ")
        return PolicyVerdict(False, UNKNOWN_YET_RULE, explanation, retry=True)
    return None
