"""Replies: opt-out words in any case, accent or punctuation; paid, not me, can't pay now."""

from __future__ import annotations

import pytest

from cordial.events.v1 import messages_pb2 as m
from cordial_messaging.domain.replies import classify, fold, is_opt_out


@pytest.mark.parametrize(
    "text",
    [
        "SAIR",
        "sair",
        "Sáir!",
        " parar. ",
        "PARE",
        "STOP",
        "stop all",
        "Cancelar",
        "CANCELA",
        "descadastrar",
        "PARAR de mandar",
        "não quero mais receber",
        "Parem de me mandar mensagem",
        "unsubscribe",
        "baja",
    ],
)
def test_opt_out_words_and_variants(text: str) -> None:
    assert is_opt_out(text)
    assert classify(text) == m.REPLY_INTENT_OPT_OUT


@pytest.mark.parametrize(
    "text",
    ["", "ok", "quero sair dessa dívida como faço", "vou parar no banco amanhã e pago", "para quando é o boleto?"],
)
def test_words_inside_other_sentences_are_not_an_opt_out(text: str) -> None:
    assert not is_opt_out(text)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Já paguei ontem", m.REPLY_INTENT_ALREADY_PAID),
        ("JA FOI PAGO", m.REPLY_INTENT_ALREADY_PAID),
        ("I already paid this", m.REPLY_INTENT_ALREADY_PAID),
        ("ya pagué", m.REPLY_INTENT_ALREADY_PAID),
        ("Não sou eu", m.REPLY_INTENT_NOT_ME),
        ("número errado, não conheço essa pessoa", m.REPLY_INTENT_NOT_ME),
        ("wrong number", m.REPLY_INTENT_NOT_ME),
        ("não posso pagar agora, estou desempregado", m.REPLY_INTENT_CANNOT_PAY_NOW),
        ("I can't pay right now", m.REPLY_INTENT_CANNOT_PAY_NOW),
        ("no puedo pagar", m.REPLY_INTENT_CANNOT_PAY_NOW),
        ("bom dia, qual o valor?", m.REPLY_INTENT_OTHER),
    ],
)
def test_intents(text: str, intent: int) -> None:
    assert classify(text) == intent


def test_fold_removes_accents_case_and_punctuation() -> None:
    assert fold("  Não   QUERO, mais!! ") == "nao quero mais"
