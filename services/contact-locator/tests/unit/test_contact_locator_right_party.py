"""Right-party-contact rates: right_party / contacted per source, provider and channel."""

from __future__ import annotations

from cordial.types.v1 import types_pb2
from cordial_contact_locator.domain.right_party import OutcomeCount, PartyRate, party_rates

WA, SMS = types_pb2.CHANNEL_WHATSAPP, types_pb2.CHANNEL_SMS


def test_rates_per_source_provider_and_channel() -> None:
    rates = party_rates(
        [
            OutcomeCount("client", "whatsapp", WA, "contacted", 4),
            OutcomeCount("client", "whatsapp", WA, "right_party", 3),
            OutcomeCount("debtor", "sms", SMS, "contacted", 2),
            OutcomeCount("debtor", "sms", SMS, "wrong_party", 1),
            OutcomeCount("client", "whatsapp", WA, "right_party", 0),
        ]
    )
    assert rates == [
        PartyRate("client", "whatsapp", WA, 4, 3, 0),
        PartyRate("debtor", "sms", SMS, 2, 0, 1),
    ]
    assert [r.rate for r in rates] == [0.75, 0.0]


def test_no_contact_is_a_rate_of_zero_not_a_division_error() -> None:
    [only] = party_rates([OutcomeCount("debtor", "", SMS, "right_party", 1)])
    assert (only.contacted, only.rate) == (0, 0.0)
