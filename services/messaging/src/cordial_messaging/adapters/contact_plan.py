"""Asks contact-locator for the contact plan over gRPC."""

from __future__ import annotations

import grpc

from cordial.contact_locator.v1 import contact_locator_service_pb2 as pb
from cordial.contact_locator.v1 import contact_locator_service_pb2_grpc as pb_grpc
from cordial.types.v1 import types_pb2
from cordial_messaging.domain.dispatch import Recipient


class ContactLocatorPlan:
    """The contact plan from contact-locator; tenant and correlation travel in metadata."""

    def __init__(self, channel: grpc.aio.Channel) -> None:
        self._stub = pb_grpc.ContactLocatorServiceStub(channel)

    async def plan(self, debtor_id: str, channels: tuple[types_pb2.Channel, ...]) -> list[Recipient]:
        """Usable recipients in order of preference."""
        reply = await self._stub.GetContactPlan(pb.GetContactPlanRequest(debtor_id=debtor_id, channels=list(channels)))
        return [Recipient(c.contact_point_id, c.channel, c.address) for c in reply.contacts]
