"""The balance a debtor reads: lines that add up and one sentence of why."""

from __future__ import annotations

from cordial.agreements.v1 import agreements_service_pb2 as pb
from cordial.types.v1 import types_pb2
from cordial_gateway.api.routes.debts import balance_out


def brl(amount: int) -> types_pb2.Money:
    return types_pb2.Money(amount_minor=amount, currency="BRL")


def test_balance_lines_add_up_and_explain() -> None:
    balance = pb.Balance(
        as_of="2024-03-02",
        principal=brl(10_000),
        correction=brl(83),
        late_fee=brl(200),
        interest=brl(100),
        paid=brl(1_000),
        total=brl(9_383),
        overpaid=brl(0),
        days_late=30,
        months_corrected=1,
        late_fee_bps=200,
        monthly_interest_bps=100,
        index_name="IPCA",
    )
    out = balance_out("d1", balance)
    assert sum(line.amount_minor for line in out.lines) == out.total.amount_minor == 9_383
    assert out.explanation == (
        "As of 2024-03-02 (30 days late): principal 100.00 + monetary correction 0.83 + late fee 2.00"
        " + late interest 1.00 - paid 10.00 = 93.83 BRL. Late fee 2%. Interest 1% a month, pro rata die."
        " Corrected by IPCA over 1 full months."
    )


def test_balance_without_charges_reads_as_the_principal() -> None:
    out = balance_out("d1", pb.Balance(as_of="2024-01-10", principal=brl(15_000), total=brl(15_000)))
    assert out.explanation == "As of 2024-01-10 (0 days late): principal 150.00 = 150.00 BRL."
