"""Wires and starts the agreements service."""

from __future__ import annotations

import asyncio
import logging
import time

import httpx
from pydantic import Field, SecretStr

from cordial.agreements.v1 import agreements_service_pb2_grpc as pb_grpc
from cordial_agreements.adapters.agreements import AgreementRepository, ChargeRepository, QuoteRepository
from cordial_agreements.adapters.boleto_numbers import BoletoNumberRepository
from cordial_agreements.adapters.boleto_provider import BancoDoBrasilBoletos
from cordial_agreements.adapters.debts import DebtRepository
from cordial_agreements.adapters.pix_provider import PixApi
from cordial_agreements.adapters.policies import BalancePolicyRepository
from cordial_agreements.adapters.unapplied import UnappliedPaymentRepository
from cordial_agreements.api.events import handlers
from cordial_agreements.api.grpc import AgreementsServicer
from cordial_agreements.domain.check_agenda import CheckAgenda
from cordial_agreements.domain.ledger import Ledger
from cordial_agreements.domain.negotiation import Negotiation
from cordial_agreements.domain.payment_links import LinkSettings, PaymentLinks
from cordial_agreements.domain.standing import DebtStandings
from cordial_core.metrics import count_pass
from cordial_core.runtime import ServiceRuntime, run_service
from cordial_core.settings import ServiceSettings, load_settings
from cordial_core.store import TenantCollection

SERVICE = "agreements"
log = logging.getLogger(__name__)


class AgreementsSettings(ServiceSettings):
    """Agreements' own settings on top of the shared ones."""

    check_interval_seconds: float = Field(default=600.0, gt=0, validation_alias="AGREEMENTS_CHECK_INTERVAL_SECONDS")
    # Every so often (and at start) the check reads every live agreement, not only the ones its agenda holds due:
    # it finds what another instance wrote (each instance puts its own writes on its agenda at once).
    full_check_seconds: float = Field(default=3600.0, gt=0, validation_alias="AGREEMENTS_FULL_CHECK_SECONDS")
    # Base URL of the provider's PIX API (ending before /cob); unset, agreements carry no payment links.
    pix_provider_url: str = Field(default="", validation_alias="PIX_PROVIDER_URL")
    pix_provider_token: SecretStr = Field(default=SecretStr(""), validation_alias="PIX_PROVIDER_TOKEN")
    pix_key: str = Field(default="pix@cordial.example", min_length=1, validation_alias="PIX_KEY")
    boleto_bank: str = Field(default="001", pattern=r"^\d{3}$", validation_alias="BOLETO_BANK")
    # The bank's boleto registration API (BB API Cobranças v2 shape, ending before /boletos); unset, boletos
    # are computed locally and not registered.
    boleto_provider_url: str = Field(default="", validation_alias="BOLETO_PROVIDER_URL")
    boleto_provider_token: SecretStr = Field(default=SecretStr(""), validation_alias="BOLETO_PROVIDER_TOKEN")
    boleto_convenio: str = Field(default="1234567", pattern=r"^\d{7}$", validation_alias="BOLETO_CONVENIO")
    boleto_carteira: str = Field(default="17", pattern=r"^\d{2}$", validation_alias="BOLETO_CARTEIRA")
    boleto_carteira_variacao: str = Field(
        default="35", pattern=r"^\d{1,3}$", validation_alias="BOLETO_CARTEIRA_VARIACAO"
    )


async def check_periodically(
    negotiation: Negotiation,
    agreements: AgreementRepository,
    agenda: CheckAgenda,
    interval: float,
    full_pass_seconds: float,
) -> None:
    """Breaks agreements overdue past their grace days and cancels expired proposals: every interval the ones the
    agenda holds due (read by id), and every full_pass_seconds (and first) every live agreement of every tenant,
    which plans the agenda again (on FerretDB reading the live ones is a scan of every agreement)."""
    full_at = float("-inf")
    while True:
        if time.monotonic() - full_at >= full_pass_seconds:
            full_at = time.monotonic()
            agenda.clear()
            for tenant in await agreements.tenants_with_live():
                try:
                    await negotiation.check(tenant, agenda)
                except Exception:  # one tenant's failure must not stop the others; the next round retries
                    log.exception("agreement check failed", extra={"tenant": tenant})
                    full_at = float("-inf")
        else:
            try:
                await negotiation.check_due(agenda)
            except Exception:  # what was taken off the agenda is found again by the next full pass
                log.exception("agreement check failed")
                full_at = float("-inf")
        count_pass("agreements_check", 0)  # what was due looked at; what broke went out as events
        await asyncio.sleep(interval)


async def main() -> None:
    """Starts the service and runs until SIGTERM."""
    settings = load_settings(AgreementsSettings)
    runtime = ServiceRuntime(SERVICE, settings)
    debts = DebtRepository(runtime.outbox_collection("debts"), runtime.cipher, runtime.clock)
    await debts.ensure_indexes()
    agenda = CheckAgenda()
    agreements = AgreementRepository(runtime.outbox_collection("agreements"), runtime.clock, on_written=agenda.mark)
    await agreements.ensure_indexes()
    policies = BalancePolicyRepository(TenantCollection(runtime.db["policies"]))
    ledger = Ledger(debts, runtime.clock, runtime.cipher.lookup_hash, policies, seal=runtime.cipher.encrypt)
    quotes = QuoteRepository(TenantCollection(runtime.db["quotes"]))
    links = None
    if settings.pix_provider_url:
        http = httpx.AsyncClient(timeout=10)
        runtime.on_stop(http.aclose)
        provider = PixApi(
            http, settings.pix_provider_url, settings.pix_provider_token.get_secret_value(), settings.pix_key
        )
        charges = ChargeRepository(TenantCollection(runtime.db["charges"]))
        boletos = (
            BancoDoBrasilBoletos(
                http,
                settings.boleto_provider_url,
                settings.boleto_provider_token.get_secret_value(),
                settings.boleto_convenio,
                settings.boleto_carteira,
                settings.boleto_carteira_variacao,
            )
            if settings.boleto_provider_url
            else None
        )
        link_settings = LinkSettings(
            settings.pix_key, settings.boleto_bank, settings.boleto_convenio, settings.boleto_carteira
        )
        numbers = BoletoNumberRepository(TenantCollection(runtime.db["boleto_numbers"]))
        links = PaymentLinks(provider, charges, agreements, link_settings, boletos, numbers)
    unapplied = UnappliedPaymentRepository(runtime.outbox_collection("unapplied_payments"), runtime.clock)
    await unapplied.ensure_indexes()
    negotiation = Negotiation(ledger, policies, quotes, agreements, runtime.clock, links, unapplied)
    runtime.consume(["actions"], handlers(ledger))
    servicer = AgreementsServicer(ledger, negotiation, DebtStandings(ledger, agreements))
    runtime.add_grpc(
        lambda server: pb_grpc.add_AgreementsServiceServicer_to_server(servicer, server),
        "cordial.agreements.v1.AgreementsService",
    )
    runtime.run_in_background(
        lambda: check_periodically(
            negotiation, agreements, agenda, settings.check_interval_seconds, settings.full_check_seconds
        )
    )
    await runtime.run()


if __name__ == "__main__":
    run_service(main)
