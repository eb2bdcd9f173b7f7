"""On a real FerretDB: debts paged by id within a tenant and filtered, payment links kept on the agreement,
charges found by txid only by their own tenant."""

from __future__ import annotations

from datetime import UTC, date, datetime

from cryptography.fernet import Fernet
from pymongo.asynchronous.database import AsyncDatabase

from cordial_agreements.adapters.agreements import AgreementRepository, ChargeRepository
from cordial_agreements.adapters.debts import DebtRepository
from cordial_agreements.domain.agreement import Agreement
from cordial_agreements.domain.debt import Debt, Debtor, DebtStatus
from cordial_agreements.domain.offers import Installment
from cordial_agreements.domain.payment_links import Charge, LinkSettings, PaymentLinks
from cordial_core.clock import ControllableClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.money import Money
from cordial_core.store import TenantCollection

NOW = datetime(2026, 3, 3, 13, 0, tzinfo=UTC)


def _debt(tenant: str, i: int, status: DebtStatus, portfolio: str) -> Debt:
    debtor = Debtor("person", "52998224725", "Maria", "America/Sao_Paulo")
    return Debt(
        f"d{i:02d}", tenant, f"r{i}", "p1", debtor, Money(1_000, "BRL"), date(2026, 1, 1), "Loja", NOW,
        portfolio=portfolio, status=status,
    )  # fmt: skip


async def test_pages_follow_ids_within_the_tenant_and_filters(mongo_db: AsyncDatabase[dict]) -> None:
    cipher = PersonalDataCipher(Fernet.generate_key().decode(), "lookup")
    repo = DebtRepository(TenantCollection(mongo_db["debts"]), cipher, ControllableClock(NOW))
    await repo.ensure_indexes()
    for i in range(7):
        status = DebtStatus.RECALLED if i % 3 == 0 else DebtStatus.IN_COLLECTION
        await repo.add(_debt("t1", i, status, "cards" if i < 5 else "loans"), [])
    await repo.add(_debt("t2", 99, DebtStatus.IN_COLLECTION, "cards"), [])
    first = await repo.page("t1", "", "", "", 3)
    assert [d.id for d in first] == ["d00", "d01", "d02"]
    rest = await repo.page("t1", "", "", "d02", 10)
    assert [d.id for d in rest] == ["d03", "d04", "d05", "d06"]
    assert [d.id for d in await repo.page("t1", "recalled", "cards", "", 10)] == ["d00", "d03"]
    assert [d.id for d in await repo.page("t2", "", "", "", 10)] == ["d99"]


class Provider:
    async def create_charge(self, txid: str, amount_minor: int, expires_seconds: int) -> Charge:
        return Charge(txid, f"pix.example/qr/{txid}", f"br-code-{txid}")


async def test_links_kept_on_the_agreement_and_charges_scoped_by_tenant(mongo_db: AsyncDatabase[dict]) -> None:
    clock = ControllableClock(NOW)
    agreements = AgreementRepository(TenantCollection(mongo_db["agreements"]), clock)
    await agreements.ensure_indexes()
    charges = ChargeRepository(TenantCollection(mongo_db["charges"]))
    installments = (Installment(1, date(2026, 3, 5), 4_000), Installment(2, date(2026, 4, 6), 3_000))
    agreement = Agreement("a1", "t1", "p1", ("d1",), installments, grace_days=5)
    agreement.accept()
    assert await agreements.add(agreement, [])
    links = PaymentLinks(Provider(), charges, agreements, LinkSettings("key@example.com"))
    await links.ensure(agreement, date(2026, 3, 3))
    loaded = await agreements.get("t1", "a1")
    assert loaded is not None
    assert loaded.links == agreement.links
    assert sorted(loaded.links) == [1, 2]
    txid = loaded.links[2].txid
    assert await charges.debt_of("t1", txid) == "d1"
    assert await charges.debt_of("t2", txid) is None
