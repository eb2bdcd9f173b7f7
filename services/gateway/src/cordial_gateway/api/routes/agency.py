"""Agency API: what the agency's own staff configure."""

from fastapi import APIRouter, Depends

from cordial_gateway.api.deps import BackendsDep, require_admin
from cordial_gateway.api.models import ClientIn, ClientOut

router = APIRouter(prefix="/agency/v1", tags=["agency"], dependencies=[Depends(require_admin)])


@router.post("/clients", status_code=201)
async def create_client(body: ClientIn, wired: BackendsDep) -> ClientOut:
    """Creates a creditor client and returns its API key once."""
    client, key = await wired.clients.create(body.name)
    return ClientOut(client_id=client.id, name=client.name, api_key=key)
