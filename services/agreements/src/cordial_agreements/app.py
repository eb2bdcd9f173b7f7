"""Wires and starts the agreements service."""

from __future__ import annotations

from cordial.agreements.v1 import agreements_service_pb2_grpc as pb_grpc
from cordial_agreements.adapters.debts import DebtRepository
from cordial_agreements.adapters.policies import BalancePolicyRepository
from cordial_agreements.api.events import handlers
from cordial_agreements.api.grpc import AgreementsServicer
from cordial_agreements.domain.ledger import Ledger
from cordial_core.runtime import ServiceRuntime, run_service
from cordial_core.settings import ServiceSettings, load_settings
from cordial_core.store import TenantCollection

SERVICE = "agreements"


class AgreementsSettings(ServiceSettings):
    """Agreements needs only the shared settings for now."""


async def main() -> None:
    """Starts the service and runs until SIGTERM."""
    runtime = ServiceRuntime(SERVICE, load_settings(AgreementsSettings))
    debts = DebtRepository(runtime.outbox_collection("debts"), runtime.cipher, runtime.clock)
    await debts.ensure_indexes()
    policies = BalancePolicyRepository(TenantCollection(runtime.db["policies"]))
    ledger = Ledger(debts, runtime.clock, runtime.cipher.lookup_hash, policies)
    runtime.consume(["actions"], handlers(ledger))
    runtime.add_grpc(
        lambda server: pb_grpc.add_AgreementsServiceServicer_to_server(AgreementsServicer(ledger), server),
        "cordial.agreements.v1.AgreementsService",
    )
    await runtime.run()


if __name__ == "__main__":
    run_service(main)
