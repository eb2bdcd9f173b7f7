"""Composes an action's message: picks the stored template and fills in what the platform provides.

The template named by the action is looked up for the tenant, then for the agency (tenant "_agency"),
by channel and locale, preferring the action's tone; when neither has it, the built-in reminder is used.
The creditor's address and document come from what the agency set for the client (CDC art. 42-A).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from cordial.types.v1 import types_pb2
from cordial_core.clock import Clock, SystemClock
from cordial_core.errors import InvalidArgument
from cordial_core.money import Money
from cordial_messaging.domain.catalogue import (
    LOCALES,
    StoredTemplate,
    TemplateStore,
    default_for,
    render_stored,
    variables_in_order,
)
from cordial_messaging.domain.templates import format_money
from cordial_messaging.domain.validation import TEMPLATE as NOTICE_TEMPLATE
from cordial_messaging.domain.validation import notice_text

AGENCY = "_agency"
DEFAULT_LOCALE = "pt-BR"
# Strategy's step tones in the catalogue's words: a neutral step reads as a reminder; a gentle one (after a
# hardship pause) as friendly. Tones the catalogue knows pass through.
STEP_TONES = {"neutral": "reminder", "gentle": "friendly"}
CHANNEL_NAMES = {
    types_pb2.CHANNEL_SMS: "sms",
    types_pb2.CHANNEL_WHATSAPP: "whatsapp",
    types_pb2.CHANNEL_EMAIL: "email",
    types_pb2.CHANNEL_VOICE: "voice",
    types_pb2.CHANNEL_LETTER: "letter",
}


@dataclass(frozen=True)
class Creditor:
    """The creditor as a message names it."""

    name: str
    address: str = ""
    document: str = ""


def checked_creditor(creditor: Creditor) -> Creditor:
    """The creditor when every field the disclosures need is there; InvalidArgument naming the one missing."""
    for field in ("name", "address", "document"):
        if not getattr(creditor, field).strip():
            raise InvalidArgument("is required", field=f"creditor.{field}")
    return creditor


class Creditors(Protocol):
    """Where the creditor identity of each tenant is kept."""

    async def get(self, tenant: str) -> Creditor | None: ...
    async def put(self, tenant: str, creditor: Creditor) -> Creditor: ...


@dataclass(frozen=True)
class Request:
    """What the composer needs of an action."""

    tenant: str
    debt_id: str
    template: str
    tone: str
    locale: str
    balance: Money
    creditor_name: str
    debtor_id: str = ""


class PortalLinks(Protocol):
    """Issues the signed token a personal portal link carries (a port; cordial_core.portal_tokens)."""

    def issue(self, tenant: str, debtor_id: str) -> tuple[str, datetime]: ...


@dataclass(frozen=True)
class Composed:
    """A rendered message and the template it came from."""

    template: StoredTemplate
    text: str
    # The template's variables' values in the order they appear: a WhatsApp template's body parameters.
    parameters: tuple[str, ...]


class Composer:
    """Resolves the template of an action on a channel and renders it."""

    def __init__(
        self,
        templates: TemplateStore,
        creditors: Creditors,
        portal_url: str,
        tokens: PortalLinks | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._templates = templates
        self._creditors = creditors
        self._portal = portal_url.rstrip("/")
        self._tokens = tokens
        # The validation notice names the end of its validation period, counted from the day it is sent.
        self._clock = clock or SystemClock()

    async def compose(self, request: Request, channel: types_pb2.Channel) -> Composed:
        """The message for this channel; InvalidArgument when a value the template needs is unknown."""
        template = await self.resolve(request, CHANNEL_NAMES.get(channel, "sms"))
        values = await self._values(request, template.locale)
        text = render_stored(template, values)
        parameters = tuple(values[name] for name in variables_in_order(template.body))
        return Composed(template, text, parameters)

    async def validation_notice(self, request: Request, channel: types_pb2.Channel) -> Composed:
        """The validation notice owed after a first communication that did not carry it, naming the creditor as
        that message did; sent as a WhatsApp template of its own (amount and creditor its parameters)."""
        creditor = await self._creditors.get(request.tenant)
        name = (creditor.name if creditor else "") or request.creditor_name
        amount = format_money(request.balance, "en")
        text = notice_text(amount, name, self._clock.now().date())
        channel_name = CHANNEL_NAMES.get(channel, "sms")
        template = StoredTemplate(request.tenant, NOTICE_TEMPLATE, channel_name, "en", "legal_notice", "US", text)
        return Composed(template, text, (amount, name))

    async def resolve(self, request: Request, channel: str) -> StoredTemplate:
        """The tenant's template, else the agency's, else the built-in reminder; the action's tone preferred."""
        locale = request.locale if request.locale in LOCALES else DEFAULT_LOCALE
        for tenant in (request.tenant, AGENCY):
            for tone in dict.fromkeys((STEP_TONES.get(request.tone, request.tone), "")):
                found = await self._templates.latest(tenant, request.template, channel, locale, tone)
                if found is not None:
                    return found
        return default_for(request.tenant, channel, locale)

    async def _values(self, request: Request, locale: str) -> dict[str, str]:
        """Everything a template may read; the creditor's address and document only when they are known."""
        creditor = await self._creditors.get(request.tenant) or Creditor(request.creditor_name)
        name = creditor.name or request.creditor_name
        amount = format_money(request.balance, locale)
        link = f"{self._portal}/{request.debt_id}"
        # Personal links carry the debtor's portal token: whoever opens them acts as that debtor, nobody else.
        query = ""
        if self._tokens is not None and request.debtor_id:
            query = "?t=" + self._tokens.issue(request.tenant, request.debtor_id)[0]
        values = {
            "creditor": name,
            "amount": amount,
            "portal_link": link + query,
            "breakdown_link": f"{link}/breakdown{query}",
            "validation_notice": notice_text(amount, name, self._clock.now().date()),
        }
        # Left out when unknown: a template that needs them is then refused rather than sent without them.
        if creditor.address:
            values["creditor_address"] = creditor.address
        if creditor.document:
            values["creditor_document"] = creditor.document
        return values
