"""Seeded debtors of a simulation: where they live, what they owe to which clients, and what they will do."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

# Zone, country, state, phone prefix (country code + area code) and weight: Brazil across three zones and
# five states (PE and RJ have state holidays SP has not), and two US zones (US daylight saving starts in March).
PLACES: tuple[tuple[str, str, str, str, int], ...] = (
    ("America/Sao_Paulo", "BR", "SP", "5511", 30),
    ("America/Sao_Paulo", "BR", "RJ", "5521", 15),
    ("America/Sao_Paulo", "BR", "MG", "5531", 10),
    ("America/Manaus", "BR", "AM", "5592", 10),
    ("America/Recife", "BR", "PE", "5581", 15),
    ("America/New_York", "US", "NY", "1212", 10),
    ("America/Chicago", "US", "IL", "1312", 10),
)
# What a debtor does, and how often: never answers; pays in full early, or late (after an inscription);
# accepts a plan and breaks it; disputes ("already paid"); opts out; answers; says they lost their job.
BEHAVIOURS = {
    "ignores": 25,
    "pays": 15,
    "pays_late": 10,
    "breaks": 10,
    "disputes": 10,
    "opts_out": 10,
    "answers": 10,
    "hardship": 10,
}
# The day range (from the start) in which each behaviour happens, as fractions of the run, never before day 1.
WHEN = {
    "pays": (0.03, 0.6),
    "pays_late": (0.9, 0.98),
    "breaks": (0.02, 0.3),
    "disputes": (0.02, 0.5),
    "opts_out": (0.02, 0.5),
    "answers": (0.02, 0.5),
    "hardship": (0.02, 0.4),
}


@dataclass
class SimDebtor:
    """One seeded person: place, phone, document, debts (client key -> debt body), behaviour and its moment."""

    index: int
    zone: str
    country: str
    state: str
    phone: str
    document: str
    behaviour: str
    act_at: datetime | None
    debts: dict[str, dict[str, Any]] = field(default_factory=dict)
    debt_ids: dict[str, str] = field(default_factory=dict)  # client key -> debt id, once placed
    whatsapp: bool = True

    @property
    def digits(self) -> str:
        """The phone in digits, as the sandbox records recipients."""
        return self.phone.lstrip("+")


def cpf(rng: random.Random) -> str:
    """A valid CPF (check digits computed), from the seeded generator."""
    digits = [rng.randint(0, 9) for _ in range(9)]
    for length in (9, 10):
        total = sum(d * w for d, w in zip(digits, range(length + 1, 1, -1), strict=True))
        digits.append((total * 10 % 11) % 10)
    return "".join(map(str, digits))


def _phone(prefix: str, index: int) -> str:
    """A number of its own per debtor: a Brazilian mobile, or a US number in a 2xx exchange."""
    if prefix.startswith("55"):
        return f"+{prefix}9{6 + index % 4}{index:07d}"
    return f"+{prefix}{200 + index // 10_000}{index % 10_000:04d}"


def _address(state: str, country: str) -> dict[str, str]:
    city = {"SP": "São Paulo", "RJ": "Rio de Janeiro", "MG": "Belo Horizonte", "AM": "Manaus", "PE": "Recife"}
    city |= {"NY": "New York", "IL": "Chicago"}
    postal = "10001" if state == "NY" else "60601" if state == "IL" else "01001-000"
    return {
        "street": "Rua das Flores" if country == "BR" else "Main Street",
        "number": "10",
        "city": city[state],
        "state": state,
        "postal_code": postal,
        "country": country,
    }


def seed(rng: random.Random, n: int, clients: list[str], start: datetime, days: int) -> list[SimDebtor]:
    """n debtors; one in five of those who may owe twice owes to two clients (caps count across clients)."""
    places, place_weights = list(PLACES), [p[4] for p in PLACES]
    names, weights = list(BEHAVIOURS), list(BEHAVIOURS.values())
    debtors = []
    for i in range(n):
        zone, country, state, prefix, _ = rng.choices(places, place_weights)[0]
        # The first debtors take each behaviour in turn, so even a small run has every one of them.
        behaviour = names[i % len(names)] if i < 2 * len(names) else rng.choices(names, weights)[0]
        act_at = None
        if behaviour in WHEN:
            low, high = WHEN[behaviour]
            day = rng.uniform(max(1.0, low * days), max(1.5, high * days))
            act_at = start + timedelta(days=day)
        # A disputed debt is one debt: the checker then knows which debt a message is about.
        owes = 2 if behaviour != "disputes" and len(clients) > 1 and rng.random() < 0.2 else 1
        owes = 1 if i < len(names) else owes  # and the first of each owes to the first client alone
        debtor = SimDebtor(i, zone, country, state, _phone(prefix, i), cpf(rng), behaviour, act_at)
        debtor.whatsapp = rng.random() >= 0.15  # the rest are not on WhatsApp: SMS carries their messages
        for client in rng.sample(clients, owes) if i >= len(names) else clients[:1]:
            debtor.debts[client] = _debt(rng, debtor, client, start)
        debtors.append(debtor)
    return debtors


def _debt(rng: random.Random, debtor: SimDebtor, client: str, start: datetime) -> dict[str, Any]:
    """The client API body of one debt: 20 to 90 days past due, BRL 50 to 2,000."""
    due: date = (start - timedelta(days=rng.randint(20, 90))).date()
    return {
        "client_reference": f"sim-{client}-{debtor.index}",
        "debtor": {
            "kind": "person",
            "document": debtor.document,
            "name": f"Pessoa {debtor.index}",
            "time_zone": debtor.zone,
            "address": _address(debtor.state, debtor.country),
        },
        "principal": {"amount_minor": rng.randint(5_000, 200_000), "currency": "BRL"},
        "due_date": due.isoformat(),
        "contact_points": {"phones": [debtor.phone]},
    }
