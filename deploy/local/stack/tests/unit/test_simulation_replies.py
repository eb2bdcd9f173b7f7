"""The driver holds the platform to a reply only when the gateway accepted the webhook that carried it: a reply the
gateway refused (the sandbox reports the status it got) is counted as refused and never given to the checker."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx

from cordial_core.clock import FileClock
from cordial_stack.simulation.config import START, Config
from cordial_stack.simulation.simulation import Simulation


async def _simulation(tmp_path: Path, gateway_status: int) -> Simulation:
    clock_file = tmp_path / "clock"
    FileClock.move_to(clock_file, START)
    platform: Any = SimpleNamespace(
        secrets={"CORDIAL_ADMIN_TOKEN": "admin"},
        services={},
        infra=SimpleNamespace(kafka_bootstrap_servers="127.0.0.1:1"),
        gateway_url="http://gateway",
        sandbox_url="http://sandbox",
    )
    sim = Simulation(Config(debtors=40, days=1), platform, clock_file)

    def sandbox(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/replies"):  # the sandbox posts the webhook and reports what it got
            return httpx.Response(200, json={"url": "http://gateway/hooks", "status": gateway_status})
        return httpx.Response(200, json={"kind": json.loads(request.content)["kind"]})

    await sim.http.aclose()
    sim.http = httpx.AsyncClient(transport=httpx.MockTransport(sandbox))
    sim.client_ids = {client: f"id-{client}" for client in ("banco", "varejo", "energia")}
    for debtor in sim.debtors:
        debtor.debt_ids = {client: f"debt-{debtor.index}-{client}" for client in debtor.debts}  # as placed
    return sim


async def test_a_reply_the_gateway_refused_is_counted_and_never_checked(tmp_path: Path) -> None:
    sim = await _simulation(tmp_path, gateway_status=429)
    debtor = next(d for d in sim.debtors if d.debts)
    debtor.behaviour = "disputes"
    sim.last_channel[debtor.digits] = "whatsapp"
    await sim.reply(debtor, "Já paguei essa conta")
    assert sim.replies == []
    assert sim.stats["replies refused by the gateway (429)"] == 1
    assert sim.stats["replies delivered"] == 0


async def test_a_reply_the_gateway_accepted_holds_the_platform_to_it(tmp_path: Path) -> None:
    sim = await _simulation(tmp_path, gateway_status=200)
    debtor = next(d for d in sim.debtors if d.debts)
    debtor.behaviour = "opts_out"
    sim.last_channel[debtor.digits] = "sms"
    await sim.reply(debtor, "SAIR")
    [reply] = sim.replies
    assert (reply.digits, reply.kind, reply.channel) == (debtor.digits, "opt_out", "sms")
    assert sim.stats["replies delivered"] == 1


async def test_debtors_acting_at_once_each_reach_their_own_clients_hooks(tmp_path: Path) -> None:
    sim = await _simulation(tmp_path, gateway_status=200)
    targets: dict[str, str] = {}
    reached: dict[str, str] = {}  # sender -> the webhook target the sandbox posted the reply to

    async def sandbox(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        if request.url.path == "/sandbox/webhooks":
            targets[body["kind"]] = body["url"]
            return httpx.Response(200, json=body)
        kind = "whatsapp" if "whatsapp" in request.url.path else "sms_inbound"
        await asyncio.sleep(0.001)  # the sandbox posts the webhook: other acts go on meanwhile
        reached[body["sender"].lstrip("+")] = targets[kind]
        return httpx.Response(200, json={"url": targets[kind], "status": 200})

    sim.http = httpx.AsyncClient(transport=httpx.MockTransport(sandbox))
    actors = [d for d in sim.debtors if d.debts][:30]
    for i, debtor in enumerate(actors):
        debtor.behaviour, debtor.act_at = "disputes", START
        sim.last_channel[debtor.digits] = "whatsapp" if i % 2 else "sms"
    sim.inbox_cursor = 0

    async def no_news() -> None:
        return None

    sim.read_inbox = no_news  # type: ignore[method-assign]
    assert await sim.act(START)
    assert len({next(iter(d.debt_ids)) for d in actors}) > 1, "the actors' first clients differ"
    for debtor in actors:
        client = next(iter(debtor.debt_ids))
        assert reached[debtor.digits].startswith(f"http://gateway/hooks/id-{client}/"), debtor.index
    assert sim.stats["acted disputes"] == len(actors)
    assert len(sim.replies) == len(actors)
