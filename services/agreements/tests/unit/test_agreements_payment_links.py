"""Payment links: one PIX charge and one boleto per installment, created once, tolerant of a provider outage."""

from __future__ import annotations

from datetime import date

import pytest

from cordial_agreements.domain import boleto
from cordial_agreements.domain.agreement import Agreement
from cordial_agreements.domain.offers import Installment
from cordial_agreements.domain.payment_links import (
    Charge,
    LinkSettings,
    Payer,
    PaymentLinks,
    RegisteredBoleto,
    expected_boleto,
    nosso_numero_for,
    txid_for,
)
from cordial_core.errors import NotFound
from cordial_core.events import Event

TODAY = date(2026, 3, 3)


class FakeProvider:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int]] = []
        self.down = False

    async def create_charge(self, txid: str, amount_minor: int, expires_seconds: int) -> Charge:
        if self.down:
            raise ConnectionError("provider down")
        self.calls.append((txid, amount_minor, expires_seconds))
        return Charge(txid, f"pix.example/qr/{txid}", f"000201...{txid}")


class FakeIndex:
    def __init__(self) -> None:
        self.debts: dict[tuple[str, str], str] = {}

    async def add(self, tenant: str, txid: str, agreement_id: str, debt_id: str) -> None:
        self.debts[(tenant, txid)] = debt_id

    async def debt_of(self, tenant: str, txid: str) -> str | None:
        return self.debts.get((tenant, txid))


class FakeStore:
    def __init__(self) -> None:
        self.saved: dict[str, Agreement] = {}

    async def get(self, tenant: str, agreement_id: str) -> Agreement | None:
        return self.saved.get(agreement_id)

    async def save(self, agreement: Agreement, events: list[Event]) -> None:
        self.saved[agreement.id] = agreement


def _agreement() -> Agreement:
    installments = (Installment(1, date(2026, 3, 5), 4_000), Installment(2, date(2026, 4, 6), 3_001))
    agreement = Agreement("a1", "t1", "p1", ("d1",), installments, grace_days=5)
    agreement.accept()
    return agreement


async def test_each_installment_gets_a_charge_and_a_boleto_once() -> None:
    provider, index, store = FakeProvider(), FakeIndex(), FakeStore()
    links = PaymentLinks(provider, index, store, LinkSettings("key@example.com", "001"))
    agreement = await links.ensure(_agreement(), TODAY)
    assert sorted(agreement.links) == [1, 2]
    first = agreement.links[1]
    assert first.txid == txid_for("t1", "a1", 1)
    assert first.txid.isalnum()
    assert 26 <= len(first.txid) <= 35
    assert provider.calls[0] == (first.txid, 4_000, (2 + 5 + 1) * 86_400)
    assert len(first.boleto_barcode) == 44
    assert len(first.boleto_line) == 47
    assert first.boleto_line == boleto.digitable_line(first.boleto_barcode)
    assert first.boleto_barcode[9:19] == "0000004000"
    assert await links.debt_of("t1", agreement.links[2].txid) == "d1"
    with pytest.raises(NotFound):
        await links.debt_of("t2", first.txid)
    await links.ensure(agreement, TODAY)
    assert len(provider.calls) == 2  # nothing asked twice


async def test_provider_outage_leaves_the_agreement_without_links_until_later() -> None:
    provider, store = FakeProvider(), FakeStore()
    links = PaymentLinks(provider, FakeIndex(), store, LinkSettings("key@example.com"))
    provider.down = True
    agreement = _agreement()
    store.saved[agreement.id] = _agreement()
    assert (await links.ensure(agreement, TODAY)).links == {}
    provider.down = False
    assert sorted((await links.ensure(store.saved["a1"], TODAY)).links) == [1, 2]


class FakeBank:
    def __init__(self, settings: LinkSettings, tamper: bool = False) -> None:
        self.settings = settings
        self.tamper = tamper
        self.registered: list[tuple[str, date, int, Payer]] = []

    async def register(self, number: str, due: date, amount_minor: int, payer: Payer) -> RegisteredBoleto:
        self.registered.append((number, due, amount_minor, payer))
        barcode, line = expected_boleto(self.settings, number[3:], due, amount_minor + (1 if self.tamper else 0))
        return RegisteredBoleto(number, barcode, line)


async def test_boletos_are_registered_at_the_bank_and_checked_against_the_layout() -> None:
    settings = LinkSettings("key@example.com", "001", "1234567", "17")
    bank, store = FakeBank(settings), FakeStore()
    links = PaymentLinks(FakeProvider(), FakeIndex(), store, settings, bank)
    payer = Payer("52998224725", "Maria")
    agreement = await links.ensure(_agreement(), TODAY, payer)
    first = agreement.links[1]
    number, due, amount, who = bank.registered[0]
    assert number == "000" + nosso_numero_for("1234567", first.txid)
    assert len(number) == 20
    assert (due, amount, who) == (date(2026, 3, 5), 4_000, payer)
    assert first.boleto_barcode[19:] == "000000" + number[3:] + "17"  # BB's free field: zeros, nosso número, carteira
    assert first.boleto_line == boleto.digitable_line(first.boleto_barcode)


async def test_a_bank_answer_that_differs_from_the_layout_is_never_shown() -> None:
    settings = LinkSettings("key@example.com")
    store = FakeStore()
    links = PaymentLinks(FakeProvider(), FakeIndex(), store, settings, FakeBank(settings, tamper=True))
    agreement = _agreement()
    store.saved[agreement.id] = _agreement()
    assert (await links.ensure(agreement, TODAY, Payer("52998224725", "Maria"))).links == {}
