"""Portal tokens name a tenant's debtor, expire, and are refused when forged; the portal route trusts only them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from cordial.contact_locator.v1 import contact_locator_service_pb2 as pb
from cordial_core.clock import ControllableClock
from cordial_core.grpc_server import TENANT_KEY
from cordial_gateway.api.deps import Backends
from cordial_gateway.api.http import create_app
from cordial_gateway.domain.portal_tokens import PortalTokens

NOW = datetime(2026, 3, 3, 13, 0, tzinfo=UTC)
ADMIN = "a" * 32


def test_a_token_names_its_debtor_until_it_expires() -> None:
    clock = ControllableClock(NOW)
    tokens = PortalTokens("key-1", clock, ttl=timedelta(days=7))
    token, expires = tokens.issue("c1", "p1")
    assert expires == NOW + timedelta(days=7)
    assert tokens.read(token) == ("c1", "p1")
    clock.advance(timedelta(days=7))
    assert tokens.read(token) is None


def test_forged_tampered_or_foreign_tokens_are_refused() -> None:
    tokens = PortalTokens("key-1", ControllableClock(NOW))
    token, _ = tokens.issue("c1", "p1")
    other, _ = PortalTokens("key-1", ControllableClock(NOW)).issue("c2", "p1")
    payload, _, signature = token.partition(".")
    assert tokens.read(other.partition(".")[0] + "." + signature) is None
    assert tokens.read(payload + "." + "0" * 64) is None
    assert tokens.read(token + "x") is None
    assert tokens.read("") is None
    assert tokens.read("not-a-token") is None
    assert PortalTokens("key-2", ControllableClock(NOW)).read(token) is None


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
