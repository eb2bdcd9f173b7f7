"""Registry-bridge on real Kafka, FerretDB and the sandbox: bureau, protest registry and court over real HTTP."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from google.protobuf.message import Message
from pymongo.asynchronous.database import AsyncDatabase

from cordial.events.v1 import agreements_pb2, debts_pb2, registry_pb2
from cordial.registry_bridge.v1 import registry_bridge_service_pb2 as bridge_pb
from cordial_core.bus import EventPublisher, ensure_topics
from cordial_core.business_days import protest_not_before
from cordial_core.clock import ControllableClock
from cordial_core.context import bound
from cordial_core.events import DEAD_LETTER_SUFFIX, new_event
from cordial_core.ids import new_id
from cordial_core.money import Money
from cordial_core.store import TenantCollection
from cordial_registry_bridge.adapters.bureau import HttpBureau
from cordial_registry_bridge.adapters.cases import BureauCaseRepository
from cordial_registry_bridge.adapters.court import HttpCourt
from cordial_registry_bridge.adapters.protest import HttpProtestRegistry
from cordial_registry_bridge.api.events import handlers
from cordial_registry_bridge.api.grpc import RegistryBridgeServicer
from cordial_registry_bridge.domain.bridge import RegistryBridge
from cordial_sandbox.app import create_app
from cordial_stack.eventually import consumer_group, until
from cordial_stack.infra import Infra

TOKEN = "bureau-token"
T0 = datetime(2024, 3, 5, 13, 0, tzinfo=UTC)
# The sandbox reads the test's clock, so the registry's notice period runs on simulated time.
_SANDBOX_CLOCK: dict[str, Callable[[], datetime]] = {"now": lambda: T0}


@pytest.fixture(scope="module")
def bureau_url() -> Iterator[str]:
    """The sandbox on a free port, in a thread."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(TOKEN, clock=lambda: _SANDBOX_CLOCK["now"]()), log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "sandbox did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@dataclasses.dataclass
class Rig:
    """The bridge consuming a fresh topic; publish puts an event on it."""

    cases: BureauCaseRepository
    publish: Callable[[str, Message], Awaitable[None]]
    clock: ControllableClock
    http: httpx.AsyncClient


@pytest.fixture
async def rig(infra: Infra, mongo_db: AsyncDatabase[dict[str, Any]], bureau_url: str) -> AsyncIterator[Rig]:
    """Registry-bridge's handlers on a real consumer, one fresh topic standing in for debts and registry."""
    topic = f"registry-{new_id()[:10]}"
    await ensure_topics(infra.kafka_bootstrap_servers, {topic: 3, topic + DEAD_LETTER_SUFFIX: 1})
    clock = ControllableClock(T0)
    _SANDBOX_CLOCK["now"] = clock.now
    cases = BureauCaseRepository(TenantCollection(mongo_db["bureau_cases"]), clock)
    http = httpx.AsyncClient(timeout=5)
    bridge = RegistryBridge(
        cases,
        HttpBureau(http, bureau_url, TOKEN),
        clock,
        registry=HttpProtestRegistry(http, bureau_url, TOKEN),
        court=HttpCourt(http, bureau_url, TOKEN),
    )
    publisher = EventPublisher(infra.kafka_bootstrap_servers)
    await publisher.start()
    group = new_id()
    consumer = consumer_group(infra.kafka_bootstrap_servers, mongo_db, group, [topic], handlers(bridge), publisher)
    await consumer.start()

    async def publish(event_type: str, payload: Message) -> None:
        event = new_event(event_type, payload, source="test", tenant="t1", subject="d1", key="p1", clock=clock)
        await publisher.publish(dataclasses.replace(event, topic=topic))

    try:
        yield Rig(cases, publish, clock, http)
    finally:
        await consumer.stop()
        await publisher.stop()
        await http.aclose()


def _request(kind: int, debt_id: str = "d1", due_date: str = "") -> registry_pb2.EscalationRequested:
    return registry_pb2.EscalationRequested(
        debt_id=debt_id,
        due_date=due_date,
        debtor_id="p1",
        kind=kind,  # type: ignore[arg-type]
        balance=Money(12_345, "BRL").to_proto(),
        creditor_name="Loja",
    )


