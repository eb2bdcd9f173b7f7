"""The ContactLocatorService servicer."""

from __future__ import annotations

import grpc

from cordial.contact_locator.v1 import contact_locator_service_pb2 as pb
from cordial.contact_locator.v1 import contact_locator_service_pb2_grpc as pb_grpc
from cordial_contact_locator.domain.directory import Directory
from cordial_core.context import tenant_var
from cordial_core.errors import InvalidArgument


class ContactLocatorServicer(pb_grpc.ContactLocatorServiceServicer):
    """Contact plans over gRPC."""

    def __init__(self, directory: Directory) -> None:
        self._directory = directory

    async def GetContactPlan(
        self, request: pb.GetContactPlanRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetContactPlanResponse:
        """Ranked usable points for a debtor and channels."""
        if not request.debtor_id:
            raise InvalidArgument("is required", field="debtor_id")
        plan = await self._directory.plan(str(tenant_var.get()), request.debtor_id, list(request.channels))
        return pb.GetContactPlanResponse(
            contacts=[
                pb.PlannedContact(
                    contact_point_id=item.point.id,
                    channel=item.channel,
                    address=item.point.value,
                    score=item.score,
                    reason=item.reason,
                )
                for item in plan
            ]
        )
