"""PIX BR Codes and boleto lines checked against worked examples published outside this code."""

from __future__ import annotations

from datetime import date

import pytest

from cordial_agreements.domain import boleto, pix
from cordial_core.errors import InvalidArgument

# The static BR Code example of the BCB's "Manual de Padrões para Iniciação do Pix" (random key
# 123e4567-e12b-12d1-a456-426655440000, "Fulano de Tal", BRASILIA, no amount, txid ***), CRC 1D3D.
# Found reproduced verbatim as "the manual's example" in public test suites (code search:
# "gera exatamente o exemplo do manual do BR Code"; ManualBRCode.pdf cited alongside).
BCB_STATIC_EXAMPLE = (
    "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000"
    "5204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"
)


def test_bcb_manual_static_example_is_reproduced_exactly() -> None:
    """BCB, Manual de Padrões para Iniciação do Pix: static QR example with CRC 1D3D."""
    code = pix.static_code("123e4567-e12b-12d1-a456-426655440000", "Fulano de Tal", "BRASILIA")
    assert code == BCB_STATIC_EXAMPLE
    assert pix.valid(BCB_STATIC_EXAMPLE)


def test_crc16_ccitt_false_check_value() -> None:
    """The catalogued check value of CRC-16/CCITT-FALSE over "123456789" is 0x29B1."""
    assert pix.crc16_ccitt_false("123456789") == "29B1"


def test_a_changed_character_fails_the_crc() -> None:
    assert not pix.valid(BCB_STATIC_EXAMPLE.replace("Fulano", "Fulana"))


def test_dynamic_code_carries_location_unique_initiation_and_amount() -> None:
    code = pix.dynamic_code("pix.example.com/qr/v2/cob/abc123", "Banco Exemplo", "SAO PAULO", 15_050)
    assert code.startswith("000201010212")
    assert "0014br.gov.bcb.pix2532pix.example.com/qr/v2/cob/abc123" in code
    assert "5406150.50" in code
    assert "62070503***6304" in code
    assert pix.valid(code)
    with pytest.raises(InvalidArgument) as bad:
        pix.dynamic_code("https://pix.example.com/cob/1", "B", "C")
    assert bad.value.field == "location"


# A boleto issued by BoletoPhp (Bradesco, carteira 06, due 16/06/2016, R$ 289,90), its barcode and
# linha digitável published together in a public repository (jonnrauber/chapecoclassificados,
# layout_bradesco.cache.php). Layout, mod 10 / mod 11 and the factor are FEBRABAN's.
BRADESCO_BARCODE = "23794682700000289901100060000000078901020030"
BRADESCO_LINE = "23791.10006 60000.000079 89010.200304 4 68270000028990"


def test_published_boleto_pair_is_reproduced() -> None:
    code = boleto.barcode("237", date(2016, 6, 16), 28_990, "1100060000000078901020030")
    assert code == BRADESCO_BARCODE
    line = boleto.digitable_line(code)
    assert len(line) == 47
    assert boleto.formatted(line) == BRADESCO_LINE


@pytest.mark.parametrize(
    ("due", "factor"),
    [
        # FEBRABAN's table of factors (reproduced at mhemann.com.br, "A linha digitável do boleto bancário").
        (date(2000, 7, 3), 1000),
        (date(2000, 7, 5), 1002),
        (date(2002, 5, 1), 1667),
        (date(2010, 11, 17), 4789),
        (date(2025, 2, 21), 9999),
        # The rollover: FEBRABAN restarts the factor at 1000 on 2025-02-22.
        (date(2025, 2, 22), 1000),
        (date(2025, 2, 23), 1001),
    ],
)
def test_due_date_factor_table_and_rollover(due: date, factor: int) -> None:
    assert boleto.due_factor(due) == factor


def test_bad_boleto_input_names_the_field() -> None:
    with pytest.raises(InvalidArgument) as bad:
        boleto.barcode("23", date(2026, 1, 1), 100, "0" * 25)
    assert bad.value.field == "bank"
    with pytest.raises(InvalidArgument) as bad:
        boleto.digitable_line("123")
    assert bad.value.field == "barcode"


# Banco do Brasil, convênio 1234567, carteira 11: nosso número, due date, amount, barcode and linha digitável
# as published in BoletoNet/BoletoNetCore's tests
# (BoletoNetCore.Testes/Bancos/Brasil/Carteiras/BancoBrasilCarteira11_019Tests.cs), check digits 1, 4, 5, 8, 9.
BB_EXAMPLES = [
    ("12345670000000001", date(2019, 2, 28), 80_000, "00191781400000800000000001234567000000000111",
     "00190.00009 01234.567004 00000.001115 1 78140000080000"),
    ("12345670000000321", date(2018, 1, 2), 80_400, "00194739200000804000000001234567000000032111",
     "00190.00009 01234.567004 00000.321117 4 73920000080400"),
    ("12345670000000003", date(2017, 5, 24), 22_058, "00195716900000220580000001234567000000000311",
     "00190.00009 01234.567004 00000.003111 5 71690000022058"),
    ("12345679999999901", date(2019, 3, 10), 79_100, "00198782400000791000000001234567999999990111",
     "00190.00009 01234.567996 99999.901111 8 78240000079100"),
    ("12345670047850002", date(2015, 12, 25), 35_000, "00199665300000350000000001234567004785000211",
     "00190.00009 01234.567004 47850.002115 9 66530000035000"),
]  # fmt: skip


@pytest.mark.parametrize(("nosso_numero", "due", "amount", "barcode", "line"), BB_EXAMPLES)
def test_published_banco_do_brasil_boletos_are_reproduced(
    nosso_numero: str, due: date, amount: int, barcode: str, line: str
) -> None:
    code = boleto.barcode("001", due, amount, boleto.bb_free_field(nosso_numero, "11"))
    assert code == barcode
    assert boleto.formatted(boleto.digitable_line(code)) == line


def test_bb_free_field_names_what_is_wrong() -> None:
    with pytest.raises(InvalidArgument) as bad:
        boleto.bb_free_field("123", "11")
    assert bad.value.field == "nosso_numero"
    with pytest.raises(InvalidArgument) as bad:
        boleto.bb_free_field("1" * 17, "1")
    assert bad.value.field == "carteira"
