"""The installment plans the strategy service wants a debt's menu to show, asked over gRPC."""

from __future__ import annotations

import logging

import grpc

from cordial.strategy.v1 import strategy_service_pb2 as spb
from cordial.strategy.v1 import strategy_service_pb2_grpc as strategy_grpc

log = logging.getLogger(__name__)


async def strategy_counts(
    strategy: strategy_grpc.StrategyServiceStub, metadata: list[tuple[str, str]], debt_id: str
) -> list[int]:
    """The counts of the debt's current treatment step; the standard menu (empty) when strategy has none.

    Strategy being unreachable never keeps a debtor from the offers: the standard menu is shown, logged.
    """
    try:
        reply = await strategy.GetOfferSet(spb.GetOfferSetRequest(debt_id=debt_id), metadata=metadata)
    except grpc.aio.AioRpcError as exc:
        if exc.code() != grpc.StatusCode.NOT_FOUND:
            log.warning("offer set unavailable; standard menu shown", extra={"code": exc.code().name})
        return []
    return list(reply.installment_counts)
