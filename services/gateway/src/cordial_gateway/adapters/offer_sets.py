"""The offer set the strategy service wants a debt's menu to show (plans, down payment, discounts), over gRPC."""

from __future__ import annotations

import logging

import grpc

from cordial.agreements.v1 import agreements_service_pb2 as apb
from cordial.strategy.v1 import strategy_service_pb2 as spb
from cordial.strategy.v1 import strategy_service_pb2_grpc as strategy_grpc

log = logging.getLogger(__name__)
TERMS = ("down_payment_bps", "fees_discount_bps", "interest_discount_bps", "principal_discount_bps")


async def strategy_offer_set(
    strategy: strategy_grpc.StrategyServiceStub, metadata: list[tuple[str, str]], debt_id: str
) -> tuple[list[int], apb.OfferTerms | None]:
    """The counts and terms of the debt's current treatment step; the standard menu ([], None) when it has none.

    Strategy being unreachable never keeps a debtor from the offers: the standard menu is shown, logged.
    """
    try:
        reply = await strategy.GetOfferSet(spb.GetOfferSetRequest(debt_id=debt_id), metadata=metadata)
    except grpc.aio.AioRpcError as exc:
        if exc.code() != grpc.StatusCode.NOT_FOUND:
            log.warning("offer set unavailable; standard menu shown", extra={"code": exc.code().name})
        return [], None
    return list(reply.installment_counts), terms_of(reply)


def terms_of(reply: spb.GetOfferSetResponse) -> apb.OfferTerms | None:
    """The down payment and discounts the set asks for, as agreements takes them; None when it asks for none."""
    asked = {name: getattr(reply, name) for name in TERMS if reply.HasField(name)}
    return apb.OfferTerms(offer_set=reply.offer_set, **asked) if asked else None
