"""What a debtor's reply means: opt-out words first, then paid, not me, can't pay now.

Matching is on words with accents, case and punctuation removed, so "SAIR", "sair!",
"Sáir" and "parar." all read the same. An opt-out word must be the whole reply or its
first words ("PARAR de mandar"), as carriers and WhatsApp practice expect.
"""

from __future__ import annotations

import re
import unicodedata

from cordial.events.v1 import messages_pb2

OPT_OUT_WORDS = frozenset(
    {
        "sair",
        "parar",
        "pare",
        "para",
        "stop",
        "stopall",
        "cancelar",
        "cancela",
        "cancel",
        "descadastrar",
        "remover",
        "unsubscribe",
        "end",
        "quit",
        "baja",
        "alto",
    }
)
OPT_OUT_PHRASES = ("nao quero mais", "nao me mande", "nao mande mais", "pare de", "parem de", "no mas mensajes")
ALREADY_PAID = ("ja paguei", "ja foi pago", "ja esta pago", "ja quitei", "paguei", "already paid", "i paid", "ya pague")
NOT_ME = (
    "nao sou eu",
    "nao sou",
    "numero errado",
    "engano",
    "nao conheco",
    "wrong number",
    "not me",
    "no soy",
    "numero equivocado",
)
CANNOT_PAY = (
    "nao posso pagar",
    "nao consigo pagar",
    "sem dinheiro",
    "desempregad",
    "nao tenho como pagar",
    "cant pay",
    "cannot pay",
    "can not pay",
    "no puedo pagar",
)
_NON_WORD = re.compile(r"[^a-z0-9 ]+")


def fold(text: str) -> str:
    """Lower case, accents and punctuation removed, spaces collapsed."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(_NON_WORD.sub(" ", plain.replace("'", "")).split())


def is_opt_out(text: str) -> bool:
    """True when the reply asks to stop contact on this channel."""
    folded = fold(text)
    words = folded.split()
    if not words:
        return False
    if words[0] in OPT_OUT_WORDS and len(words) <= 4:
        return True
    return any(phrase in folded for phrase in OPT_OUT_PHRASES)


def classify(text: str) -> messages_pb2.ReplyIntent:
    """The ReplyIntent of a reply; opting out wins over everything else."""
    if is_opt_out(text):
        return messages_pb2.REPLY_INTENT_OPT_OUT
    folded = f" {fold(text)} "
    for phrases, intent in (
        (NOT_ME, messages_pb2.REPLY_INTENT_NOT_ME),
        (ALREADY_PAID, messages_pb2.REPLY_INTENT_ALREADY_PAID),
        (CANNOT_PAY, messages_pb2.REPLY_INTENT_CANNOT_PAY_NOW),
    ):
        if any(f" {phrase}" in folded for phrase in phrases):
            return intent
    return messages_pb2.REPLY_INTENT_OTHER
