"""Debts and balance policies on a real FerretDB: personal data encrypted at rest, exact factors kept."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from cryptography.fernet import Fernet
from pymongo.asynchronous.database import AsyncDatabase

from cordial_agreements.adapters.debts import DebtRepository
from cordial_agreements.adapters.policies import BalancePolicyRepository
from cordial_agreements.domain.balance import BalancePolicy, IndexTable
from cordial_agreements.domain.debt import Address, Debt, Debtor
from cordial_core.clock import ControllableClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.money import Money
from cordial_core.store import TenantCollection

NOW = datetime(2024, 3, 4, 12, 0, tzinfo=UTC)


async def test_personal_fields_are_encrypted_at_rest_and_read_back(mongo_db: AsyncDatabase[dict]) -> None:
    cipher = PersonalDataCipher(Fernet.generate_key().decode(), "lookup")
    repo = DebtRepository(TenantCollection(mongo_db["debts"]), cipher, ControllableClock(NOW))
    await repo.ensure_indexes()
    address = Address("Rua das Flores", "12", "ap 3", "Centro", "São Paulo", "SP", "01001-000")
    debt = Debt(
        id="d1",
        tenant="t1",
        client_reference="ref-1",
        debtor_id="p1",
        debtor=Debtor("person", "52998224725", "Maria", "America/Sao_Paulo", date(1980, 5, 17), address),
        principal=Money(10_000, "BRL"),
        due_date=date(2024, 1, 10),
        creditor_name="Loja",
        placed_at=NOW,
        portfolio="cards",
        product="credit card",
        origin_date=date(2023, 6, 1),
    )
    assert await repo.add(debt, []) is True
    raw = await mongo_db["debts"].find_one({"_id": "d1"})
    assert raw is not None
    stored = repr(raw)
    for secret in ("52998224725", "Maria", "1980-05-17", "Rua das Flores", "01001-000"):
        assert secret not in stored
    assert raw["portfolio"] == "cards"
    loaded = await repo.get("t1", "d1")
    assert loaded is not None
    assert loaded.debtor == debt.debtor
    assert (loaded.portfolio, loaded.product, loaded.origin_date) == ("cards", "credit card", date(2023, 6, 1))
    assert await repo.get("t2", "d1") is None


async def test_balance_policy_round_trips_exact_factors_per_tenant(mongo_db: AsyncDatabase[dict]) -> None:
    repo = BalancePolicyRepository(TenantCollection(mongo_db["policies"]))
    index = IndexTable.parse("IPCA", {"2024-01": "1.0042", "2024-02": "1.00830000000000000001"})
    await repo.put("t1", BalancePolicy(200, 100, index))
    await repo.put("t1", BalancePolicy(150, 90, index))
    loaded = await repo.get("t1")
    assert loaded is not None
    assert (loaded.late_fee_bps, loaded.monthly_interest_bps) == (150, 90)
    assert loaded.correction is not None
    assert loaded.correction.monthly_factors["2024-02"] == Decimal("1.00830000000000000001")
    assert await repo.get("t2") is None
    assert await mongo_db["policies"].count_documents({}) == 1
