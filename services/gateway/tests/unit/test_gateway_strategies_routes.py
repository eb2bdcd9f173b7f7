"""Agency strategy routes: admin only, bodies checked by field, the default scope maps to the agency tenant."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from cordial.strategy.v1 import strategy_service_pb2 as pb
from cordial_core.grpc_server import TENANT_KEY
from cordial_gateway.api.deps import Backends
from cordial_gateway.api.http import create_app

ADMIN = "a" * 32


class FakeStrategy:
    """Records calls like a gRPC stub would receive them."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any, dict[str, str]]] = []

    def __getattr__(self, name: str) -> Any:
        async def call(request: Any, metadata: list[tuple[str, str]]) -> Any:
            self.calls.append((name, request, dict(metadata)))
            if name == "SaveStrategy":
                return pb.SaveStrategyResponse(saved=pb.StrategyVersion(version=3, document=request.document))
            return getattr(pb, name + "Response")()

        return call


def client() -> tuple[TestClient, FakeStrategy]:
    stub = FakeStrategy()
    backends = Backends(
        clients=None,
        agreements=None,
        timeline=None,
        admin_token=ADMIN,
        strategy=stub,
        hooks=None,
        hook_secrets=None,
        notifier=None,
    )  # type: ignore[arg-type]
    return TestClient(create_app(backends, 1_000_000)), stub


BODY = {
    "segments": [{"segment": "everyone"}],
    "paths": [
        {"segment": "everyone", "steps": [{"name": "r", "channels": ["sms"], "template": "reminder", "day_offset": 0}]}
    ],
    "escalation": ["prior_notice"],
}


def test_strategy_routes_need_the_admin_token() -> None:
    http, stub = client()
    assert http.get("/agency/v1/strategies/c1").status_code == 401
    assert stub.calls == []


def test_saving_for_the_default_scope_goes_to_the_agency_tenant() -> None:
    http, stub = client()
    response = http.post("/agency/v1/strategies/default", json=BODY, headers={"Authorization": f"Bearer {ADMIN}"})
    assert response.status_code == 201
    assert response.json()["version"] == 3
    name, request, metadata = stub.calls[0]
    assert name == "SaveStrategy"
    assert request.agency_default is True
    assert metadata[TENANT_KEY] == "_agency"
    assert request.document.paths[0].steps[0].HasField("day_offset")


def test_a_bad_split_is_refused_by_field_before_any_call() -> None:
    http, stub = client()
    body = {"shares": [{"version": 1, "percent": 0}]}
    response = http.post("/agency/v1/strategies/c1/activate", json=body, headers={"Authorization": f"Bearer {ADMIN}"})
    assert response.status_code == 422
    assert "percent" in response.text
    assert stub.calls == []


def test_offer_sets_escalation_conditions_and_history_bounds_reach_strategy() -> None:
    http, stub = client()
    body = {
        **BODY,
        "segments": [{"segment": "chronic", "min_broken": 2}, {"segment": "everyone"}],
        "offer_sets": [{"name": "std", "installment_counts": [3, 6], "down_payment_bps": 2000}],
        "escalation_conditions": {"min_balance_minor": 50000, "min_days_past_due": 60, "client_opted_in": True},
        "hardship_offer_set": "std",
    }
    response = http.post("/agency/v1/strategies/c1", json=body, headers={"Authorization": f"Bearer {ADMIN}"})
    assert response.status_code == 201
    document = stub.calls[0][1].document
    assert document.segments[0].min_broken == 2
    assert list(document.offer_sets[0].installment_counts) == [3, 6]
    assert document.offer_sets[0].down_payment_bps == 2000
    assert document.escalation_conditions.client_opted_in is True
    assert document.hardship_offer_set == "std"
    bad = {**body, "offer_sets": [{"name": "x", "fees_discount_bps": 10001}]}
    response = http.post("/agency/v1/strategies/c1", json=bad, headers={"Authorization": f"Bearer {ADMIN}"})
    assert response.status_code == 422
    assert "fees_discount_bps" in response.text
