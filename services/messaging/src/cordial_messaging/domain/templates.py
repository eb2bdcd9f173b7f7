"""Message templates, rendered in a sandboxed engine that refuses unknown variables."""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from cordial_core.money import Money

_SYMBOLS = {"BRL": "R$", "USD": "US$", "EUR": "€"}


@dataclass(frozen=True)
class Template:
    """A template per name and locale, with its tone."""

    name: str
    locale: str
    tone: str
    body: str


# The default reminder: respectful, names the creditor, gives the amount and a personal link.
DEFAULT_TEMPLATES = {
    ("reminder", "pt-BR"): Template(
        "reminder",
        "pt-BR",
        "reminder",
        "Olá! {{ creditor }} lembra que há um valor em aberto de {{ amount }}. "
        "Veja os detalhes e escolha como pagar em {{ link }}",
    ),
}

_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


def format_money(money: Money) -> str:
    """An amount as a Brazilian reader expects it: R$ 1.234,56."""
    units, cents = divmod(abs(money.amount_minor), 100)
    grouped = f"{units:,}".replace(",", ".")
    sign = "-" if money.amount_minor < 0 else ""
    return f"{sign}{_SYMBOLS.get(money.currency, money.currency)} {grouped},{cents:02d}"


def render(template: Template, variables: dict[str, str]) -> str:
    """The message text; a missing variable is an error, never a blank."""
    return _env.from_string(template.body).render(**variables)


def opt_out_confirmation(creditor: str) -> str:
    """The one message that confirms an opt-out: no reminder, no link, just that it is done."""
    who = creditor or "Nós"
    return (
        f"Pronto: {who} não enviará mais mensagens por este canal. Se mudar de ideia, é só responder VOLTAR. Obrigado."
    )
