"""Agency contact routes: admin only, bodies checked by field, calls scoped to the client's tenant."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from cordial.contact_locator.v1 import contact_locator_service_pb2 as pb
from cordial.types.v1 import types_pb2
from cordial_core.grpc_server import TENANT_KEY
from cordial_gateway.api.deps import Backends
from cordial_gateway.api.http import create_app

ADMIN = "a" * 32
AUTH = {"Authorization": f"Bearer {ADMIN}"}


class FakeLocator:
    """Records calls like the gRPC stub would receive them."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any, dict[str, str]]] = []

    def __getattr__(self, name: str) -> Any:
        async def call(request: Any, metadata: list[tuple[str, str]]) -> Any:
            self.calls.append((name, request, dict(metadata)))
            if name == "AddContactPoints":
                return pb.AddContactPointsResponse(
                    contact_points=[
                        pb.RecordedContact(
                            contact_point_id="cp1",
                            kind=types_pb2.CONTACT_KIND_PHONE,
                            value="+5511987654321",
                            valid=True,
                            source="debtor",
                            learned_at="2026-01-01T00:00:00+00:00",
                        )
                    ]
                )
            batch = pb.VerificationBatch(
                batch_id="b1",
                state=pb.BATCH_STATE_RUNNING,
                total=10,
                done=4,
                pending=6,
                cached=1,
                paid=2,
                refused_budget=1,
                whatsapp_total=8,
                whatsapp_cached=1,
                whatsapp_paid=2,
                whatsapp_failed=1,
                whatsapp_skipped=1,
                whatsapp_pending=3,
            )
            if name == "StartVerificationBatch":
                return pb.StartVerificationBatchResponse(batch_id="b1", batch=batch)
            if name == "GetVerificationBatch":
                return pb.GetVerificationBatchResponse(batch=batch)
            rate = pb.RightPartyContactRate(
                source="debtor", provider="whatsapp", channel=types_pb2.CHANNEL_WHATSAPP, contacted=4, right_party=3
            )
            rate.rate = 0.75
            return pb.GetRightPartyContactRatesResponse(rates=[rate])

        return call


def client() -> tuple[TestClient, FakeLocator]:
    stub = FakeLocator()
    backends = Backends(
        clients=None,
        agreements=None,
        timeline=None,
        admin_token=ADMIN,
        strategy=None,
        hooks=None,
        hook_secrets=None,
        notifier=None,
        contact_locator=stub,
    )  # type: ignore[arg-type]
    return TestClient(create_app(backends, 1_000_000)), stub


def test_contact_routes_need_the_admin_token() -> None:
    http, stub = client()
    assert http.get("/agency/v1/clients/c1/right-party-contact-rates").status_code == 401
    assert http.post("/agency/v1/clients/c1/verification-batches", json={}).status_code == 401
    assert stub.calls == []


def test_a_number_the_debtor_gave_is_recorded_with_source_debtor_in_the_clients_tenant() -> None:
    http, stub = client()
    body = {"contact_points": [{"kind": "phone", "value": "(11) 98765-4321"}], "debt_id": "d1"}
    response = http.post("/agency/v1/clients/c1/debtors/p1/contact-points", json=body, headers=AUTH)
    assert response.status_code == 201, response.text
    assert response.json()[0] == {
        "contact_point_id": "cp1",
        "kind": "phone",
        "value": "+5511987654321",
        "valid": True,
        "reason": "",
        "source": "debtor",
        "learned_at": "2026-01-01T00:00:00+00:00",
    }
    name, request, metadata = stub.calls[0]
    assert name == "AddContactPoints"
    assert (request.debtor_id, request.debt_id, request.source) == ("p1", "d1", pb.CONTACT_SOURCE_DEBTOR)
    assert metadata[TENANT_KEY] == "c1"


def test_bad_contact_points_are_refused_by_field_before_any_call() -> None:
    http, stub = client()
    for body, field in [
        ({"contact_points": []}, "contact_points"),
        ({"contact_points": [{"kind": "fax", "value": "1"}]}, "kind"),
        ({"contact_points": [{"kind": "phone", "value": "1"}], "source": "client"}, "source"),
    ]:
        response = http.post("/agency/v1/clients/c1/debtors/p1/contact-points", json=body, headers=AUTH)
        assert response.status_code == 422
        assert field in response.text
    assert stub.calls == []


def test_a_verification_batch_is_started_and_its_progress_read() -> None:
    http, stub = client()
    started = http.post(
        "/agency/v1/clients/c1/verification-batches", json={"debtor_ids": ["p1"], "reference": "r1"}, headers=AUTH
    )
    assert started.status_code == 202, started.text
    assert started.json()["batch_id"] == "b1"
    progress = http.get("/agency/v1/clients/c1/verification-batches/b1", headers=AUTH).json()
    assert {
        k: progress[k] for k in ("state", "total", "done", "pending", "cached", "paid", "refused_budget", "failed")
    } == {
        "state": "running",
        "total": 10,
        "done": 4,
        "pending": 6,
        "cached": 1,
        "paid": 2,
        "refused_budget": 1,
        "failed": 0,
    }
    assert progress["whatsapp"] == {
        "total": 8,
        "cached": 1,
        "paid": 2,
        "refused_budget": 0,
        "failed": 1,
        "skipped": 1,
        "pending": 3,
    }
    assert [c[0] for c in stub.calls] == ["StartVerificationBatch", "GetVerificationBatch"]
    assert stub.calls[0][1].reference == "r1"


def test_right_party_contact_rates_per_source_provider_and_channel() -> None:
    http, _ = client()
    rates = http.get("/agency/v1/clients/c1/right-party-contact-rates", headers=AUTH).json()["rates"]
    assert rates == [
        {
            "source": "debtor",
            "provider": "whatsapp",
            "channel": "whatsapp",
            "contacted": 4,
            "right_party": 3,
            "wrong_party": 0,
            "rate": 0.75,
        }
    ]
