"""Control endpoints tests use to read and steer the sandbox, under ``/sandbox/``.

- ``GET /sandbox/inbox?channel=&to=&since=`` → ``{"messages": [...]}`` in arrival order;
  ``to`` matches on digits, so ``+5511...`` finds SMS and WhatsApp alike; ``since`` skips the
  first messages (a reader's cursor).
- ``GET /sandbox/registries`` → the bureau's notices and inscriptions and the protest registry's titles.
- ``DELETE /sandbox/inbox`` clears the inbox.
- ``POST /sandbox/faults`` ``{"channel", "status", "count"}`` makes the next
  ``count`` authenticated requests on that channel fail with ``status``
  (``count`` 0 disarms); ``GET /sandbox/faults`` shows what is armed.
- ``POST /sandbox/stalls`` ``{"channel", "seconds", "count"}`` makes the next
  ``count`` accepted requests on that channel be recorded, then answered only
  after ``seconds`` (a client killed meanwhile never learns the provider took it).
- ``POST /sandbox/rates`` ``{"channel", "per_second"}`` makes the channel refuse requests past that many in any
  sliding one-second window with the provider's 429 (0 turns it off; ``--rate channel=N`` sets it at start);
  ``GET /sandbox/rates`` reports per channel ``{per_second, accepted, rejected, most_in_one_second}`` (the most
  accepted within one second), so a client can show it never breached a provider's rate (Lookup and the
  WhatsApp contacts check enforce theirs).
- ``POST /sandbox/reset`` clears inbox, faults and every provider setting (rates back to those given at start).

Provider-specific controls (e.g. ``/sandbox/whatsapp/non-users``) live in the
provider's own module.
"""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from cordial_sandbox.state import State


class FaultRequest(BaseModel):
    """Body of ``POST /sandbox/faults``."""

    channel: str
    status: int = Field(ge=400, le=599)
    count: int = Field(default=1, ge=0)


class RateRequest(BaseModel):
    """Body of ``POST /sandbox/rates``."""

    channel: str
    per_second: float = Field(ge=0)


class StallRequest(BaseModel):
    """Body of ``POST /sandbox/stalls``."""

    channel: str
    seconds: float = Field(gt=0, le=600)
    count: int = Field(default=1, ge=0)


def _known_channel(state: State, channel: str) -> None:
    """Refuse a channel no provider serves."""
    if channel not in state.channels:
        raise HTTPException(
            status_code=422,
            detail=f"channel must be one of: {', '.join(sorted(state.channels))}",
        )


def read_inbox(
    state: State, channel: str | None = None, to: str | None = None, since: Annotated[int, Query(ge=0)] = 0
) -> dict[str, Any]:
    """List recorded messages from the since-th on (a reader's cursor), optionally filtered by channel and recipient."""
    return {"messages": state.inbox.list(channel=channel, to=to, since=since)}


def read_registries(state: State) -> dict[str, Any]:
    """What the credit bureau and the protest registry hold: notices, inscriptions (and removals), titles."""
    with state.bureau_lock:
        notices = [dict(r) for r in state.bureau_notices.values()]
        inscriptions = [dict(r) for r in state.bureau_inscriptions.values()]
    with state.protest_lock:
        titles = [dict(r) for r in state.protest_titles.values()]
    return {"notices": notices, "inscriptions": inscriptions, "protests": titles}


def clear_inbox(state: State) -> dict[str, Any]:
    """Forget every recorded message."""
    state.inbox.clear()
    return {"messages": []}


def arm_fault(body: FaultRequest, state: State) -> dict[str, Any]:
    """Make the next ``count`` requests on a channel fail with ``status``."""
    _known_channel(state, body.channel)
    state.faults.arm(body.channel, body.status, body.count)
    return {"faults": state.faults.pending()}


def read_faults(state: State) -> dict[str, Any]:
    """Show the armed faults per channel."""
    return {"faults": state.faults.pending()}


def arm_stall(body: StallRequest, state: State) -> dict[str, Any]:
    """Make the next ``count`` accepted requests on a channel answer late."""
    _known_channel(state, body.channel)
    state.faults.arm_stall(body.channel, body.seconds, body.count)
    return {"stalls": state.faults.stalls()}


def set_rate(body: RateRequest, state: State) -> dict[str, Any]:
    """Sets a channel's rate limit (0 turns it off) and zeroes its counts."""
    _known_channel(state, body.channel)
    state.rates.configure(body.channel, body.per_second)
    return {"rates": state.rates.report()}


def read_rates(state: State) -> dict[str, Any]:
    """Each channel's limit, accepted and rejected requests, and the most accepted within one second."""
    return {"rates": state.rates.report()}


def reset(state: State) -> dict[str, str]:
    """Clear inbox, faults and provider settings."""
    state.reset()
    return {"status": "ok"}


def build_router() -> APIRouter:
    """Build the ``/sandbox`` control router."""
    router = APIRouter(prefix="/sandbox", tags=["sandbox"])
    router.add_api_route("/inbox", read_inbox, methods=["GET"])
    router.add_api_route("/inbox", clear_inbox, methods=["DELETE"])
    router.add_api_route("/registries", read_registries, methods=["GET"])
    router.add_api_route("/faults", arm_fault, methods=["POST"])
    router.add_api_route("/faults", read_faults, methods=["GET"])
    router.add_api_route("/stalls", arm_stall, methods=["POST"])
    router.add_api_route("/rates", set_rate, methods=["POST"])
    router.add_api_route("/rates", read_rates, methods=["GET"])
    router.add_api_route("/reset", reset, methods=["POST"])
    return router
