"""The agreement-acceptance race through the real services: strategy requested a step, the debtor accepted an
agreement through the client API, and the send-time check (messaging's CheckContact) right after it is denied with
agreements' own words, stored under the action for ExplainDecision, without waiting for strategy to consume
agreement.accepted; once paid in full, the denial says settled, before debt.settled is consumed."""

from __future__ import annotations

import grpc
import httpx

from cordial.strategy.v1.strategy_service_pb2 import CheckContactRequest, ExplainDecisionRequest, ListActionsRequest
from cordial.strategy.v1.strategy_service_pb2_grpc import StrategyServiceStub
from cordial.types.v1 import types_pb2
from cordial_core.grpc_server import TENANT_KEY
from cordial_core.ids import new_id
from cordial_stack.e2e_support import debt_body, eventually
from cordial_stack.platform import Platform


def test_a_step_requested_before_the_agreement_is_denied_at_send_time(platform: Platform, api: httpx.Client) -> None:
    tenant = [(TENANT_KEY, api.get("/v1/me").json()["client_id"])]
    debt = api.post("/v1/debts", json=debt_body(f"race-{new_id()[:8]}", due_date="2026-01-10")).json()
    with grpc.insecure_channel(platform.services["strategy"].grpc_address) as channel:
        strategy = StrategyServiceStub(channel)

        def requested() -> str:
            try:
                reply = strategy.ListActions(ListActionsRequest(debt_id=debt["id"]), metadata=tenant, timeout=10)
            except grpc.RpcError:
                return ""  # no case yet
            return next((a.action_id for a in reply.actions if a.decision.allowed), "")

        action_id = eventually(requested, "strategy's first step requested")
        offers = api.get(f"/v1/debts/{debt['id']}/offers").json()["offers"]
        full = next(o for o in offers if o["kind"] == "full")
        accepted = api.post(f"/v1/debts/{debt['id']}/agreements", json={"offer_id": full["id"]})
        assert accepted.status_code == 201, accepted.text
        agreement = accepted.json()

        def send_time() -> tuple[str, str]:
            request = CheckContactRequest(debt_id=debt["id"], channel=types_pb2.CHANNEL_SMS, action_id=action_id)
            decision = strategy.CheckContact(request, metadata=tenant, timeout=10).decision
            assert decision.allowed is False
            return decision.rule, decision.explanation

        # At once, not after strategy consumed agreement.accepted: agreements itself is asked.
        rule, explanation = send_time()
        assert rule == "standing_in_agreement"
        assert f"agreements says: agreement {agreement['id']} accepted, in good standing" in explanation
        explained = strategy.ExplainDecision(ExplainDecisionRequest(action_id=action_id), metadata=tenant, timeout=10)
        last = explained.decisions[-1]
        assert (last.rule, last.explanation) == (rule, explanation)
        assert last.values["agreement"] == agreement["id"]

        payment = {"amount": full["total"], "payment_reference": f"race-{new_id()[:8]}"}
        assert api.post(f"/v1/debts/{debt['id']}/payments", json=payment).status_code == 201
        rule, explanation = send_time()
        assert rule == "standing_settled"
        assert explanation.startswith("agreements says: the debt is settled on ")
