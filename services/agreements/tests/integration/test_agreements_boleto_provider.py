"""Payment links over a real socket: PIX charges and boletos registered at the sandbox bank (BB API Cobranças
v2 shape), the bank's barcode and line equal to our own computation, links kept on FerretDB."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from pymongo.asynchronous.database import AsyncDatabase

from cordial_agreements.adapters.agreements import AgreementRepository, ChargeRepository, QuoteRepository
from cordial_agreements.adapters.boleto_numbers import BoletoNumberRepository
from cordial_agreements.adapters.boleto_provider import BancoDoBrasilBoletos, BoletoProviderError
from cordial_agreements.adapters.debts import DebtRepository
from cordial_agreements.adapters.pix_provider import PixApi
from cordial_agreements.adapters.policies import BalancePolicyRepository
from cordial_agreements.domain import boleto
from cordial_agreements.domain.debt import Address, Debtor
from cordial_agreements.domain.ledger import Ledger, Placement
from cordial_agreements.domain.negotiation import Negotiation
from cordial_agreements.domain.offers import DiscountBand, NegotiationPolicy
from cordial_agreements.domain.payment_links import LinkSettings, Payer, PaymentLinks, expected_boleto
from cordial_core.clock import ControllableClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.ids import new_id
from cordial_core.money import Money
from cordial_core.store import TenantCollection
from cordial_stack.fixtures import sandbox_fixtures

TOKEN = "integration-sandbox-token-boleto"
sandbox_url, http = sandbox_fixtures(TOKEN)
NOW = datetime(2026, 3, 3, 13, 0, tzinfo=UTC)
ADDRESS = Address("Rua das Flores", "10", "", "Centro", "São Paulo", "SP", "01001-000")
SETTINGS = LinkSettings("cobranca@cordial.example", "001", "1234567", "11")


def _bank(http: httpx.AsyncClient, url: str, token: str = TOKEN) -> BancoDoBrasilBoletos:
    return BancoDoBrasilBoletos(http, f"{url}/cobrancas/v2", token, "1234567", "11", "19")


async def test_a_published_bb_boleto_comes_back_from_the_bank_as_published(
    http: httpx.AsyncClient, sandbox_url: str
) -> None:
    """BoletoNet/BoletoNetCore BancoBrasilCarteira11_019Tests: nosso número 12345670000000001, R$ 800,00, 2019-02-28."""
    bank = _bank(http, sandbox_url)
    payer = Payer("979.659.401-32", "JOAO DA COSTA ANTUNES", ADDRESS)
    registered = await bank.register("00012345670000000001", date(2019, 2, 28), 80_000, payer)
    assert registered.barcode == "00191781400000800000000001234567000000000111"
    assert boleto.formatted(registered.line) == "00190.00009 01234.567004 00000.001115 1 78140000080000"
    assert (registered.barcode, registered.line) == expected_boleto(
        SETTINGS, "12345670000000001", date(2019, 2, 28), 80_000
    )
    again = await bank.register("00012345670000000001", date(2019, 2, 28), 80_000, payer)
    assert again == registered
    with pytest.raises(BoletoProviderError, match="já incluído"):
        await bank.register("00012345670000000001", date(2019, 2, 28), 80_001, payer)
    with pytest.raises(BoletoProviderError, match="401"):
        await _bank(http, sandbox_url, "wrong").register("00012345670000000002", date(2019, 2, 28), 100, payer)


async def test_an_accepted_agreement_gets_registered_boletos_and_pix_charges(
    http: httpx.AsyncClient, sandbox_url: str, mongo_db: AsyncDatabase[dict[str, Any]]
) -> None:
    clock = ControllableClock(NOW)
    cipher = PersonalDataCipher(Fernet.generate_key().decode(), "lookup")
    debts = DebtRepository(TenantCollection(mongo_db["debts"]), cipher, clock)
    await debts.ensure_indexes()
    agreements = AgreementRepository(TenantCollection(mongo_db["agreements"]), clock)
    await agreements.ensure_indexes()
    policies = BalancePolicyRepository(TenantCollection(mongo_db["policies"]))
    ledger = Ledger(debts, clock, cipher.lookup_hash, policies)
    pix = PixApi(http, f"{sandbox_url}/pix/v2", TOKEN, SETTINGS.pix_key)
    charges = ChargeRepository(TenantCollection(mongo_db["charges"]))
    numbers = BoletoNumberRepository(TenantCollection(mongo_db["boleto_numbers"]))
    links = PaymentLinks(pix, charges, agreements, SETTINGS, _bank(http, sandbox_url), numbers)
    quotes = QuoteRepository(TenantCollection(mongo_db["quotes"]))
    negotiation = Negotiation(ledger, policies, quotes, agreements, clock, links)
    tenant = f"t-{new_id()[:8]}"
    await negotiation.set_policy(tenant, NegotiationPolicy(bands=(DiscountBand(0),), max_installments=3))
    debtor = Debtor("person", "52998224725", "Maria Souza", "America/Sao_Paulo", address=ADDRESS)
    placement = Placement("b-1", debtor, Money(30_001, "BRL"), date(2026, 1, 10), "Loja", [])
    debt, _ = await ledger.place(tenant, placement)
    plan = (await negotiation.offers(tenant, debt.id))[1]

    agreement, _ = await negotiation.accept(tenant, debt.id, plan.id)
    assert sorted(agreement.links) == [1, 2, 3]
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for link in agreement.links.values():
        number = "000" + link.boleto_barcode[25:42]
        at_bank = await http.get(f"{sandbox_url}/cobrancas/v2/boletos/{number}?numeroConvenio=1234567", headers=auth)
        assert at_bank.status_code == 200, at_bank.text
        assert at_bank.json()["codigoBarraNumerico"] == link.boleto_barcode
        assert at_bank.json()["linhaDigitavel"] == link.boleto_line
        assert at_bank.json()["dataVencimento"] == link.due_date.strftime("%d.%m.%Y")
        charge = (await http.get(f"{sandbox_url}/pix/v2/cob/{link.txid}", headers=auth)).json()
        assert charge["pixCopiaECola"] == link.pix_copia_e_cola
    stored = await negotiation.get(tenant, agreement.id)
    assert stored.links == agreement.links  # kept on FerretDB, not asked for again


async def test_a_nosso_numero_is_claimed_by_one_installment_only(mongo_db: AsyncDatabase[dict[str, Any]]) -> None:
    numbers = BoletoNumberRepository(TenantCollection(mongo_db["boleto_numbers"]))
    assert await numbers.claim("12345670000000042", "txid-a")
    assert await numbers.claim("12345670000000042", "txid-a"), "the same installment finds its number again"
    assert not await numbers.claim("12345670000000042", "txid-b")
    again = BoletoNumberRepository(TenantCollection(mongo_db["boleto_numbers"]))
    assert not await again.claim("12345670000000042", "txid-b"), "another instance sees the claim"
