"""The sandbox's boleto registration (BB API Cobranças v2 shape): worked examples, retries, refusals."""

import pytest
from fastapi.testclient import TestClient

from cordial_sandbox.app import create_app

TOKEN = "sandbox-secret"
AUTH = {"Authorization": f"Bearer {TOKEN}", "content-type": "application/json"}
PAGADOR = '{"tipoInscricao": 1, "numeroInscricao": 97965940132, "nome": "JOAO DA COSTA ANTUNES"}'


def _body(titulo: str, due: str, valor: str, carteira: int = 11) -> str:
    return (
        f'{{"numeroConvenio": 1234567, "numeroCarteira": {carteira}, "numeroVariacaoCarteira": 19, '
        f'"dataEmissao": "01.01.2015", "dataVencimento": "{due}", "valorOriginal": {valor}, '
        f'"numeroTituloCliente": "{titulo}", "pagador": {PAGADOR}}}'
    )


# Banco do Brasil, convênio 1234567, carteira 11 variação 019: nosso número, due date, amount, barcode and
# linha digitável as published in BoletoNet/BoletoNetCore's tests
# (BoletoNetCore.Testes/Bancos/Brasil/Carteiras/BancoBrasilCarteira11_019Tests.cs).
BB_EXAMPLES = [
    ("12345670000000001", "28.02.2019", "800.00", "00191781400000800000000001234567000000000111",
     "00190.00009 01234.567004 00000.001115 1 78140000080000"),
    ("12345670000000321", "02.01.2018", "804.00", "00194739200000804000000001234567000000032111",
     "00190.00009 01234.567004 00000.321117 4 73920000080400"),
    ("12345670000000003", "24.05.2017", "220.58", "00195716900000220580000001234567000000000311",
     "00190.00009 01234.567004 00000.003111 5 71690000022058"),
    ("12345679999999901", "10.03.2019", "791.00", "00198782400000791000000001234567999999990111",
     "00190.00009 01234.567996 99999.901111 8 78240000079100"),
    ("12345670047850002", "25.12.2015", "350.00", "00199665300000350000000001234567004785000211",
     "00190.00009 01234.567004 47850.002115 9 66530000035000"),
]  # fmt: skip


@pytest.mark.parametrize(("nosso_numero", "due", "valor", "barcode", "line"), BB_EXAMPLES)
def test_registration_reproduces_published_bb_boletos(
    nosso_numero: str, due: str, valor: str, barcode: str, line: str
) -> None:
    client = TestClient(create_app(TOKEN))
    created = client.post("/cobrancas/v2/boletos", content=_body("000" + nosso_numero, due, valor), headers=AUTH)
    assert created.status_code == 201, created.text
    assert created.json()["codigoBarraNumerico"] == barcode
    assert created.json()["linhaDigitavel"] == "".join(c for c in line if c.isdigit())


def test_a_retry_answers_the_same_boleto_and_a_different_body_is_refused() -> None:
    client = TestClient(create_app(TOKEN))
    body = _body("00012345670000000001", "28.02.2019", "800.00")
    first = client.post("/cobrancas/v2/boletos", content=body, headers=AUTH)
    again = client.post("/cobrancas/v2/boletos", content=body, headers=AUTH)
    assert (again.status_code, again.json()) == (200, first.json())
    other = client.post(
        "/cobrancas/v2/boletos", content=_body("00012345670000000001", "28.02.2019", "801.00"), headers=AUTH
    )
    assert other.status_code == 400
    assert other.json()["erros"][0]["mensagem"] == "Nosso Número já incluído anteriormente."
    read = client.get("/cobrancas/v2/boletos/00012345670000000001?numeroConvenio=1234567", headers=AUTH).json()
    assert read["codigoBarraNumerico"] == first.json()["codigoBarraNumerico"]
    assert read["valorOriginal"] == "800.00"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (_body("00012345670000000001", "2019-02-28", "800.00"), "dataVencimento"),
        (_body("00012345670000000001", "28.02.2019", "800.001"), "valorOriginal"),
        (_body("00099999990000000001", "28.02.2019", "800.00"), "numeroTituloCliente"),
        (_body("00012345670000000001", "28.02.2019", "800.00").replace(f', "pagador": {PAGADOR}', ""), "pagador"),
    ],
)
def test_refusals_name_the_property(body: str, words: str) -> None:
    client = TestClient(create_app(TOKEN))
    refused = client.post("/cobrancas/v2/boletos", content=body, headers=AUTH)
    assert refused.status_code == 400
    assert words in refused.json()["erros"][0]["mensagem"]
    assert client.post("/cobrancas/v2/boletos", content=body).status_code == 401
