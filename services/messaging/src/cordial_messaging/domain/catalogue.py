"""Templates per tenant, channel and locale: checked when saved for variables, tone and the law's disclosures.

Brazil (CDC art. 42-A): every collection document names the creditor with its address and
CPF or CNPJ. United States (FDCPA 1692g): the first communication carries the validation
notice, or it follows within 5 days (messaging then sends it: domain/validation.py). A template that misses one is
refused naming it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from jinja2 import Template, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment

from cordial_core.errors import InvalidArgument

LOCALES = ("pt-BR", "en", "es")
TONES = ("reminder", "friendly", "formal", "legal_notice")
JURISDICTIONS = ("BR", "US")
CHANNELS = ("sms", "whatsapp", "email", "voice", "letter")
# What a template may use: everything messaging fills in at send time (it never learns the debtor's name,
# which also keeps a message read by someone else from exposing them).
VARIABLES = frozenset(
    {
        "creditor",
        "creditor_address",
        "creditor_document",
        "amount",
        "breakdown_link",
        "portal_link",
        "validation_notice",
    }
)
# Every collection message says who is owed what and where to see why.
REQUIRED = frozenset({"creditor", "amount", "portal_link"})
DISCLOSURES = {
    "BR": ({"creditor", "creditor_address", "creditor_document"}, "CDC art. 42-A"),
    "US": ({"validation_notice"}, "FDCPA validation notice"),
}
VALIDATION_NOTICE_DAYS = 5
# Channels that carry no writing: a validation notice cannot follow on them.
SPOKEN = frozenset({"voice"})

_env = SandboxedEnvironment(autoescape=False)


@dataclass(frozen=True)
class StoredTemplate:
    """A tenant's template for one name, channel and locale."""

    tenant: str
    name: str
    channel: str
    locale: str
    tone: str
    jurisdiction: str
    body: str
    # US only: whether this is the first communication, and if it lacks the notice, when it follows.
    first_communication: bool = False
    validation_notice_follows_in_days: int = -1
    # Set when saved: 1, 2, ... per tenant and key; 0 for the built-in defaults.
    version: int = 0
    created_at: datetime | None = None

    @property
    def key(self) -> str:
        """One template per tenant, name, channel and locale."""
        return f"{self.name}/{self.channel}/{self.locale}"


def variables_of(body: str) -> set[str]:
    """The variables a template body reads; a syntax error is refused naming the line."""
    try:
        return set(_variables(body))
    except TemplateSyntaxError as exc:
        raise InvalidArgument(f"is not a valid template (line {exc.lineno}: {exc.message})", field="body") from exc


def variables_in_order(body: str) -> list[str]:
    """The variables a body reads, each once, in the order they first appear (a WhatsApp template's parameters)."""
    return list(_in_order(body))


# Parsing and compiling a body costs about a millisecond: done once per body (the same few serve every message).
@functools.lru_cache(maxsize=1024)
def _variables(body: str) -> frozenset[str]:
    return frozenset(meta.find_undeclared_variables(_env.parse(body)))


@functools.lru_cache(maxsize=1024)
def _in_order(body: str) -> tuple[str, ...]:
    seen: list[str] = []
    for name in _env.parse(body).find_all(nodes.Name):
        if name.ctx == "load" and name.name not in seen:
            seen.append(name.name)
    return tuple(seen)


@functools.lru_cache(maxsize=1024)
def _compiled(body: str) -> Template:
    return _env.from_string(body)


def check(template: StoredTemplate) -> StoredTemplate:
    """The template when it may be saved; otherwise InvalidArgument naming the field and what is wrong."""
    for field, value, allowed in (
        ("locale", template.locale, LOCALES),
        ("tone", template.tone, TONES),
        ("jurisdiction", template.jurisdiction, JURISDICTIONS),
        ("channel", template.channel, CHANNELS),
    ):
        if value not in allowed:
            raise InvalidArgument(f"must be one of {', '.join(allowed)}", field=field)
    if not template.name.strip():
        raise InvalidArgument("is required", field="name")
    used = variables_of(template.body)
    unknown = sorted(used - VARIABLES)
    if unknown:
        raise InvalidArgument(f"unknown variable(s): {', '.join(unknown)}", field="body")
    missing = sorted(REQUIRED - used)
    if missing:
        raise InvalidArgument(f"missing required variable(s): {', '.join(missing)}", field="body")
    _check_disclosures(template, used)
    return template


