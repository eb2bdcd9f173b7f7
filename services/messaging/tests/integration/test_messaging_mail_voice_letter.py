"""E-mail over SMTP, voice and letters against the sandbox, over real sockets."""

from __future__ import annotations

import random
from typing import Any

import httpx
import pytest

from cordial_messaging.adapters.letter import PrintProvider
from cordial_messaging.adapters.mail import SmtpMail
from cordial_messaging.adapters.voice import TwilioVoice
from cordial_messaging.domain.dispatch import (
    Attempt,
    OutboundMessage,
    PermanentSendFailure,
    TransientSendFailure,
)
from cordial_stack.fixtures import sandbox_fixtures
from cordial_stack.platform import sandbox_smtp_port

TOKEN = "integration-sandbox-token-mail"
sandbox_url, http = sandbox_fixtures(TOKEN)
TEXT = "Olá, aqui é a Loja X. Seu saldo é R$ 1.500,00. Veja em https://p/d1"


async def _inbox(http: httpx.AsyncClient, url: str, channel: str, to: str) -> list[dict[str, Any]]:
    found = await http.get(f"{url}/sandbox/inbox", params={"channel": channel, "to": to})
    messages: list[dict[str, Any]] = found.json()["messages"]
    return messages


async def _fault(http: httpx.AsyncClient, url: str, channel: str, status: int) -> None:
    armed = await http.post(f"{url}/sandbox/faults", json={"channel": channel, "status": status, "count": 1})
    assert armed.status_code == 200, armed.text


def _message(to: str, key: str = "attempt-1") -> OutboundMessage:
    return OutboundMessage(to, TEXT, "reminder", ("Loja X", "R$ 1.500,00", "https://p/d1"), key)


def _mail(url: str, password: str = TOKEN) -> SmtpMail:
    port = sandbox_smtp_port(url)
    return SmtpMail("127.0.0.1", port, "cordial", password, "Cordial <cobranca@cordial.example>")


async def test_email_reaches_the_smtp_sink_once_with_text_subject_and_message_id(
    http: httpx.AsyncClient, sandbox_url: str
) -> None:
    to = f"devedor{random.randint(1, 10**9)}@example.com"
    queue_id = await _mail(sandbox_url).send(_message(to))
    [mail] = await _inbox(http, sandbox_url, "email", to.upper())
    assert mail["id"] == queue_id
    assert mail["body"].strip() == TEXT
    assert mail["payload"]["subject"] == "Mensagem sobre sua conta com Loja X"
    assert mail["payload"]["message_id"] == "<attempt-1@cordial>"


async def test_email_refusals_are_permanent_or_transient_by_smtp_code(
    http: httpx.AsyncClient, sandbox_url: str
) -> None:
    to = "alguem@example.com"
    await _fault(http, sandbox_url, "email", 503)
    with pytest.raises(TransientSendFailure, match="451"):
        await _mail(sandbox_url).send(_message(to))
    await _fault(http, sandbox_url, "email", 400)
    with pytest.raises(PermanentSendFailure, match="550"):
        await _mail(sandbox_url).send(_message(to))
    with pytest.raises(PermanentSendFailure, match="535"):
        await _mail(sandbox_url, password="wrong").send(_message(to))
    assert await _inbox(http, sandbox_url, "email", to) == []


async def test_email_to_a_closed_port_is_transient() -> None:
    mail = SmtpMail("127.0.0.1", 1, "cordial", TOKEN, "cobranca@cordial.example")
    with pytest.raises(TransientSendFailure, match="unreachable"):
        await mail.send(_message("x@example.com"))


async def test_voice_call_says_the_text_in_portuguese(http: httpx.AsyncClient, sandbox_url: str) -> None:
    number = f"+55119{random.randint(10_000_000, 99_999_999)}"
    voice = TwilioVoice(http, sandbox_url, "ACtest", TOKEN, "+5511999990001")
    sid = await voice.send(_message(number))
    assert sid.startswith("CA")
    [call] = await _inbox(http, sandbox_url, "voice", number)
    assert call["body"] == TEXT
    assert call["payload"]["say_language"] == "pt-BR"
    await _fault(http, sandbox_url, "voice", 503)
    with pytest.raises(TransientSendFailure):
        await voice.send(_message(number))
    with pytest.raises(PermanentSendFailure, match="21217"):
        await voice.send(_message("11 9999"))


async def test_letter_is_a_pdf_showing_address_and_text_sent_once_per_key(
    http: httpx.AsyncClient, sandbox_url: str
) -> None:
    address = f"Rua das Flores {random.randint(1, 9999)}, São Paulo SP, 01000-000"
    printer = PrintProvider(http, sandbox_url, TOKEN, "Caixa Postal 1000, São Paulo SP")
    letter_id = await printer.send(_message(address, key="attempt-letter"))
    assert letter_id.startswith("ltr_")
    [letter] = await _inbox(http, sandbox_url, "letter", address)
    assert letter["payload"]["pages"] == 1
    assert address.split(",")[0] in letter["body"]
    assert "R$ 1.500,00" in letter["body"]
    assert "Loja X" in letter["body"]
    # The same attempt again: the provider answers the same letter and prints nothing more.
    assert await printer.send(_message(address, key="attempt-letter")) == letter_id
    assert len(await _inbox(http, sandbox_url, "letter", address)) == 1
    attempt = Attempt("attempt-letter", "cp-1", 5, printer.name, address, TEXT, "started")
    reconciled = await printer.reconcile(attempt)
    assert reconciled.known
    assert reconciled.provider_ids == (letter_id,)
    with pytest.raises(PermanentSendFailure, match="401"):
        await PrintProvider(http, sandbox_url, "wrong", "x").send(_message(address, key="k2"))
