"""Batch placement figures: the gateway's per-item checks of a 10,000-item batch, and agreements placing it
(PlaceDebts' path: Ledger.place_many per chunk of 500) on a real FerretDB started for the run.

Run: ``.venv/bin/python bench/batch_placement.py [items]`` (``make bench``). Prints items per second.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from datetime import UTC, date, datetime
from typing import Any

from cryptography.fernet import Fernet
from pymongo import AsyncMongoClient
from validate_docbr import CPF

from cordial_agreements.adapters.debts import DebtRepository
from cordial_agreements.domain.debt import Debtor
from cordial_agreements.domain.ledger import Ledger, Placement
from cordial_core.clock import ControllableClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.money import Money
from cordial_core.store import TenantCollection
from cordial_gateway.api.routes.debts import BATCH_CHUNK as CHUNK
from cordial_gateway.api.routes.debts import _check_items
from cordial_stack.infra import start_ferretdb
from cordial_stack.paths import new_run_dir


def items(n: int) -> list[dict[str, Any]]:
    """n valid debts of distinct debtors."""
    cpf = CPF()
    return [
        {
            "client_reference": f"bench-{i}",
            "debtor": {"kind": "person", "document": cpf.generate(), "name": "Maria Souza"},
            "principal": {"amount_minor": 15_000 + i, "currency": "BRL"},
            "due_date": "2026-01-10",
            "contact_points": {"phones": ["+55 11 91234-5678"], "emails": ["maria@example.com"]},
        }
        for i in range(n)
    ]


async def place_all(uri: str, bodies: list[dict[str, Any]]) -> float:
    """Seconds to place every body through the ledger in chunks, as PlaceDebts does."""
    client: AsyncMongoClient[dict] = AsyncMongoClient(uri, tz_aware=True)
    clock = ControllableClock(datetime(2026, 3, 3, 13, 0, tzinfo=UTC))
    cipher = PersonalDataCipher(Fernet.generate_key().decode(), "lookup")
    repo = DebtRepository(TenantCollection(client["bench_agreements"]["debts"]), cipher, clock)
    await repo.ensure_indexes()
    ledger = Ledger(repo, clock, cipher.lookup_hash)

    def placement(body: dict[str, Any]) -> Placement:
        debtor = body["debtor"]
        return Placement(
            str(body["client_reference"]),
            Debtor("person", debtor["document"], debtor["name"], "America/Sao_Paulo"),
            Money(body["principal"]["amount_minor"], "BRL"),
            date(2026, 1, 10),
            "Bench",
            [(1, "+5511912345678")],
        )

    start = time.perf_counter()
    for i in range(0, len(bodies), CHUNK):
        results = await ledger.place_many("bench", [placement(b) for b in bodies[i : i + CHUNK]])
        assert all(created for _, created, _, _ in results)
    elapsed = time.perf_counter() - start
    await client.drop_database("bench_agreements")
    await client.close()
    return elapsed


def main() -> None:
    """Prints the figures and the conditions they were measured in."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    bodies = items(n)
    start = time.perf_counter()
    results, valid = _check_items(bodies, 100_000_000_000)
    checked = time.perf_counter() - start
    assert len(valid) == n, [r.errors for r in results if r.errors][:3]
    print(f"gateway checks: {n} items in {checked:.2f}s ({n / checked:,.0f} items/s)")
    uri, process = start_ferretdb(new_run_dir("bench"))
    try:
        placed = asyncio.run(place_all(uri, bodies))
    finally:
        process.stop()
    print(f"agreements placement: {n} debts in {placed:.1f}s ({n / placed:,.0f} debts/s) on FerretDB (SQLite)")
    print(f"conditions: {os.cpu_count()} cores shared, Python {sys.version.split()[0]}, chunks of {CHUNK}")


if __name__ == "__main__":
    main()