def _check_disclosures(template: StoredTemplate, used: set[str]) -> None:
    """The disclosures the jurisdiction requires."""
    needed, law = DISCLOSURES[template.jurisdiction]
    if template.jurisdiction == "US":
        follows = 0 <= template.validation_notice_follows_in_days <= VALIDATION_NOTICE_DAYS
        if template.first_communication and follows and template.channel in SPOKEN:
            # The follow-up goes to the same point on the same channel, and the notice is written (1692g(a)).
            raise InvalidArgument(
                f"a {template.channel} first communication cannot be followed by the written validation notice on "
                "its own channel: carry it, or send the first communication in writing",
                field="validation_notice_follows_in_days",
            )
        if not template.first_communication or follows:
            return
    missing = sorted(needed - used)
    if missing:
        hint = f" or a follow-up within {VALIDATION_NOTICE_DAYS} days" if template.jurisdiction == "US" else ""
        raise InvalidArgument(f"{law} requires {', '.join(missing)}{hint}", field="body")


def render_stored(template: StoredTemplate, values: dict[str, str]) -> str:
    """The text of a saved template; every variable it reads must be given."""
    missing = sorted(variables_of(template.body) - values.keys())
    if missing:
        raise InvalidArgument(f"no value for {', '.join(missing)}", field="variables")
    return _compiled(template.body).render(**values)


class TemplateStore(Protocol):
    """Where a tenant's templates are kept, every version."""

    async def save(self, template: StoredTemplate) -> StoredTemplate: ...
    async def latest(
        self, tenant: str, name: str, channel: str, locale: str, tone: str = ""
    ) -> StoredTemplate | None: ...
    async def list(self, tenant: str, all_versions: bool) -> list[StoredTemplate]: ...


_BR_FOOTER = "Credor: {{ creditor }}, {{ creditor_address }}, CNPJ/CPF {{ creditor_document }}."
DEFAULT_BODIES = {
    "pt-BR": (
        "Olá! {{ creditor }} informa que há um valor em aberto de {{ amount }}. "
        "Veja como ele se compõe em {{ breakdown_link }} e, quando for melhor para você, escolha como pagar "
        "em {{ portal_link }}. Se já pagou ou precisa de outra condição, é só nos dizer. " + _BR_FOOTER
    ),
    "en": (
        "Hello. {{ creditor }} would like to let you know that {{ amount }} is open "
        "on your account. You can see how it adds up at {{ breakdown_link }} and choose how to pay when it "
        "suits you at {{ portal_link }}. If you have already paid or need other terms, just tell us. "
        "{{ validation_notice }}"
    ),
    "es": (
        "Hola. {{ creditor }} le informa que hay un saldo pendiente de {{ amount }}. "
        "Puede ver su detalle en {{ breakdown_link }} y elegir cómo pagar cuando le convenga en "
        "{{ portal_link }}. Si ya pagó o necesita otras condiciones, díganos. "
        "Acreedor: {{ creditor }}, {{ creditor_address }}, documento {{ creditor_document }}."
    ),
}
_DEFAULT_JURISDICTION = {"pt-BR": "BR", "en": "US", "es": "BR"}


def defaults(tenant: str) -> list[StoredTemplate]:
    """The reminder every tenant starts with, per locale and channel; all pass check()."""
    return [
        check(
            StoredTemplate(
                tenant,
                "reminder",
                channel,
                locale,
                "reminder",
                _DEFAULT_JURISDICTION[locale],
                body,
                first_communication=True,
            )
        )
        for locale, body in DEFAULT_BODIES.items()
        for channel in CHANNELS
    ]


def default_for(tenant: str, channel: str, locale: str) -> StoredTemplate:
    """The built-in reminder for a channel and locale (pt-BR when the locale has none)."""
    body = DEFAULT_BODIES.get(locale, DEFAULT_BODIES["pt-BR"])
    locale = locale if locale in DEFAULT_BODIES else "pt-BR"
    return StoredTemplate(
        tenant, "reminder", channel, locale, "reminder", _DEFAULT_JURISDICTION[locale], body, first_communication=True
    )


class TemplateBook:
    """Validates, saves and lists a tenant's templates."""

    def __init__(self, store: TemplateStore) -> None:
        self._store = store

    @staticmethod
    def validate(template: StoredTemplate) -> list[str]:
        """The variables the template reads, when it may be saved; InvalidArgument otherwise."""
        return variables_in_order(check(template).body)

    async def save(self, template: StoredTemplate) -> StoredTemplate:
        """Saves a checked template as the next version of its key."""
        return await self._store.save(check(template))

    async def list(self, tenant: str, all_versions: bool) -> list[StoredTemplate]:
        """The tenant's templates: the newest of each key, or every version."""
        return await self._store.list(tenant, all_versions)
