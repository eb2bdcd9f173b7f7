"""Payment links: for every installment a dynamic PIX charge at the provider and a boleto.

The charge's txid is a stable id of (tenant, agreement, installment), so creating it again after a
crash or a provider error asks the provider for the same charge, never a second one. The boleto's number
is derived from the txid too, so both links of an installment name the same payment.

With a boleto provider (a bank's registration API) each boleto is registered there as Banco do Brasil
numbers it (nosso número = convênio + 10 digits of the txid) and the bank's barcode and linha digitável
are checked against our own computation before they are shown: a mismatch leaves the links for a later
call. Without one the boleto is computed locally (unregistered: a bank would not accept its payment).
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
    """Who receives: the PIX key of the charges; the bank, convênio and carteira of the boletos."""

    pix_key: str
    boleto_bank: str = "001"
    boleto_convenio: str = "1234567"
    boleto_carteira: str = "17"


@dataclass(frozen=True)
class Payer:
    """Who a boleto is issued to (a bank requires it): CPF or CNPJ digits and name; personal data."""

    document: str
    name: str


@dataclass(frozen=True)
class RegisteredBoleto:
    """A boleto as the bank registered it."""

    number: str
    barcode: str
    line: str


class BoletoProvider(Protocol):
    """Registers boletos at the bank (a port); registering the same number again answers the same boleto."""

    async def register(self, number: str, due: date, amount_minor: int, payer: Payer) -> RegisteredBoleto: ...


class BoletoMismatch(Exception):
    """The bank answered a barcode or line other than the one its layout gives: not shown to anyone."""


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
    """An unregistered boleto's barcode and linha digitável; the free field is 25 digits of the txid."""
    free_field = f"{int(txid, 16) % 10**25:025d}"
    code = boleto.barcode(bank, due, amount_minor, free_field)
    return code, boleto.digitable_line(code)


def nosso_numero_for(convenio: str, txid: str) -> str:
    """BB's 17-digit nosso número of an installment: the convênio and 10 digits of the txid."""
    return f"{convenio}{int(txid, 16) % 10**10:010d}"


def expected_boleto(settings: LinkSettings, nosso_numero: str, due: date, amount_minor: int) -> tuple[str, str]:
    """The barcode and line the bank's layout gives a registered boleto, to check the bank's answer against."""
    free = boleto.bb_free_field(nosso_numero, settings.boleto_carteira)
    code = boleto.barcode(settings.boleto_bank, due, amount_minor, free)
    return code, boleto.digitable_line(code)


class PaymentLinks:
    """Creates the missing links of an agreement and finds the debt a charge belongs to."""

    def __init__(
        self,
        provider: PixProvider,
        index: ChargeIndex,
        store: AgreementStore,
        settings: LinkSettings,
        boletos: BoletoProvider | None = None,
    ) -> None:
        self._boletos = boletos
        self._provider = provider
        self._index = index
        self._store = store
        self._settings = settings

    async def ensure(self, agreement: Agreement, today: date, payer: Payer | None = None) -> Agreement:
        """The agreement with a link for every installment; a provider failure leaves links for a later call."""
        if agreement.state not in LIVE or len(agreement.links) == len(agreement.installments):
            return agreement
        try:
            for installment in agreement.installments:
                if installment.number not in agreement.links:
                    link = await self._link(agreement, installment.number, today, payer)
                    agreement.links[installment.number] = link
            await self._store.save(agreement, [])
        except FailedPrecondition:  # changed meanwhile (a payment): the next read completes the links
            return await self._reload(agreement)
        except BoletoMismatch:
            log.error(
                "the bank's boleto differs from its layout; links held back", extra={"agreement_id": agreement.id}
            )
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

    async def _boleto(self, txid: str, due: date, amount_minor: int, payer: Payer | None) -> tuple[str, str]:
        """Registered at the bank and checked against the layout when a bank is configured, else computed."""
        if self._boletos is None or payer is None:
            return boleto_for(self._settings.boleto_bank, txid, due, amount_minor)
        nosso_numero = nosso_numero_for(self._settings.boleto_convenio, txid)
        registered = await self._boletos.register("000" + nosso_numero, due, amount_minor, payer)
        expected = expected_boleto(self._settings, nosso_numero, due, amount_minor)
        if (registered.barcode, registered.line) != expected:
            raise BoletoMismatch(f"boleto {registered.number}: bank {registered.barcode}, layout {expected[0]}")
        return expected

    async def _link(self, agreement: Agreement, number: int, today: date, payer: Payer | None) -> PaymentLink:
        installment = agreement.installments[number - 1]
        txid = txid_for(agreement.tenant, agreement.id, number)
        # The charge lives until the installment can no longer be paid without breaking the agreement.
        days = max((installment.due_date - today).days + agreement.grace_days + 1, 1)
        charge = await self._provider.create_charge(txid, installment.amount_minor, days * DAY_SECONDS)
        await self._index.add(agreement.tenant, txid, agreement.id, agreement.debt_ids[0])
        barcode, line = await self._boleto(txid, installment.due_date, installment.amount_minor, payer)
        return PaymentLink(
            number, txid, installment.amount_minor, installment.due_date, charge.br_code, charge.location, barcode, line
        )

    async def _reload(self, agreement: Agreement) -> Agreement:
        return await self._store.get(agreement.tenant, agreement.id) or agreement
