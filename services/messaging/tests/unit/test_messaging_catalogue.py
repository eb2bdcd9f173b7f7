"""Templates are checked when saved: variables, tone, locale and the jurisdiction's disclosures."""

from __future__ import annotations

import re

import pytest
from jinja2.exceptions import SecurityError

from cordial_core.errors import InvalidArgument
from cordial_messaging.domain.catalogue import (
    CHANNELS,
    DEFAULT_BODIES,
    LOCALES,
    StoredTemplate,
    check,
    default_for,
    defaults,
    render_stored,
    variables_in_order,
)

BR_OK = (
    "{{ creditor }} lembra: {{ amount }} em aberto, detalhes em {{ portal_link }}. "
    "{{ creditor }}, {{ creditor_address }}, CNPJ {{ creditor_document }}."
)


def _template(body: str = BR_OK, **overrides: object) -> StoredTemplate:
    fields: dict[str, object] = {
        "tenant": "t1",
        "name": "reminder",
        "channel": "whatsapp",
        "locale": "pt-BR",
        "tone": "reminder",
        "jurisdiction": "BR",
        "body": body,
    }
    fields.update(overrides)
    return StoredTemplate(**fields)  # type: ignore[arg-type]


def _refusal(template: StoredTemplate) -> InvalidArgument:
    with pytest.raises(InvalidArgument) as caught:
        check(template)
    return caught.value


def test_a_complete_brazilian_template_is_accepted() -> None:
    assert check(_template()) == _template()


def test_unknown_variables_are_refused_by_name() -> None:
    error = _refusal(_template(BR_OK + " {{ cpf_do_devedor }} {{ saldo }}"))
    assert error.field == "body"
    assert "cpf_do_devedor" in str(error)
    assert "saldo" in str(error)


def test_missing_required_variables_are_named() -> None:
    error = _refusal(_template("{{ creditor }} {{ creditor_address }} {{ creditor_document }}"))
    assert "amount" in str(error)
    assert "portal_link" in str(error)


def test_brazil_requires_the_creditor_address_and_document() -> None:
    error = _refusal(_template("{{ creditor }}: {{ amount }} em {{ portal_link }}"))
    assert "CDC art. 42-A" in str(error)
    assert "creditor_address" in str(error)
    assert "creditor_document" in str(error)


def test_us_first_communication_carries_the_validation_notice_or_it_follows_within_5_days() -> None:
    body = "{{ creditor }}: {{ amount }} at {{ portal_link }}"
    us = {"jurisdiction": "US", "locale": "en"}
    assert "validation_notice" in str(_refusal(_template(body, first_communication=True, **us)))
    assert check(_template(body + " {{ validation_notice }}", first_communication=True, **us))
    assert check(_template(body, first_communication=True, validation_notice_follows_in_days=5, **us))
    assert "validation_notice" in str(
        _refusal(_template(body, first_communication=True, validation_notice_follows_in_days=6, **us))
    )
    assert check(_template(body, **us))  # a later communication
    # The notice follows on the same channel, in writing: a call cannot declare it.
    spoken = _refusal(
        _template(body, channel="voice", first_communication=True, validation_notice_follows_in_days=3, **us)
    )
    assert spoken.field == "validation_notice_follows_in_days"


@pytest.mark.parametrize(
    ("field", "value"), [("tone", "angry"), ("locale", "fr"), ("jurisdiction", "MX"), ("channel", "fax")]
)
def test_tone_locale_jurisdiction_and_channel_are_checked(field: str, value: str) -> None:
    assert _refusal(_template(**{field: value})).field == field


def test_a_template_cannot_reach_outside_the_sandbox() -> None:
    template = _template(BR_OK + " {{ creditor.__class__.__mro__ }}")
    values = dict.fromkeys(["creditor", "amount", "portal_link", "creditor_address", "creditor_document"], "x")
    with pytest.raises(SecurityError):
        render_stored(check(template), values)


def test_defaults_exist_per_locale_and_pass_their_own_checks() -> None:
    made = defaults("t1")
    assert {t.locale for t in made} == {"pt-BR", "en", "es"}
    assert all(t.tone == "reminder" for t in made)


# Words that turn a reminder into a threat, in the three locales.
THREATS = re.compile(
    r"\b(processo|process(ar|aremos)|pris[aã]o|pol[ií]cia|penhor|negativa|ameaç|"
    r"sue|lawsuit|arrest|police|jail|garnish|seize|threat|"
    r"demanda|embarg|c[aá]rcel|polic[ií]a|amenaz)\w*",
    re.IGNORECASE,
)


@pytest.mark.parametrize("locale", sorted(DEFAULT_BODIES))
def test_defaults_never_threaten(locale: str) -> None:
    body = DEFAULT_BODIES[locale]
    assert not THREATS.findall(body), THREATS.findall(body)


def test_defaults_name_the_creditor_amount_breakdown_and_portal() -> None:
    for body in DEFAULT_BODIES.values():
        for variable in ("creditor", "amount", "breakdown_link", "portal_link"):
            assert "{{ " + variable + " }}" in body


def test_variables_come_in_the_order_they_first_appear() -> None:
    body = "{{ amount }} {{ creditor }} {{ amount }} {% if portal_link %}{{ portal_link }}{% endif %}"
    assert variables_in_order(body) == ["amount", "creditor", "portal_link"]


def test_there_is_a_default_for_every_channel_and_locale_and_pt_br_for_others() -> None:
    made = defaults("t1")
    assert {(t.channel, t.locale) for t in made} == {(c, loc) for c in CHANNELS for loc in LOCALES}
    assert default_for("t1", "sms", "fr").locale == "pt-BR"
    assert default_for("t1", "sms", "en").jurisdiction == "US"


def test_the_debtors_name_is_not_a_variable_the_platform_provides() -> None:
    error = _refusal(_template(BR_OK + " {{ debtor_first_name }}"))
    assert "debtor_first_name" in str(error)
