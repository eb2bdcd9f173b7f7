"""Contact points coming in from any source: recorded (valid or not, with source and time), then phones verified."""

from __future__ import annotations

from cordial.types.v1 import types_pb2
from cordial_contact_locator.domain.contact_point import ContactPoint
from cordial_contact_locator.domain.directory import Directory
from cordial_contact_locator.domain.verification_jobs import VerificationJobs
from cordial_core.errors import InvalidArgument

# Where points may come from through AddContactPoints (client points arrive with the debt).
SOURCES = ("debtor", "agent")
MAX_POINTS = 20
MAX_VALUE_LENGTH = 320


class ContactIntake:
    """Records supplied points and has their phones verified when verification is configured."""

    def __init__(self, directory: Directory, jobs: VerificationJobs | None) -> None:
        self._directory = directory
        self._jobs = jobs

    async def record(
        self, tenant: str, debt_id: str, debtor_id: str, supplied: list[tuple[types_pb2.ContactKind, str]], source: str
    ) -> list[ContactPoint]:
        """Records the points, then verifies the new phones (the cache answers for known numbers)."""
        recorded = await self._directory.record_supplied(tenant, debt_id, debtor_id, supplied, source)
        await self.verify(tenant, recorded)
        return recorded

    async def verify(self, tenant: str, recorded: list[ContactPoint]) -> None:
        """Verifies the phones among points recorded elsewhere (e.g. by enrichment), when configured."""
        if self._jobs is not None:
            await self._jobs.verify_points(tenant, recorded)

    async def add(
        self, tenant: str, debt_id: str, debtor_id: str, supplied: list[tuple[types_pb2.ContactKind, str]], source: str
    ) -> list[ContactPoint]:
        """Points a debtor gave or an agent took down; bad input is refused naming the field."""
        if not debtor_id:
            raise InvalidArgument("is required", field="debtor_id")
        if source not in SOURCES:
            raise InvalidArgument(f"must be one of {', '.join(SOURCES)}", field="source")
        if not supplied:
            raise InvalidArgument("at least one contact point is required", field="contact_points")
        if len(supplied) > MAX_POINTS:
            raise InvalidArgument(f"at most {MAX_POINTS} per request", field="contact_points")
        for index, (kind, value) in enumerate(supplied):
            if not kind:
                raise InvalidArgument("is required", field=f"contact_points[{index}].kind")
            if not value.strip() or len(value) > MAX_VALUE_LENGTH:
                raise InvalidArgument(
                    f"must be 1 to {MAX_VALUE_LENGTH} characters", field=f"contact_points[{index}].value"
                )
        return await self.record(tenant, debt_id, debtor_id, supplied, source)
