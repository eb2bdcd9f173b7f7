"""Where a provider itself confirms an opt-out keyword, so messaging must not confirm it a second time.

Twilio answers a one-word opt-out keyword texted to its long codes from a US (North American) number with its own
confirmation and blocks further sends to the number (error 21610) until it texts START
(https://help.twilio.com/articles/223134027, https://www.twilio.com/docs/api/errors/21610). Which provider does
so, for which numbers and on which words is data: a row of ``PROVIDER_CONFIRMATIONS``, not a branch in the code.
A reply outside a row (a sentence, "SAIR", a Brazilian number) is messaging's to confirm: sending a confirmation
Twilio also sent is a second message, but leaving one unconfirmed would break the "confirmed once" rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProviderConfirmation:
    """One provider that confirms opt-outs itself: for numbers with these E.164 prefixes, on these single words."""

    provider: str
    prefixes: tuple[str, ...]
    keywords: frozenset[str]

    def covers(self, provider: str, address: str, text: str) -> bool:
        """True when this provider already confirmed this reply from this address."""
        return provider == self.provider and address.startswith(self.prefixes) and text.strip().upper() in self.keywords


# Twilio's default opt-out words on long codes (its Advanced Opt-Out guide), for the North American plan.
TWILIO_US = ProviderConfirmation(
    "sms-gateway",
    ("+1",),
    frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}),
)
PROVIDER_CONFIRMATIONS: tuple[ProviderConfirmation, ...] = (TWILIO_US,)


def confirmed_by_provider(rows: Iterable[ProviderConfirmation], provider: str, address: str, text: str) -> bool:
    """True when one of ``rows`` says the provider confirmed this opt-out reply itself."""
    return any(row.covers(provider, address, text) for row in rows)
