"""Reads a client's negotiation policy from agreements over gRPC (GetNegotiationPolicy)."""

from __future__ import annotations

import grpc

from cordial.agreements.v1 import agreements_service_pb2 as pb
from cordial.agreements.v1 import agreements_service_pb2_grpc as pb_grpc
from cordial_core.grpc_server import TENANT_KEY
from cordial_strategy.domain.offers import DiscountBand, NegotiationLimits


class AgreementsNegotiationPolicies:
    """The negotiation policy agreements applies to a client's menus, as strategy's limits."""

    def __init__(self, channel: grpc.aio.Channel) -> None:
        self._stub = pb_grpc.AgreementsServiceStub(channel)

    async def limits(self, tenant: str) -> NegotiationLimits:
        """The client's policy (its own, else agreements' default of paying in full)."""
        reply = await self._stub.GetNegotiationPolicy(pb.GetNegotiationPolicyRequest(), metadata=[(TENANT_KEY, tenant)])
        policy = reply.policy
        bands = tuple(
            DiscountBand(b.min_days_past_due, b.fees_discount_bps, b.interest_discount_bps, b.principal_discount_bps)
            for b in policy.bands
        )
        return NegotiationLimits(
            max_installments=policy.max_installments or 1,
            min_down_payment_bps=policy.min_down_payment_bps,
            bands=bands or (DiscountBand(0),),
            configured=reply.configured,
        )
