"""On a real FerretDB: a client's reference finds its debt by id, so placing a batch never reads every debt."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from cryptography.fernet import Fernet
from pymongo.asynchronous.database import AsyncDatabase

from cordial.types.v1 import types_pb2
from cordial_agreements.adapters.debts import DebtRepository
from cordial_agreements.domain.debt import Debtor
from cordial_agreements.domain.ledger import Ledger, Placement
from cordial_core.clock import ControllableClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.money import Money
from cordial_core.store import TenantCollection
from cordial_stack.commands import CommandLog

NOW = datetime(2026, 3, 3, 13, 0, tzinfo=UTC)


def _placement(reference: str) -> Placement:
    debtor = Debtor("person", "52998224725", "Maria", "America/Sao_Paulo")
    phone = [(types_pb2.CONTACT_KIND_PHONE, "+5511987654321")]
    return Placement(reference, debtor, Money(10_000, "BRL"), date(2026, 2, 1), "Loja", phone)


async def test_placing_again_finds_each_debt_by_its_id_and_never_scans(
    logged_db: tuple[AsyncDatabase[dict[str, Any]], CommandLog],
) -> None:
    db, log = logged_db
    cipher = PersonalDataCipher(Fernet.generate_key().decode(), "lookup")
    debts = DebtRepository(TenantCollection(db["debts"]), cipher, ControllableClock(NOW))
    ledger = Ledger(debts, ControllableClock(NOW), lambda document: f"p-{document}")
    first = await ledger.place_many("t1", [_placement(f"r{i}") for i in range(5)])
    other_tenant = await ledger.place_many("t2", [_placement("r0")])
    log.clear()
    again = await ledger.place_many("t1", [_placement(f"r{i}") for i in range(7)])
    assert [created for _, created, _, _ in again] == [False] * 5 + [True] * 2
    ids = [d.id for d, _, _, _ in again if d]
    assert ids[:5] == [d.id for d, _, _, _ in first if d]
    assert next(d.id for d, _, _, _ in other_tenant if d) not in ids  # the same reference, another tenant's debt
    single, created = await ledger.place("t1", _placement("r3"))
    assert (single.client_reference, created) == ("r3", False)
    assert log.scans("debts") == []
