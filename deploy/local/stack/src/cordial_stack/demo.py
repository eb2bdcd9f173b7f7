"""Seeds a demo creditor client with a small portfolio through the public API."""

from __future__ import annotations

from datetime import date, timedelta

import httpx

# The creditor's address and CNPJ every message discloses (CDC art. 42-A), made up for the demo.
CREDITOR = {"address": "Av. Paulista 1000, São Paulo SP, 01310-100", "document": "11.222.333/0001-81"}

# CPFs with valid check digits, made up for the demo.
_DEBTORS = [
    ("Maria Souza", "52998224725", "+55 11 91234-5678", "maria@example.com", 15_000),
    ("João Lima", "39053344705", "+55 21 99876-5432", "joao@example.com", 48_990),
    ("Ana Pereira", "11144477735", "+55 31 98765-4321", "ana@example.com", 7_550),
]


def seed(gateway_url: str, admin_token: str, today: date) -> str:
    """Creates the client, places its debts and returns its API key."""
    with httpx.Client(base_url=gateway_url, timeout=10) as http:
        reply = http.post(
            "/agency/v1/clients",
            json={"name": "Loja Exemplo", "creditor": CREDITOR},
            headers={"Authorization": f"Bearer {admin_token}"},
        )
        reply.raise_for_status()
        key = str(reply.json()["api_key"])
        for index, (name, cpf, phone, email, amount) in enumerate(_DEBTORS):
            body = {
                "client_reference": f"demo-{index + 1}",
                "debtor": {"kind": "person", "document": cpf, "name": name},
                "principal": {"amount_minor": amount, "currency": "BRL"},
                "due_date": (today - timedelta(days=10 * (index + 1))).isoformat(),
                "contact_points": {"phones": [phone], "emails": [email]},
            }
            http.post("/v1/debts", json=body, headers={"Authorization": f"Bearer {key}"}).raise_for_status()
    return key
