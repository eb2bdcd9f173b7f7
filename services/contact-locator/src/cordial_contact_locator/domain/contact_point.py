"""Contact points: how a value becomes a normalised, valid (or invalid, with the reason) point."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from cordial.types.v1 import types_pb2

DEFAULT_REGION = "BR"
# A phone can carry SMS and WhatsApp; an e-mail only e-mail.
CHANNELS_BY_KIND = {
    types_pb2.CONTACT_KIND_PHONE: (types_pb2.CHANNEL_WHATSAPP, types_pb2.CHANNEL_SMS),
    types_pb2.CONTACT_KIND_EMAIL: (types_pb2.CHANNEL_EMAIL,),
    types_pb2.CONTACT_KIND_ADDRESS: (types_pb2.CHANNEL_LETTER,),
}
# With no outcome yet, a point is as likely to reach the debtor as not: Beta(1, 1).
PRIOR_SCORE = 0.5


@dataclass(frozen=True)
class Normalised:
    """The result of checking a raw value: the canonical form, or why it is invalid."""

    value: str
    valid: bool
    reason: str
    line_type: str = ""


@dataclass
class ContactPoint:
    """A way to reach a debtor, where it came from and whether it works."""

    id: str
    tenant: str
    debtor_id: str
    kind: types_pb2.ContactKind
    value: str
    valid: bool
    reason: str
    source: str
    learned_at: datetime
    line_type: str = ""
    # Channel -> why it may not be used (opted out, not on WhatsApp); the point stays.
    blocked: dict[int, str] = field(default_factory=dict)
    # Set when the point proved not to be the debtor's ("not me"): never used again.
    removed: str = ""
    # Channel -> (alpha, beta) of its reachability.
    reach: dict[int, tuple[float, float]] = field(default_factory=dict)
    # The latest events whose outcome the reach counts (`reachability.learned_key` -> when), so one is counted once.
    reach_learned: dict[str, datetime] = field(default_factory=dict)
    # Channel -> the messaging provider that last carried a contact through this point.
    providers: dict[int, str] = field(default_factory=dict)
    # What a line-type lookup said (carrier, when), once verified.
    carrier: str = ""
    verified_at: datetime | None = None
    # What a WhatsApp contacts check said (None: never checked), and when.
    on_whatsapp: bool | None = None
    whatsapp_checked_at: datetime | None = None

    @property
    def channels(self) -> tuple[types_pb2.Channel, ...]:
        """The channels this point can be used on, when valid."""
        return CHANNELS_BY_KIND.get(self.kind, ()) if self.valid else ()

    def exclusion(self, channel: int) -> str:
        """Why the point may not be used on the channel, or "" when it may."""
        if not self.valid:
            return f"invalid: {self.reason}"
        if self.removed:
            return f"removed: {self.removed}"
        if channel not in self.channels:
            return "not a channel of this kind of point"
        return self.blocked.get(channel, "")


def normalise_phone(raw: str, region: str = DEFAULT_REGION) -> Normalised:
    """E.164 form of a phone number, with its line type when the metadata knows it."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        return Normalised(raw, False, f"not a phone number: {exc}")
    if not phonenumbers.is_valid_number(number):
        return Normalised(raw, False, "not a valid phone number for its region")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    line = phonenumbers.number_type(number)
    line_type = {
        phonenumbers.PhoneNumberType.MOBILE: "mobile",
        phonenumbers.PhoneNumberType.FIXED_LINE: "landline",
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_or_mobile",
        phonenumbers.PhoneNumberType.VOIP: "voip",
    }.get(line, "unknown")
    return Normalised(e164, True, "", line_type)


def normalise_email(raw: str) -> Normalised:
    """Canonical e-mail address, checked for syntax only (no DNS)."""
    try:
        checked = validate_email(raw, check_deliverability=False)
    except EmailNotValidError as exc:
        return Normalised(raw, False, str(exc))
    return Normalised(checked.normalized, True, "")


def normalise(kind: int, raw: str) -> Normalised:
    """Normalises a value of any kind; addresses are kept as given."""
    if kind == types_pb2.CONTACT_KIND_PHONE:
        return normalise_phone(raw)
    if kind == types_pb2.CONTACT_KIND_EMAIL:
        return normalise_email(raw)
    if kind == types_pb2.CONTACT_KIND_ADDRESS:
        return Normalised(raw.strip(), bool(raw.strip()), "" if raw.strip() else "empty address")
    return Normalised(raw, False, "unknown contact kind")
