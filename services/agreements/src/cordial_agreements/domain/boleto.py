"""Boleto de cobrança: the 44-digit barcode and the 47-digit linha digitável (FEBRABAN layout).

Barcode: bank (3), currency 9 (1), check digit (1, mod 11), due-date factor (4), amount in cents (10),
free field (25, the bank's). Linha digitável: three fields of bank+currency+free field, each closed by a
mod-10 digit, then the barcode's check digit, then factor and amount. The factor counts days from
1997-10-07; having reached 9999 on 2025-02-21 it restarts at 1000 on 2025-02-22 (FEBRABAN).
"""

from __future__ import annotations

from datetime import date

from cordial_core.errors import InvalidArgument

BASE = date(1997, 10, 7)


def due_factor(due: date) -> int:
    """The 4-digit due-date factor, with the 2025-02-22 rollover back to 1000."""
    days = (due - BASE).days
    if days < 1000:
        raise InvalidArgument("is before 2000-07-03, the first factor", field="due_date")
    return (days - 1000) % 9000 + 1000


def mod10(digits: str) -> int:
    """Check digit of a linha digitável field: weights 2,1 from the right, products' digits summed."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        product = int(char) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def mod11(digits: str) -> int:
    """The barcode's check digit: weights 2..9 from the right; 0, 10 and 11 become 1."""
    total = sum(int(char) * (2 + i % 8) for i, char in enumerate(reversed(digits)))
    digit = 11 - total % 11
    return 1 if digit in (0, 10, 11) else digit


def barcode(bank: str, due: date, amount_minor: int, free_field: str) -> str:
    """The 44-digit barcode."""
    if len(bank) != 3 or not bank.isdigit():
        raise InvalidArgument("must be 3 digits", field="bank")
    if len(free_field) != 25 or not free_field.isdigit():
        raise InvalidArgument("must be 25 digits", field="free_field")
    if not 0 < amount_minor < 10**10:
        raise InvalidArgument("must be between 0.01 and 99,999,999.99", field="amount_minor")
    rest = f"{due_factor(due):04d}{amount_minor:010d}{free_field}"
    return f"{bank}9{mod11(bank + '9' + rest)}{rest}"


def digitable_line(code: str) -> str:
    """The 47-digit linha digitável of a barcode, digits only."""
    if len(code) != 44 or not code.isdigit():
        raise InvalidArgument("must be 44 digits", field="barcode")
    free = code[19:]
    fields = [code[:4] + free[:5], free[5:15], free[15:25]]
    return "".join(f + str(mod10(f)) for f in fields) + code[4] + code[5:19]


def bb_free_field(nosso_numero: str, carteira: str) -> str:
    """Banco do Brasil's free field for a 7-digit convênio: six zeros, the 17-digit nosso número, the carteira."""
    if len(nosso_numero) != 17 or not nosso_numero.isdigit():
        raise InvalidArgument("must be 17 digits (convênio and 10 digits)", field="nosso_numero")
    if len(carteira) != 2 or not carteira.isdigit():
        raise InvalidArgument("must be 2 digits", field="carteira")
    return "000000" + nosso_numero + carteira


def formatted(line: str) -> str:
    """A linha digitável as printed: 99999.99999 99999.999999 99999.999999 9 99999999999999."""
    return f"{line[:5]}.{line[5:10]} {line[10:15]}.{line[15:21]} {line[21:26]}.{line[26:32]} {line[32]} {line[33:]}"
