"""Payment links: for every installment a dynamic PIX charge at the provider and a boleto.

The charge's txid is a stable id of (tenant, agreement, installment), so creating it again after a
crash or a provider error asks the provider for the same charge, never a second one. The boleto's free
field is derived from the txid, so both links of an installment name the same payment.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from cordial_agreements.domain import boleto
from cordial_agreements.domain.agreement import LIVE, Agreement
from cordial_core.errors import FailedPrecondition, NotFound
from cordial_core.events import Event
from cordial_core.ids import stable_id

log = logging.getLogger(__name__)
DAY_SECONDS = 86_400


@dataclass(frozen=True)
class Charge:
    """A dynamic PIX charge as the provider created it."""

    txid: str
    location: str
    br_code: str


@dataclass(frozen=True)
class PaymentLink:
    """How to pay one installment."""

    installment: int
    txid: str
    amount_minor: int
    due_date: date
    pix_copia_e_cola: str
    pix_location: str
    boleto_barcode: str
    boleto_line: str


@dataclass(frozen=True)
class LinkSettings:
    """Who receives: the PIX key of the charges and the bank of the boletos."""

    pix_key: str
    boleto_bank: str = "001"


class PixProvider(Protocol):
    """Creates dynamic PIX charges (``PUT /cob/{txid}``) at the payment provider (a port)."""

    async def create_charge(self, txid: str, amount_minor: int, expires_seconds: int) -> Charge: ...


class ChargeIndex(Protocol):
    """Which debt and agreement each charge belongs to (a port)."""

    async def add(self, tenant: str, txid: str, agreement_id: str, debt_id: str) -> None: ...
    async def debt_of(self, tenant: str, txid: str) -> str | None: ...


class AgreementStore(Protocol):
    """Saves an agreement's links (a port; the agreement repository)."""

    async def get(self, tenant: str, agreement_id: str) -> Agreement | None: ...
    async def save(self, agreement: Agreement, events: list[Event]) -> None: ...


def txid_for(tenant: str, agreement_id: str, installment: int) -> str:
    """The installment's charge id: 32 letters and digits (the BCB API allows 26 to 35)."""
    return stable_id(tenant, "pix-charge", agreement_id, str(installment))


def boleto_for(bank: str, txid: str, due: date, amount_minor: int) -> tuple[str, str]:
    """The installment's boleto barcode and linha digitável; the free field is 25 digits of the txid."""
    free_field = f"{int(txid, 16) % 10**25:025d}"
    code = boleto.barcode(bank, due, amount_minor, free_field)
    return code, boleto.digitable_line(code)


class PaymentLinks:
    """Creates the missing links of an agreement and finds the debt a charge belongs to."""

    def __init__(self, provider: PixProvider, index: ChargeIndex, store: AgreementStore, settings: LinkSettings):
        self._provider = provider
        self._index = index
        self._store = store
        self._settings = settings

    async def ensure(self, agreement: Agreement, today: date) -> Agreement:
        """The agreement with a link for every installment; a provider failure leaves links for a later call."""
        if agreement.state not in LIVE or len(agreement.links) == len(agreement.installments):
            return agreement
        try:
            for installment in agreement.installments:
                if installment.number not in agreement.links:
                    agreement.links[installment.number] = await self._link(agreement, installment.number, today)
            await self._store.save(agreement, [])
        except FailedPrecondition:  # changed meanwhile (a payment): the next read completes the links
            return await self._reload(agreement)
        except Exception:  # the provider is down: the agreement stands, its links come on the next read
            log.warning("payment links not created yet", extra={"agreement_id": agreement.id}, exc_info=True)
            return await self._reload(agreement)
        return agreement

    async def debt_of(self, tenant: str, txid: str) -> str:
        """The debt a charge of this tenant settles."""
        debt_id = await self._index.debt_of(tenant, txid)
        if debt_id is None:
            raise NotFound(f"no PIX charge {txid}", field="txid")
        return debt_id

    async def _link(self, agreement: Agreement, number: int, today: date) -> PaymentLink:
        installment = agreement.installments[number - 1]
        txid = txid_for(agreement.tenant, agreement.id, number)
        # The charge lives until the installment can no longer be paid without breaking the agreement.
        days = max((installment.due_date - today).days + agreement.grace_days + 1, 1)
        charge = await self._provider.create_charge(txid, installment.amount_minor, days * DAY_SECONDS)
        await self._index.add(agreement.tenant, txid, agreement.id, agreement.debt_ids[0])
        barcode, line = boleto_for(self._settings.boleto_bank, txid, installment.due_date, installment.amount_minor)
        return PaymentLink(
            number, txid, installment.amount_minor, installment.due_date, charge.br_code, charge.location, barcode, line
        )

    async def _reload(self, agreement: Agreement) -> Agreement:
        return await self._store.get(agreement.tenant, agreement.id) or agreement
