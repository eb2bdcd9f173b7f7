"""Agency template, creditor and audit routes: admin only, the default scope maps to the agency tenant."""

from __future__ import annotations

from typing import Any

import grpc
from fastapi.testclient import TestClient

from cordial.messaging.v1 import messaging_service_pb2 as pb
from cordial.types.v1 import types_pb2
from cordial_core.grpc_server import TENANT_KEY
from cordial_gateway.api.deps import Backends
from cordial_gateway.api.http import create_app

ADMIN = {"Authorization": "Bearer " + "a" * 32}
BODY = {
    "name": "reminder",
    "channel": "whatsapp",
    "locale": "pt-BR",
    "tone": "friendly",
    "jurisdiction": "BR",
    "body": "{{ creditor }} {{ amount }} {{ portal_link }} {{ creditor_address }} {{ creditor_document }}",
}


class Refused(grpc.aio.AioRpcError):
    """What the stub raises for an InvalidArgument from messaging."""

    def __init__(self) -> None:
        trailing = grpc.aio.Metadata(("field", "body"))
        super().__init__(
            grpc.StatusCode.INVALID_ARGUMENT, grpc.aio.Metadata(), trailing, "body: unknown variable(s): x"
        )


class FakeMessaging:
    """Records calls like a gRPC stub would receive them."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any, dict[str, str]]] = []
        self.refuse = False

    def __getattr__(self, name: str) -> Any:
        async def call(request: Any, metadata: list[tuple[str, str]]) -> Any:
            self.calls.append((name, request, dict(metadata)))
            if self.refuse:
                raise Refused()
            if name == "SaveTemplate":
                saved = pb.Template()
                saved.CopyFrom(request.template)
                saved.version = 2
                return pb.SaveTemplateResponse(template=saved)
            if name == "SetCreditor":
                return pb.SetCreditorResponse(creditor=request.creditor)
            return getattr(pb, name + "Response")()

        return call


def client() -> tuple[TestClient, FakeMessaging]:
    stub = FakeMessaging()
    backends = Backends(
        clients=None,
        agreements=None,
        timeline=None,
        admin_token=ADMIN["Authorization"].removeprefix("Bearer "),
        strategy=None,
        hooks=None,
        hook_secrets=None,
        notifier=None,
        messaging=stub,
    )  # type: ignore[arg-type]
    return TestClient(create_app(backends, 1_000_000)), stub


def test_template_routes_need_the_admin_token() -> None:
    http, stub = client()
    assert http.post("/agency/v1/templates/c1", json=BODY).status_code == 401
    assert http.get("/agency/v1/clients/c1/audit", params={"debt_id": "d1"}).status_code == 401
    assert stub.calls == []


def test_a_template_saved_for_the_default_scope_goes_to_the_agency_tenant() -> None:
    http, stub = client()
    response = http.post("/agency/v1/templates/default", json=BODY, headers=ADMIN)
    assert response.status_code == 201, response.text
    assert response.json()["version"] == 2
    assert response.json()["channel"] == "whatsapp"
    name, request, metadata = stub.calls[0]
    assert name == "SaveTemplate"
    assert request.template.channel == types_pb2.CHANNEL_WHATSAPP
    assert metadata[TENANT_KEY] == "_agency"


def test_a_client_scope_and_a_refusal_naming_the_field() -> None:
    http, stub = client()
    stub.refuse = True
    response = http.post("/agency/v1/templates/c1/validate", json=BODY, headers=ADMIN)
    assert response.status_code == 422
    assert stub.calls[0][2][TENANT_KEY] == "c1"


def test_bad_bodies_are_422_naming_the_field() -> None:
    http, stub = client()
    response = http.post("/agency/v1/templates/c1", json={**BODY, "name": "Bad Name"}, headers=ADMIN)
    assert response.status_code == 422
    assert "name" in response.text
    assert http.put("/agency/v1/clients/c1/creditor", json={"name": "X"}, headers=ADMIN).status_code == 422
    assert stub.calls == []


def test_the_creditor_and_the_audit_trail_are_per_client() -> None:
    http, stub = client()
    creditor = {"name": "Loja", "address": "Rua A, 1", "document": "11.222.333/0001-81"}
    assert http.put("/agency/v1/clients/c1/creditor", json=creditor, headers=ADMIN).json() == creditor
    assert http.get("/agency/v1/clients/c1/audit", params={"debt_id": "d1"}, headers=ADMIN).json() == {"entries": []}
    assert [(c[0], c[2][TENANT_KEY]) for c in stub.calls] == [("SetCreditor", "c1"), ("ListAuditEntries", "c1")]
    assert stub.calls[1][1].debt_id == "d1"
