"""Verification against the sandbox's Lookup v2 over a real socket: paid once per TTL, within budget and rate."""

from __future__ import annotations

from datetime import timedelta

import httpx

from cordial_contact_locator.adapters.lookup import TwilioLookup
from cordial_contact_locator.adapters.verification_memory import MemoryBudgets, MemoryCache
from cordial_contact_locator.domain.verification import FAILED, LOOKED_UP, OVER_BUDGET, Verifier
from cordial_core.clock import SystemClock
from cordial_core.rate_cells import LocalRate
from cordial_core.rate_limit import TokenBucket
from cordial_stack.fixtures import sandbox_fixtures

TOKEN = "integration-sandbox-token-lookup"
sandbox_url, http = sandbox_fixtures(TOKEN)


def _verifier(http: httpx.AsyncClient, url: str, budget: int = 1000, token: str = TOKEN) -> Verifier:
    clock = SystemClock()
    return Verifier(
        TwilioLookup(http, url, "ACtest", token, clock),
        MemoryCache(),
        MemoryBudgets(),
        clock,
        LocalRate(TokenBucket(rate=1000, burst=50, now=clock.now().timestamp()), clock),
        ttl=timedelta(days=30),
        monthly_budget=budget,
    )


async def test_line_types_from_lookup_v2_paid_once_within_the_ttl(http: httpx.AsyncClient, sandbox_url: str) -> None:
    verifier = _verifier(http, sandbox_url)
    mobile = await verifier.verify("t1", "+5511987654321")
    assert mobile.source == LOOKED_UP
    assert mobile.info is not None
    assert (mobile.info.valid, mobile.info.line_type) == (True, "mobile")
    assert mobile.info.carrier
    landline = await verifier.verify("t1", "+551133334444")
    assert landline.info is not None
    assert landline.info.line_type == "landline"
    invalid = await verifier.verify("t1", "12345")
    assert invalid.info is not None
    assert not invalid.info.valid
    await verifier.verify("t1", "+5511987654321")
    ledger = (await http.get(f"{sandbox_url}/sandbox/lookups")).json()
    assert ledger["total"] == 3
    assert ledger["per_number_max"] == 1


async def test_a_batch_stays_within_budget_and_counts_provider_faults(
    http: httpx.AsyncClient, sandbox_url: str
) -> None:
    armed = await http.post(f"{sandbox_url}/sandbox/faults", json={"channel": "lookup", "status": 503, "count": 1})
    assert armed.status_code == 200, armed.text
    verifier = _verifier(http, sandbox_url, budget=40)
    progress = await verifier.batch("t1", [f"+55119{i:08d}" for i in range(60)], workers=8)
    assert progress.done == 60
    # The lookup the provider failed is not charged: 40 paid, 19 refused, 1 failed.
    assert progress.counts[OVER_BUDGET] == 19
    assert progress.counts[FAILED] == 1
    assert progress.counts[LOOKED_UP] == 40
    assert (await http.get(f"{sandbox_url}/sandbox/lookups")).json()["total"] == 40
    refused = await _verifier(http, sandbox_url, token="wrong").verify("t1", "+5511987650000")
    assert refused.source == FAILED
    assert "401" in refused.reason
