"""The debtor portal route trusts only a valid portal token and acts as the debtor it names."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from cordial.contact_locator.v1 import contact_locator_service_pb2 as pb
from cordial_core.clock import ControllableClock
from cordial_core.grpc_server import TENANT_KEY
from cordial_core.portal_tokens import PortalTokens
from cordial_gateway.api.deps import Backends
from cordial_gateway.api.http import create_app

NOW = datetime(2026, 3, 3, 13, 0, tzinfo=UTC)
ADMIN = "a" * 32


class FakeLocator:
    def __init__(self) -> None:
        self.calls: list[tuple[pb.AddContactPointsRequest, dict[str, str]]] = []

    async def AddContactPoints(
        self, request: pb.AddContactPointsRequest, metadata: list[tuple[str, str]]
    ) -> pb.AddContactPointsResponse:
        self.calls.append((request, dict(metadata)))
        point = pb.RecordedContact(contact_point_id="cp9", kind=request.contact_points[0].kind, source="debtor")
        return pb.AddContactPointsResponse(contact_points=[point])


def test_the_portal_adds_a_point_for_the_debtor_its_token_names() -> None:
    tokens, locator = PortalTokens("key-1", ControllableClock(NOW)), FakeLocator()
    backends = Backends(
        clients=None,
        agreements=None,
        timeline=None,
        admin_token=ADMIN,
        strategy=None,
        hooks=None,
        hook_secrets=None,
        notifier=None,
        contact_locator=locator,
        portal_tokens=tokens,
    )  # type: ignore[arg-type]
    http = TestClient(create_app(backends, 1_000_000))
    body = {"contact_points": [{"kind": "phone", "value": "(11) 97777-1234"}]}
    assert http.post("/portal/v1/contact-points", json=body).status_code == 401
    assert http.post("/portal/v1/contact-points", json=body, headers={"X-Portal-Token": "x.y"}).status_code == 401
    assert locator.calls == []
    issued = http.post("/agency/v1/clients/c1/debtors/p1/portal-tokens", headers={"Authorization": f"Bearer {ADMIN}"})
    assert issued.status_code == 201, issued.text
    headers = {"X-Portal-Token": issued.json()["token"]}
    # A debtor cannot name the source: the portal's points are always the debtor's.
    refused = http.post("/portal/v1/contact-points", json={**body, "source": "agent"}, headers=headers)
    assert refused.status_code == 422
    added = http.post("/portal/v1/contact-points", json=body, headers=headers)
    assert added.status_code == 201, added.text
    assert added.json()[0]["source"] == "debtor"
    request, metadata = locator.calls[0]
    assert (request.debtor_id, request.source, metadata[TENANT_KEY]) == ("p1", pb.CONTACT_SOURCE_DEBTOR, "c1")
