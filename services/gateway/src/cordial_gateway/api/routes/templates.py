"""Agency API for message templates and the creditor identity messages disclose.

`scope` is a client id, or `default` for the agency's templates (used when a client has none of its own).
What a template may say is checked by messaging: a refusal is a 422 naming the field and the reason.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field

from cordial.messaging.v1 import messaging_service_pb2 as pb
from cordial.types.v1 import types_pb2
from cordial_gateway.adapters.clients import Client
from cordial_gateway.api.deps import BackendsDep, Correlation, call_metadata, require_admin

router = APIRouter(prefix="/agency/v1", tags=["templates"], dependencies=[Depends(require_admin)])
DEFAULT = "default"
AGENCY_TENANT = "_agency"
Scope = Annotated[str, Path(min_length=1, max_length=64, description="a client id, or 'default'")]
CHANNELS = {
    "sms": types_pb2.CHANNEL_SMS,
    "whatsapp": types_pb2.CHANNEL_WHATSAPP,
    "email": types_pb2.CHANNEL_EMAIL,
    "voice": types_pb2.CHANNEL_VOICE,
    "letter": types_pb2.CHANNEL_LETTER,
}
CHANNEL_NAMES = {number: name for name, number in CHANNELS.items()}


class Strict(BaseModel):
    """Unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class TemplateIn(Strict):
    """A template: its name, channel, locale, tone, jurisdiction and Jinja body."""

    name: str = Field(min_length=1, max_length=60, pattern=r"^[a-z0-9_]+$")
    channel: str = Field(description="sms, whatsapp, email, voice or letter")
    locale: str = Field(description="pt-BR, en or es")
    tone: str = Field(description="reminder, friendly, formal or legal_notice")
    jurisdiction: str = Field(description="BR or US")
    body: str = Field(min_length=1, max_length=4000)
    first_communication: bool = False
    validation_notice_follows_in_days: int = Field(default=-1, ge=-1, le=365)


class CreditorIn(Strict):
    """The creditor as messages name it (CDC art. 42-A: name, address and CPF or CNPJ)."""

    name: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=1, max_length=300)
    document: str = Field(min_length=1, max_length=40)


def _metadata(scope: str, correlation: str | None = None) -> list[tuple[str, str]]:
    return call_metadata(Client(AGENCY_TENANT if scope == DEFAULT else scope, ""), correlation)


def _template(body: TemplateIn) -> pb.Template:
    fields = body.model_dump()
    channel = CHANNELS.get(fields.pop("channel"), types_pb2.CHANNEL_UNSPECIFIED)
    return pb.Template(channel=channel, **fields)


def template_out(template: pb.Template) -> dict[str, Any]:
    """A template as the API shows it."""
    return {
        "name": template.name,
        "channel": CHANNEL_NAMES.get(template.channel, ""),
        "locale": template.locale,
        "tone": template.tone,
        "jurisdiction": template.jurisdiction,
        "body": template.body,
        "first_communication": template.first_communication,
        "validation_notice_follows_in_days": template.validation_notice_follows_in_days,
        "version": template.version,
        "created_at": template.created_at.ToDatetime().isoformat() + "Z" if template.HasField("created_at") else None,
    }


@router.post("/templates/{scope}/validate")
async def validate_template(scope: Scope, body: TemplateIn, wired: BackendsDep) -> dict[str, Any]:
    """Checks a template without saving it; the variables it uses."""
    request = pb.ValidateTemplateRequest(template=_template(body))
    reply = await wired.messaging_stub().ValidateTemplate(request, metadata=_metadata(scope))
    return {"valid": True, "variables": list(reply.variables)}


@router.post("/templates/{scope}", status_code=201)
async def save_template(
    scope: Scope, body: TemplateIn, wired: BackendsDep, correlation: Correlation = None
) -> dict[str, Any]:
    """Saves the template as the next version of its name, channel and locale."""
    request = pb.SaveTemplateRequest(template=_template(body))
    reply = await wired.messaging_stub().SaveTemplate(request, metadata=_metadata(scope, correlation))
    return template_out(reply.template)


@router.get("/templates/{scope}")
async def list_templates(scope: Scope, wired: BackendsDep, all_versions: bool = False) -> dict[str, Any]:
    """The newest version of each template, or every version."""
    request = pb.ListTemplatesRequest(all_versions=all_versions)
    reply = await wired.messaging_stub().ListTemplates(request, metadata=_metadata(scope))
    return {"templates": [template_out(t) for t in reply.templates]}


@router.put("/clients/{client_id}/creditor")
async def set_creditor(
    client_id: str, body: CreditorIn, wired: BackendsDep, correlation: Correlation = None
) -> dict[str, str]:
    """Sets the creditor's name, address and document that every message of this client discloses."""
    request = pb.SetCreditorRequest(creditor=pb.Creditor(**body.model_dump()))
    reply = await wired.messaging_stub().SetCreditor(
        request, metadata=call_metadata(Client(client_id, ""), correlation)
    )
    return {"name": reply.creditor.name, "address": reply.creditor.address, "document": reply.creditor.document}
