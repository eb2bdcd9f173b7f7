"""Client API: who the calling client is."""

from fastapi import APIRouter

from cordial_gateway.api.deps import CurrentClient
from cordial_gateway.api.models import MeOut

router = APIRouter(tags=["account"])


@router.get("/v1/me")
async def me(client: CurrentClient) -> MeOut:
    """The client the API key belongs to."""
    return MeOut(client_id=client.id, name=client.name)
