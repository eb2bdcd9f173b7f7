"""Which opt-out replies a provider already confirmed: Twilio's one-word keywords from North American numbers."""

from __future__ import annotations

import pytest

from cordial_messaging.domain.provider_confirmations import (
    PROVIDER_CONFIRMATIONS,
    ProviderConfirmation,
    confirmed_by_provider,
)


@pytest.mark.parametrize(
    ("provider", "address", "text", "confirmed"),
    [
        ("sms-gateway", "+14155550123", "STOP", True),
        ("sms-gateway", "+14155550123", " unsubscribe ", True),
        ("sms-gateway", "+14155550123", "Stopall", True),
        ("sms-gateway", "+14155550123", "stop texting me", False),  # Twilio acts on the single word only
        ("sms-gateway", "+14155550123", "SAIR", False),
        ("sms-gateway", "+5511987654321", "STOP", False),  # a Brazilian number: ours to confirm
        ("whatsapp-cloud", "+14155550123", "STOP", False),  # the Cloud API confirms nothing
    ],
)
def test_twilio_confirms_its_keywords_from_us_numbers_only(
    provider: str, address: str, text: str, confirmed: bool
) -> None:
    assert confirmed_by_provider(PROVIDER_CONFIRMATIONS, provider, address, text) is confirmed


def test_the_capability_is_data_another_row_covers_another_provider_and_country() -> None:
    row = ProviderConfirmation("other-sms", ("+44",), frozenset({"STOP"}))
    assert confirmed_by_provider((row,), "other-sms", "+447700900123", "stop")
    assert not confirmed_by_provider((), "sms-gateway", "+14155550123", "STOP")
