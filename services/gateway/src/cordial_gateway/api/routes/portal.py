"""Debtor portal: what a debtor does through their personal link (the portal token names them)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Header

from cordial.contact_locator.v1 import contact_locator_service_pb2 as pb
from cordial_gateway.adapters.clients import Client
from cordial_gateway.api.deps import BackendsDep, Correlation, Unauthorized, call_metadata
from cordial_gateway.api.routes.contacts import KINDS, ContactPointOut, Locator, PortalContactPointsIn, point_out

router = APIRouter(prefix="/portal/v1", tags=["portal"])


def portal_debtor(
    wired: BackendsDep, token: Annotated[str | None, Header(alias="x-portal-token")] = None
) -> tuple[str, str]:
    """The (tenant, debtor) of a valid portal token; 401 otherwise."""
    found = wired.portal_tokens.read(token) if token and wired.portal_tokens is not None else None
    if found is None:
        raise Unauthorized()
    return found


Debtor = Annotated[tuple[str, str], Depends(portal_debtor)]


@router.post("/contact-points", status_code=201)
async def add_my_contact_points(
    body: PortalContactPointsIn, debtor: Debtor, locator: Locator, correlation: Correlation = None
) -> list[ContactPointOut]:
    """A debtor adds a number or e-mail where they want to be reached; kept with source "debtor" and the time."""
    tenant, debtor_id = debtor
    request = pb.AddContactPointsRequest(
        debtor_id=debtor_id,
        debt_id=body.debt_id,
        source=pb.CONTACT_SOURCE_DEBTOR,
        contact_points=[pb.SuppliedContact(kind=KINDS[c.kind], value=c.value) for c in body.contact_points],
    )
    reply = await locator.AddContactPoints(request, metadata=call_metadata(Client(tenant, ""), correlation))
    return [point_out(p) for p in reply.contact_points]
