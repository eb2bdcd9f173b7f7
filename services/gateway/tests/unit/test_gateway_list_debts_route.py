"""GET /v1/debts: the status filter reaches agreements as its DebtStatus, scoped to the calling client's tenant."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from cordial.agreements.v1 import agreements_service_pb2 as pb
from cordial_core.grpc_server import TENANT_KEY
from cordial_gateway.adapters.clients import Client
from cordial_gateway.api.deps import Backends
from cordial_gateway.api.http import create_app

KEY = "k" * 32
AUTH = {"Authorization": f"Bearer {KEY}"}


class FakeClients:
    """Knows one client by its API key."""

    async def by_key(self, key: str) -> Client | None:
        return Client("c1", "Acme") if key == KEY else None


class FakeAgreements:
    """Records ListDebts requests and answers with no debts."""

    def __init__(self) -> None:
        self.calls: list[tuple[pb.ListDebtsRequest, dict[str, str]]] = []

    async def ListDebts(self, request: pb.ListDebtsRequest, metadata: list[tuple[str, str]]) -> Any:
        self.calls.append((request, dict(metadata)))
        return pb.ListDebtsResponse()


def client() -> tuple[TestClient, FakeAgreements]:
    stub = FakeAgreements()
    backends = Backends(
        clients=FakeClients(),
        agreements=stub,
        timeline=None,
        admin_token="a" * 32,
        strategy=None,
        hooks=None,
        hook_secrets=None,
        notifier=None,
    )  # type: ignore[arg-type]
    return TestClient(create_app(backends, 1_000_000)), stub


def test_each_status_name_asks_agreements_for_its_debt_status() -> None:
    http, stub = client()
    for name, status in [
        ("placed", pb.DEBT_STATUS_PLACED),
        ("in_agreement", pb.DEBT_STATUS_IN_AGREEMENT),
        ("settled", pb.DEBT_STATUS_SETTLED),
        ("written_off", pb.DEBT_STATUS_WRITTEN_OFF),
    ]:
        response = http.get("/v1/debts", params={"status": name, "portfolio": "p1"}, headers=AUTH)
        assert response.status_code == 200, response.text
        request, metadata = stub.calls[-1]
        assert (request.status, request.portfolio) == (status, "p1")
        assert metadata[TENANT_KEY] == "c1"


def test_no_status_asks_for_every_debt_and_an_unknown_one_is_refused_before_any_call() -> None:
    http, stub = client()
    assert http.get("/v1/debts", headers=AUTH).json() == {"debts": [], "next_cursor": None}
    assert stub.calls[0][0].status == pb.DEBT_STATUS_UNSPECIFIED
    assert http.get("/v1/debts", params={"status": "lost"}, headers=AUTH).status_code == 422
    assert len(stub.calls) == 1
