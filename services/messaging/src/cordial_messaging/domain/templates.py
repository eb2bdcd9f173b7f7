"""Money as each locale's reader expects it, and the one fixed message: the opt-out confirmation."""

from __future__ import annotations

from cordial_core.money import Money

_SYMBOLS = {"BRL": "R$", "USD": "US$", "EUR": "€"}


def format_money(money: Money, locale: str = "pt-BR") -> str:
    """An amount as a reader of the locale expects it: R$ 1.234,56 (pt-BR, es) or R$ 1,234.56 (en)."""
    units, cents = divmod(abs(money.amount_minor), 100)
    sign = "-" if money.amount_minor < 0 else ""
    symbol = _SYMBOLS.get(money.currency, money.currency)
    if locale == "en":
        return f"{sign}{symbol} {units:,}.{cents:02d}"
    grouped = f"{units:,}".replace(",", ".")
    return f"{sign}{symbol} {grouped},{cents:02d}"


def opt_out_confirmation(creditor: str) -> str:
    """The one message that confirms an opt-out: no reminder, no link, just that it is done."""
    who = creditor or "Nós"
    return (
        f"Pronto: {who} não enviará mais mensagens por este canal. Se mudar de ideia, é só responder VOLTAR. Obrigado."
    )
