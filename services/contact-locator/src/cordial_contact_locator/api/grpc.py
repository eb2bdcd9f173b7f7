"""The ContactLocatorService servicer."""

from __future__ import annotations

from datetime import datetime

import grpc

from cordial.contact_locator.v1 import contact_locator_service_pb2 as pb
from cordial.contact_locator.v1 import contact_locator_service_pb2_grpc as pb_grpc
from cordial_contact_locator.domain.directory import Directory
from cordial_contact_locator.domain.intake import ContactIntake
from cordial_contact_locator.domain.right_party import RightPartyRates
from cordial_contact_locator.domain.verification_jobs import (
    DONE,
    INTERRUPTED,
    RUNNING,
    Batch,
    VerificationJobs,
    progress_counts,
)
from cordial_core.context import tenant_var
from cordial_core.errors import FailedPrecondition, InvalidArgument, NotFound

_SOURCES = {pb.CONTACT_SOURCE_DEBTOR: "debtor", pb.CONTACT_SOURCE_AGENT: "agent"}
_STATES = {RUNNING: pb.BATCH_STATE_RUNNING, DONE: pb.BATCH_STATE_DONE, INTERRUPTED: pb.BATCH_STATE_INTERRUPTED}


def _time(at: datetime | None) -> str:
    return at.isoformat() if at is not None else ""


def batch_message(batch: Batch) -> pb.VerificationBatch:
    """A batch's progress as its message."""
    return pb.VerificationBatch(
        batch_id=batch.id,
        state=_STATES[batch.state],
        total=batch.progress.total,
        done=batch.progress.done,
        started_at=_time(batch.started_at),
        finished_at=_time(batch.finished_at),
        **progress_counts(batch.progress),
    )


class ContactLocatorServicer(pb_grpc.ContactLocatorServiceServicer):
    """Contact plans, points added by debtors and agents, verification batches and RPC rates over gRPC."""

    def __init__(
        self,
        directory: Directory,
        intake: ContactIntake | None = None,
        jobs: VerificationJobs | None = None,
        rates: RightPartyRates | None = None,
    ) -> None:
        self._directory = directory
        self._intake = intake or ContactIntake(directory, jobs)
        self._jobs = jobs
        self._rates = rates

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

    async def AddContactPoints(
        self, request: pb.AddContactPointsRequest, context: grpc.aio.ServicerContext
    ) -> pb.AddContactPointsResponse:
        """Records points a debtor gave or an agent took down, each with its source and when it was learned."""
        supplied = [(c.kind, c.value) for c in request.contact_points]
        source = _SOURCES.get(request.source, "")
        points = await self._intake.add(str(tenant_var.get()), request.debt_id, request.debtor_id, supplied, source)
        return pb.AddContactPointsResponse(
            contact_points=[
                pb.RecordedContact(
                    contact_point_id=p.id,
                    kind=p.kind,
                    value=p.value,
                    valid=p.valid,
                    reason=p.reason,
                    source=p.source,
                    learned_at=_time(p.learned_at),
                )
                for p in points
            ]
        )

    def _verification(self) -> VerificationJobs:
        if self._jobs is None:
            raise FailedPrecondition("number verification is not configured (LOOKUP_AUTH_TOKEN)")
        return self._jobs

    async def StartVerificationBatch(
        self, request: pb.StartVerificationBatchRequest, context: grpc.aio.ServicerContext
    ) -> pb.StartVerificationBatchResponse:
        """Starts verifying a batch in the background; its progress is read with GetVerificationBatch."""
        batch = await self._verification().start(
            str(tenant_var.get()), list(request.debtor_ids), list(request.numbers), request.reference
        )
        return pb.StartVerificationBatchResponse(batch_id=batch.id, batch=batch_message(batch))

    async def GetVerificationBatch(
        self, request: pb.GetVerificationBatchRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetVerificationBatchResponse:
        """A batch's progress: lookups total, done, pending, cached, paid, refused for budget, failed; the same of its
        WhatsApp checks."""
        if not request.batch_id:
            raise InvalidArgument("is required", field="batch_id")
        batch = await self._verification().get(str(tenant_var.get()), request.batch_id)
        if batch is None:
            raise NotFound(f"no verification batch {request.batch_id}", field="batch_id")
        return pb.GetVerificationBatchResponse(batch=batch_message(batch))

    async def GetRightPartyContactRates(
        self, request: pb.GetRightPartyContactRatesRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetRightPartyContactRatesResponse:
        """Contacts and right-party contacts of the tenant per point source, provider and channel."""
        if self._rates is None:
            raise FailedPrecondition("right-party-contact rates are not recorded here")
        rates = await self._rates.of_tenant(str(tenant_var.get()))
        return pb.GetRightPartyContactRatesResponse(
            rates=[
                pb.RightPartyContactRate(
                    source=r.source,
                    provider=r.provider,
                    channel=r.channel,
                    contacted=r.contacted,
                    right_party=r.right_party,
                    wrong_party=r.wrong_party,
                    rate=r.rate,
                )
                for r in rates
            ]
        )
