"""Templates and audit entries between their protobuf messages and the domain."""

from __future__ import annotations

from cordial.messaging.v1 import messaging_service_pb2 as pb
from cordial.types.v1 import types_pb2
from cordial_messaging.domain.audit import AuditEntry
from cordial_messaging.domain.catalogue import StoredTemplate
from cordial_messaging.domain.composer import CHANNEL_NAMES

_CHANNELS = {name: number for number, name in CHANNEL_NAMES.items()}


def stored_template(tenant: str, template: pb.Template) -> StoredTemplate:
    """The domain template of a request; an unknown channel is left for check() to name."""
    return StoredTemplate(
        tenant=tenant,
        name=template.name,
        channel=CHANNEL_NAMES.get(template.channel, ""),
        locale=template.locale,
        tone=template.tone,
        jurisdiction=template.jurisdiction,
        body=template.body,
        first_communication=template.first_communication,
        validation_notice_follows_in_days=template.validation_notice_follows_in_days,
    )


def template_pb(template: StoredTemplate) -> pb.Template:
    """The protobuf of a stored template."""
    message = pb.Template(
        name=template.name,
        channel=_CHANNELS.get(template.channel, types_pb2.CHANNEL_UNSPECIFIED),
        locale=template.locale,
        tone=template.tone,
        jurisdiction=template.jurisdiction,
        body=template.body,
        first_communication=template.first_communication,
        validation_notice_follows_in_days=template.validation_notice_follows_in_days,
        version=template.version,
    )
    if template.created_at is not None:
        message.created_at.FromDatetime(template.created_at)
    return message


def audit_entry_pb(entry: AuditEntry) -> pb.AuditEntry:
    """The protobuf of an audit entry."""
    message = pb.AuditEntry(
        entry_id=entry.id,
        message_id=entry.message_id,
        debt_id=entry.debt_id,
        debtor_id=entry.debtor_id,
        kind=entry.kind,
        channel=entry.channel,
        contact_point_id=entry.contact_point_id,
        to=entry.to,
        provider=entry.provider,
        provider_message_id=entry.provider_message_id,
        text=entry.text,
        template=entry.template,
        template_version=entry.template_version,
        delivery_state=entry.delivery_state,
        error_code=entry.error_code,
        reason=entry.reason,
    )
    message.at.FromDatetime(entry.at)
    return message