async def test_notice_then_wait_then_one_inscription_then_removal_on_settlement(
    rig: Rig, mongo_db: AsyncDatabase[dict[str, Any]], bureau_url: str
) -> None:
    async def state_is(state: str) -> Callable[[], Awaitable[bool]]:
        async def check() -> bool:
            case = await rig.cases.get("t1", "d1")
            return case is not None and case.state.value == state

        return check

    # Inscription asked before any notice: refused, nothing at the bureau.
    await rig.publish("escalation.requested", _request(registry_pb2.ESCALATION_KIND_INSCRIPTION))
    await rig.publish("escalation.requested", _request(registry_pb2.ESCALATION_KIND_PRIOR_NOTICE))
    await rig.publish("escalation.requested", _request(registry_pb2.ESCALATION_KIND_PRIOR_NOTICE))
    await until(await state_is("notice_confirmed"), "the notice confirmed")
    case = await rig.cases.get("t1", "d1")
    assert case is not None
    assert case.inscribed_at is None

    # Inside the waiting period: refused again.
    rig.clock.advance(timedelta(days=9))
    await rig.publish("escalation.requested", _request(registry_pb2.ESCALATION_KIND_INSCRIPTION))
    await asyncio.sleep(1)
    assert (await rig.cases.get("t1", "d1")).state.value == "notice_confirmed"  # type: ignore[union-attr]

    # After it: inscribed once, however often asked.
    rig.clock.advance(timedelta(days=1))
    for _ in range(3):
        await rig.publish("escalation.requested", _request(registry_pb2.ESCALATION_KIND_INSCRIPTION))
    await until(await state_is("inscribed"), "the inscription")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    inscription = await rig.http.get(f"{bureau_url}/bureau/v1/inscriptions/{case.inscription_id}", headers=auth)
    assert inscription.json()["status"] == "active"

    # Settled: removed at once.
    settled = debts_pb2.DebtSettled(debt_id="d1", debtor_id="p1")
    await rig.publish("debt.settled", settled)
    await until(await state_is("removed"), "the removal")
    inscription = await rig.http.get(f"{bureau_url}/bureau/v1/inscriptions/{case.inscription_id}", headers=auth)
    assert inscription.json()["status"] == "removed"

    doc = await mongo_db["bureau_cases"].find_one({"_id": "d1"})
    assert doc is not None
    types = sorted(e["type"] for e in doc["_outbox"].values())
    assert types == ["bureau.inscribed", "bureau.notice_confirmed", "bureau.removed"]


def _state_is(rig: Rig, debt_id: str, check: Callable[[Any], bool]) -> Callable[[], Awaitable[bool]]:
    async def done() -> bool:
        case = await rig.cases.get("t1", debt_id)
        return case is not None and check(case)

    return done


async def test_recall_removes_the_inscription_and_cancels_the_protest(
    rig: Rig, mongo_db: AsyncDatabase[dict[str, Any]], bureau_url: str
) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    await rig.publish("escalation.requested", _request(registry_pb2.ESCALATION_KIND_PRIOR_NOTICE, "d2"))
    await until(_state_is(rig, "d2", lambda c: c.state.value == "notice_confirmed"), "the notice")
    rig.clock.advance(timedelta(days=10))
    await rig.publish("escalation.requested", _request(registry_pb2.ESCALATION_KIND_INSCRIPTION, "d2"))
    await until(_state_is(rig, "d2", lambda c: c.state.value == "inscribed"), "the inscription")

    # Protest: presented (the registry notifies the debtor); too early to protest; protested after the period.
    await rig.publish("escalation.requested", _request(registry_pb2.ESCALATION_KIND_PROTEST, "d2"))
    await until(_state_is(rig, "d2", lambda c: c.protest.state == "notice_sent"), "the protest notice")
    await rig.publish("escalation.requested", _request(registry_pb2.ESCALATION_KIND_PROTEST, "d2"))
    await asyncio.sleep(1)
    assert (await rig.cases.get("t1", "d2")).protest.state == "notice_sent"  # type: ignore[union-attr]
    rig.clock.advance(timedelta(days=6))  # presented on a Friday: the weekend, then three business days
    await rig.publish("escalation.requested", _request(registry_pb2.ESCALATION_KIND_PROTEST, "d2"))
    await until(_state_is(rig, "d2", lambda c: c.protest.state == "protested"), "the protest")
    case = await rig.cases.get("t1", "d2")
    assert case is not None
    title = await rig.http.get(f"{bureau_url}/protesto/v1/titulos/{case.protest_id}", headers=auth)
    assert title.json()["situacao"] == "protestado"
    with bound("t1", None):
        answer = await RegistryBridgeServicer(rig.cases).GetCase(bridge_pb.GetCaseRequest(debt_id="d2"), None)  # type: ignore[arg-type]
    assert answer.case.reason == "inscribed: inscribed at the bureau; protest protested: protested"

    # The client recalls the debt: the inscription is removed and the protest cancelled, as on settlement.
    await rig.publish("debt.recalled", debts_pb2.DebtRecalled(debt_id="d2", debtor_id="p1", reason="client"))
    await until(_state_is(rig, "d2", lambda c: c.state.value == "removed"), "the removal on recall")
    inscription = await rig.http.get(f"{bureau_url}/bureau/v1/inscriptions/{case.inscription_id}", headers=auth)
    assert inscription.json()["status"] == "removed"
    title = await rig.http.get(f"{bureau_url}/protesto/v1/titulos/{case.protest_id}", headers=auth)
    assert title.json()["situacao"] == "cancelado"
    doc = await mongo_db["bureau_cases"].find_one({"_id": "d2"})
    assert doc is not None
    types = sorted(e["type"] for e in doc["_outbox"].values())
    assert types == [
        "bureau.inscribed",
        "bureau.notice_confirmed",
        "bureau.removed",
        "protest.cancelled",
        "protest.notice_sent",
        "protest.registered",
    ]


