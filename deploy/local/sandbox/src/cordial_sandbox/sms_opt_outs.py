"""Twilio's opt-out handling (SMS STOP filtering) for US and Canadian numbers, as the sandbox models it.

Twilio answers a one-word opt-out keyword texted to one of its long codes with its own confirmation and then
refuses every send from that sender to that number with HTTP 400 and error 21610 ("Attempt to send to
unsubscribed recipient") until the number texts an opt-in keyword; the keyword is still passed on to the
incoming-message webhook. Sources: https://www.twilio.com/docs/api/errors/21610,
https://help.twilio.com/articles/223134027 (Twilio support for opt-out keywords: the keywords, single-word
messages only, the 400 with 21610, START/YES/UNSTOP to opt back in) and
https://www.twilio.com/docs/messaging/tutorials/advanced-opt-out (the default English keywords on long codes).

The sandbox applies it to numbers of the North American plan (``+1``) only, as the issue's US case needs; a
Brazilian "SAIR" is the platform's to confirm. Blocks are per pair of sender (``From`` or
``MessagingServiceSid``) and recipient, by digits.
"""

import threading

from cordial_sandbox.inbox import digits

# Twilio's default opt-out and opt-in keywords for long codes; a message is one of them only when it is that word.
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"})
START_WORDS = frozenset({"START", "YES", "UNSTOP"})
# Where the sandbox's Twilio handles keywords itself: the recipients' E.164 prefixes.
HANDLED_PREFIXES = ("+1",)
# Twilio's default replies.
STOPPED = (
    "You have successfully been unsubscribed. You will not receive any more messages from this number. "
    "Reply START to resubscribe."
)
STARTED = (
    "You have successfully been re-subscribed to messages from this number. Reply HELP for help. "
    "Reply STOP to unsubscribe. Msg&Data Rates May Apply."
)


class SmsOptOuts:
    """The (sender, recipient) pairs opted out by keyword, thread-safe."""

    def __init__(self) -> None:
        """Start with none."""
        self._lock = threading.Lock()
        self._pairs: set[tuple[str, str]] = set()

    def heard(self, sender: str, user: str, body: str) -> str | None:
        """Applies a keyword ``user`` texted to ``sender``; returns Twilio's confirmation to send back, if any."""
        if not user.startswith(HANDLED_PREFIXES):
            return None
        word = body.strip().upper()
        pair = (_key(sender), digits(user))
        with self._lock:
            if word in STOP_WORDS:
                self._pairs.add(pair)
                return STOPPED
            if word in START_WORDS and pair in self._pairs:
                self._pairs.discard(pair)
                return STARTED
        return None

    def blocked(self, sender: str, user: str) -> bool:
        """Tell whether sends from ``sender`` to ``user`` are refused with 21610."""
        with self._lock:
            return (_key(sender), digits(user)) in self._pairs

    def pairs(self) -> list[tuple[str, str]]:
        """The blocked (sender, recipient) pairs, sorted."""
        with self._lock:
            return sorted(self._pairs)

    def restore(self, pairs: list[tuple[str, str]]) -> None:
        """Replace the blocked pairs with pairs kept before."""
        with self._lock:
            self._pairs = {(sender, user) for sender, user in pairs}

    def clear(self) -> None:
        """Forget every opt-out."""
        with self._lock:
            self._pairs.clear()


def _key(sender: str) -> str:
    """A sender by digits (a number or short code), or as given (a MessagingServiceSid, an alphanumeric id)."""
    return digits(sender) if sender.lstrip("+").isdigit() else sender
