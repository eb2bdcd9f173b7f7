"""The payment provider's PIX webhook: each reported payment recorded once, by its endToEndId.

A payment that cannot be applied (unknown charge, debt settled or recalled) is kept unapplied by agreements
with the reason and acknowledged: the provider stops, nothing is lost, the client reads it in
`/v1/payments/unapplied`. Only an outage answers 5xx, so the provider delivers again.
"""

import json
import logging
from collections.abc import Mapping

import grpc
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from cordial.agreements.v1 import agreements_service_pb2 as pb
from cordial.types.v1 import types_pb2
from cordial_core.grpc_server import CORRELATION_KEY, TENANT_KEY
from cordial_core.ids import new_id
from cordial_gateway.api import problems
from cordial_gateway.api.deps import BackendsDep
from cordial_gateway.domain import pix_hooks

router = APIRouter(prefix="/hooks/{tenant}", tags=["hooks"])
log = logging.getLogger(__name__)
# Answers that no retry by the provider can change: acknowledged so it stops, and logged for an operator.
_FINAL = {grpc.StatusCode.NOT_FOUND, grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.INVALID_ARGUMENT}


@router.post("/pix", response_model=None)
async def pix_notification(tenant: str, request: Request, wired: BackendsDep) -> Response:
    """PIX payments of our charges; any other error answers 5xx so the provider delivers again."""
    body = await request.body()
    if not pix_hooks.signature_ok(
        wired.hook_secrets.pix_webhook_secret, body, request.headers.get("x-webhook-signature")
    ):
        return problems.problem(
            401, "bad-signature", "The webhook is not signed by the provider", "X-Webhook-Signature: missing or wrong"
        )
    if not await wired.clients.exists(tenant):
        return problems.problem(404, "not-found", "Not found", f"tenant: no client {tenant}")
    try:
        payments = pix_hooks.payments(json.loads(body))
    except ValueError as exc:
        return problems.problem(400, "bad-request", "Bad request", str(exc))
    results: list[Mapping[str, str | None]] = []
    for payment in payments:
        request_ = pb.RecordPaymentRequest(
            txid=payment.txid,
            amount=types_pb2.Money(amount_minor=payment.amount_minor, currency="BRL"),
            payment_reference=payment.end_to_end_id,
            source="pix",
            keep_unapplied=True,
        )
        try:
            reply = await wired.agreements.RecordPayment(
                request_, metadata=[(TENANT_KEY, tenant), (CORRELATION_KEY, new_id())]
            )
        except grpc.aio.AioRpcError as exc:
            if exc.code() not in _FINAL:
                raise
            log.warning("PIX payment not recorded", extra={"tenant": tenant, "txid": payment.txid})
            results.append({"endToEndId": payment.end_to_end_id, "status": "refused", "detail": exc.details()})
            continue
        results.append(pix_hooks.outcome(payment.end_to_end_id, reply.created, reply.unapplied.reason))
    return JSONResponse({"pix": results})