async def test_small_claims_filed_by_court_e_filing_never_when_time_barred(
    rig: Rig, mongo_db: AsyncDatabase[dict[str, Any]], bureau_url: str
) -> None:
    barred = _request(registry_pb2.ESCALATION_KIND_SMALL_CLAIMS, "d3", due_date="2019-03-05")
    await rig.publish("escalation.requested", barred)
    await until(_state_is(rig, "d3", lambda c: c.filing.refused == "time_barred"), "the refusal")
    fresh = _request(registry_pb2.ESCALATION_KIND_SMALL_CLAIMS, "d4", due_date="2023-06-01")
    await rig.publish("escalation.requested", fresh)
    await rig.publish("escalation.requested", fresh)
    await until(_state_is(rig, "d4", lambda c: bool(c.filing.case_number)), "the filing")

    petitions = (await rig.http.get(f"{bureau_url}/sandbox/court/petitions")).json()["petitions"]
    assert [p["debt_id"] for p in petitions if p["debt_id"] in ("d3", "d4")] == ["d4"]
    case = await rig.cases.get("t1", "d4")
    assert case is not None
    assert [p["numero_processo"] for p in petitions if p["debt_id"] == "d4"] == [case.filing.case_number]
    refused = await mongo_db["bureau_cases"].find_one({"_id": "d3"})
    assert refused is not None
    assert [e["type"] for e in refused["_outbox"].values()] == ["escalation.refused"]


def _protest_ask(request_id: str, state: str) -> registry_pb2.EscalationRequested:
    ask = _request(registry_pb2.ESCALATION_KIND_PROTEST, "d4")
    ask.request_id, ask.debtor_country, ask.debtor_state, ask.time_zone = request_id, "BR", state, "America/Sao_Paulo"
    return ask


async def test_protest_period_in_the_states_business_days_and_a_new_title_after_a_withdrawal(
    rig: Rig, mongo_db: AsyncDatabase[dict[str, Any]], bureau_url: str
) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    monday = datetime(2024, 7, 8, 15, tzinfo=UTC)  # 9 July: São Paulo's holiday
    rig.clock.set(monday)
    await rig.publish("escalation.requested", _protest_ask("present-1", "SP"))
    await until(_state_is(rig, "d4", lambda c: c.protest.state == "notice_sent"), "the protest notice")
    case = await rig.cases.get("t1", "d4")
    assert case is not None
    first = case.protest_id
    title = (await rig.http.get(f"{bureau_url}/protesto/v1/titulos/{first}", headers=auth)).json()
    ready = protest_not_before(monday, "America/Sao_Paulo", "BR", "SP")
    # The registry (the sandbox's own count), registry-bridge and strategy's shared count agree: Saturday 13, 00:00.
    assert ready == datetime(2024, 7, 13, 3, tzinfo=UTC)
    assert datetime.fromisoformat(title["prazo_final"]) == ready == case.protest.not_before

    # The debtor enters an agreement in the period: the title is withdrawn.
    accepted = agreements_pb2.AgreementAccepted(agreement_id="a1", debtor_id="p1", debt_ids=["d4"], installments=3)
    await rig.publish("agreement.accepted", accepted)
    await until(_state_is(rig, "d4", lambda c: c.protest.state == "cancelled"), "the withdrawal")
    title = (await rig.http.get(f"{bureau_url}/protesto/v1/titulos/{first}", headers=auth)).json()
    assert title["situacao"] == "retirado"

    # The agreement broke; a late retry of the old ask changes nothing, strategy's new ask presents a new title.
    rig.clock.set(datetime(2024, 8, 5, 15, tzinfo=UTC))  # a Monday
    await rig.publish("escalation.requested", _protest_ask("present-1", "SP"))
    await rig.publish("escalation.requested", _protest_ask("present-2", "SP"))
    await until(_state_is(rig, "d4", lambda c: c.protest.state == "notice_sent"), "the new presentation")
    case = await rig.cases.get("t1", "d4")
    assert case is not None
    assert case.protest_id != first
    assert case.protest.not_before == datetime(2024, 8, 9, 3, tzinfo=UTC)
    rig.clock.set(datetime(2024, 8, 9, 3, tzinfo=UTC))
    await rig.publish("escalation.requested", _protest_ask("protest-2", "SP"))
    await until(_state_is(rig, "d4", lambda c: c.protest.state == "protested"), "the protest of the new title")
    new_title = (await rig.http.get(f"{bureau_url}/protesto/v1/titulos/{case.protest_id}", headers=auth)).json()
    assert new_title["situacao"] == "protestado"
    old_title = (await rig.http.get(f"{bureau_url}/protesto/v1/titulos/{first}", headers=auth)).json()
    assert old_title["situacao"] == "retirado"
    doc = await mongo_db["bureau_cases"].find_one({"_id": "d4"})
    assert doc is not None
    types = sorted(e["type"] for e in doc["_outbox"].values())
    assert types == ["protest.cancelled", "protest.notice_sent", "protest.notice_sent", "protest.registered"]
