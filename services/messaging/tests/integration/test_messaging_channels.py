"""Channels and the message store over real sockets: the sandbox and FerretDB."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import httpx
import pytest
from cryptography.fernet import Fernet
from pymongo.asynchronous.database import AsyncDatabase

from cordial.types.v1 import types_pb2
from cordial_core.clock import ControllableClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.money import Money
from cordial_core.store import TenantCollection
from cordial_messaging.adapters.messages import MessageRepository
from cordial_messaging.adapters.providers import SmsGateway, WhatsAppCloud
from cordial_messaging.domain.dispatch import (
    ActionToSend,
    Attempt,
    OutboundMessage,
    PermanentSendFailure,
    RateLimitedSend,
    TransientSendFailure,
    UncertainSend,
)
from cordial_stack.fixtures import sandbox_fixtures

TOKEN = "integration-sandbox-token"
# A short read timeout, to lose answers.
sandbox_url, http = sandbox_fixtures(TOKEN, timeout=httpx.Timeout(5, read=1))


def _number() -> str:
    return f"+55119{random.randint(10_000_000, 99_999_999)}"


def _message(to: str, text: str = "Olá, lembrete") -> OutboundMessage:
    return OutboundMessage(to, text, "reminder", ("Loja X", "R$ 1,00", "https://p/d1"), "key-1")


def _sms(http: httpx.AsyncClient, url: str) -> SmsGateway:
    return SmsGateway(http, url, "ACtest", TOKEN, "+5511999990000")


def _whatsapp(http: httpx.AsyncClient, url: str) -> WhatsAppCloud:
    return WhatsAppCloud(http, url, "v21.0", "100000000000001", TOKEN)


async def test_sms_send_and_reconcile(http: httpx.AsyncClient, sandbox_url: str) -> None:
    sms, to = _sms(http, sandbox_url), _number()
    sid = await sms.send(_message(to))
    assert sid.startswith("SM")
    attempt = Attempt("a", "cp", types_pb2.CHANNEL_SMS, sms.name, to, "Olá, lembrete", "started")
    found = await sms.reconcile(attempt)
    assert found.known
    assert found.provider_ids == (sid,)
    other = await sms.reconcile(Attempt("b", "cp", types_pb2.CHANNEL_SMS, sms.name, to, "other text", "started"))
    assert other.provider_ids == ()


async def test_sms_lost_answer_is_uncertain_and_reconciles(http: httpx.AsyncClient, sandbox_url: str) -> None:
    sms, to = _sms(http, sandbox_url), _number()
    await http.post(f"{sandbox_url}/sandbox/stalls", json={"channel": "sms", "seconds": 3, "count": 1})
    with pytest.raises(UncertainSend):
        await sms.send(_message(to))
    found = await sms.reconcile(Attempt("a", "cp", types_pb2.CHANNEL_SMS, sms.name, to, "Olá, lembrete", "started"))
    assert len(found.provider_ids) == 1


async def test_sms_provider_faults_are_transient(http: httpx.AsyncClient, sandbox_url: str) -> None:
    await http.post(f"{sandbox_url}/sandbox/faults", json={"channel": "sms", "status": 503, "count": 1})
    with pytest.raises(TransientSendFailure):
        await _sms(http, sandbox_url).send(_message(_number()))


async def test_sms_unreachable_provider_is_transient(http: httpx.AsyncClient) -> None:
    with pytest.raises(TransientSendFailure):
        await _sms(http, "http://127.0.0.1:9").send(_message(_number()))


async def test_whatsapp_template_message_and_not_a_user(http: httpx.AsyncClient, sandbox_url: str) -> None:
    whatsapp, to = _whatsapp(http, sandbox_url), _number()
    wamid = await whatsapp.send(_message(to))
    assert wamid.startswith("wamid.")
    inbox = (await http.get(f"{sandbox_url}/sandbox/inbox", params={"to": to})).json()["messages"]
    [entry] = inbox
    assert entry["payload"]["type"] == "template"
    assert entry["payload"]["template"]["name"] == "cordial_reminder"
    assert entry["payload"]["biz_opaque_callback_data"] == "key-1"
    assert not (await whatsapp.reconcile(Attempt("a", "cp", 2, whatsapp.name, to, "", "started"))).known
    other = _number()
    await http.post(f"{sandbox_url}/sandbox/whatsapp/non-users", json={"numbers": [other]})
    with pytest.raises(PermanentSendFailure, match="131026"):
        await whatsapp.send(_message(other))


async def test_whatsapp_rate_limits_are_rate_limited_sends_not_refusals(
    http: httpx.AsyncClient, sandbox_url: str
) -> None:
    """The Cloud API answers 400 with 130429 (throughput) or 131056 (pair rate): later, at the same number."""
    whatsapp, first, second = _whatsapp(http, sandbox_url), _number(), _number()
    limits = f"{sandbox_url}/sandbox/whatsapp/limits"
    await http.post(limits, json={"rate": 1, "pair_seconds": 0})
    await whatsapp.send(_message(first))
    with pytest.raises(RateLimitedSend, match="130429"):
        await whatsapp.send(_message(second))
    await http.post(limits, json={"rate": 80, "pair_seconds": 6})
    await whatsapp.send(_message(first))
    with pytest.raises(RateLimitedSend, match="131056"):
        await whatsapp.send(_message(first))
    await http.post(f"{sandbox_url}/sandbox/faults", json={"channel": "whatsapp", "status": 429, "count": 1})
    with pytest.raises(RateLimitedSend, match="130429"):
        await whatsapp.send(_message(second))
    # Counted since the limits were last set; an injected fault is not a refusal by the limits.
    assert (await http.get(limits)).json()["refused"] == {"130429": 0, "131056": 1}


CIPHER = PersonalDataCipher(Fernet.generate_key().decode(), "lookup-key")
ACTION = ActionToSend("act-1", "t1", "d1", "p1", (2, 1), "reminder", Money(100, "BRL"), "Loja X")


async def test_repository_guards_each_attempt_with_a_version(mongo_db: AsyncDatabase[dict]) -> None:
    clock = ControllableClock(datetime(2024, 3, 4, 13, 0, tzinfo=UTC))
    repo = MessageRepository(TenantCollection(mongo_db["messages"]), CIPHER, clock)
    await repo.ensure_indexes()
    record = await repo.open(ACTION)
    assert (record.state, record.version, record.attempts) == ("pending", 0, {})
    attempt = Attempt("k1", "cp", 2, "whatsapp-cloud", "+5511", "text", "started")
    assert await repo.start_attempt(ACTION, attempt, 0)
    assert not await repo.start_attempt(ACTION, attempt, 0)  # a second worker with a stale read loses
    again = await repo.open(ACTION)
    assert again.version == 1
    assert again.attempts == {"k1": attempt}
    await repo.end_attempt(ACTION, "k1", "not_accepted", "130429", {"tries": 0, "rate_limited": 1})
    ended = (await repo.open(ACTION)).attempts["k1"]
    assert (ended.status, ended.reason, ended.tries, ended.rate_limited) == ("not_accepted", "130429", 0, 1)
    await repo.end_attempt(ACTION, "k1", "refused", "131026")
    assert (await repo.open(ACTION)).attempts["k1"].status == "refused"
    await repo.finish(ACTION, "sent", {"provider": "sms-gateway", "provider_message_id": "SM1"}, [])
    assert await repo.taken("t1", "sms-gateway", ("SM1", "SM2")) == {"SM1"}
    assert await repo.taken("t2", "sms-gateway", ("SM1",)) == set()
    assert (await repo.open(ACTION)).state == "sent"
    assert not await repo.start_attempt(ACTION, attempt, 1)  # finished: nothing more starts


async def test_repository_keeps_destination_and_text_encrypted(mongo_db: AsyncDatabase[dict]) -> None:
    clock = ControllableClock(datetime(2024, 3, 4, 13, 0, tzinfo=UTC))
    repo = MessageRepository(TenantCollection(mongo_db["messages"]), CIPHER, clock)
    await repo.open(ACTION)
    to, text = "+5511987654321", "Olá Maria, R$ 1,00 em aberto"
    assert await repo.start_attempt(ACTION, Attempt("k1", "cp", 2, "whatsapp-cloud", to, text, "started"), 0)
    await repo.finish(
        ACTION, "sent", {"provider": "whatsapp-cloud", "provider_message_id": "w1", "to": to, "text": text}, []
    )
    raw = await mongo_db["messages"].find_one({"_id": "act-1"})
    assert raw is not None
    assert "5511987654321" not in repr(raw)
    assert "Maria" not in repr(raw)
    assert raw["to_hash"] == CIPHER.lookup_hash(to)
    assert repo.text_of(raw) == text
    assert (await repo.open(ACTION)).attempts["k1"].to == to


async def test_whatsapp_template_parameters_are_folded_to_what_the_cloud_api_takes(
    http: httpx.AsyncClient, sandbox_url: str
) -> None:
    whatsapp, to = _whatsapp(http, sandbox_url), _number()
    message = OutboundMessage(to, "text", "Lembrete Formal", ("Rua A, 1\nSão Paulo", "x     y"), "key-2", "es")
    await whatsapp.send(message)
    [entry] = (await http.get(f"{sandbox_url}/sandbox/inbox", params={"to": to})).json()["messages"]
    template = entry["payload"]["template"]
    assert template["name"] == "cordial_lembrete_formal"
    assert template["language"] == {"code": "es"}
    assert [p["text"] for p in template["components"][0]["parameters"]] == ["Rua A, 1 São Paulo", "x y"]
