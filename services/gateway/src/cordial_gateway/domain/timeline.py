"""How each event reads in a debt's timeline."""

from __future__ import annotations

from dataclasses import dataclass

from google.protobuf.message import Message

from cordial.events.v1 import actions_pb2, agreements_pb2, contacts_pb2, debts_pb2, messages_pb2, registry_pb2
from cordial.types.v1 import types_pb2
from cordial_core.events import own_message_kind

# The kinds of message messaging sends on its own, as the timeline names them.
OWN_KINDS = {
    messages_pb2.OWN_MESSAGE_KIND_OPT_OUT_CONFIRMATION: "opt_out_confirmation",
    messages_pb2.OWN_MESSAGE_KIND_VALIDATION_NOTICE: "validation_notice",
}
# What an entry kept before kinds were named was always an opt-out's confirmation.
FORMER_KIND = OWN_KINDS[messages_pb2.OWN_MESSAGE_KIND_OPT_OUT_CONFIRMATION]


@dataclass(frozen=True)
class SentMessage:
    """What a message's timeline entry keeps: its kind, where it went, the provider's id and its text."""

    message_id: str
    kind: str
    channel: str
    contact_point_id: str
    provider: str
    provider_message_id: str
    text: str
    # A validation notice's first communication.
    follows_message_id: str = ""


def channel_name(channel: int) -> str:
    """A channel as the timeline names it: sms, whatsapp ..."""
    return types_pb2.Channel.Name(channel).removeprefix("CHANNEL_").lower()


def delivery_state_name(state: int) -> str:
    """A delivery state as the timeline names it: delivered, read ..."""
    return messages_pb2.DeliveryState.Name(state).removeprefix("DELIVERY_STATE_").lower()


def own_message(payload: Message) -> messages_pb2.OwnMessageSent | None:
    """A message messaging sent on its own, from message.own_sent or from message.confirmation_sent (what messaging
    published for an opt-out's confirmation before own messages had kinds); None for any other payload."""
    if isinstance(payload, messages_pb2.OwnMessageSent):
        return payload
    if not isinstance(payload, messages_pb2.OptOutConfirmationSent):
        return None
    fields = {field.name: value for field, value in payload.ListFields()}
    return messages_pb2.OwnMessageSent(**fields, kind=messages_pb2.OWN_MESSAGE_KIND_OPT_OUT_CONFIRMATION)


def sent_message(payload: Message) -> SentMessage | None:
    """The message an event's entry keeps with its delivery states: one messaging sent on its own (an opt-out's
    confirmation, a validation notice); None for the rest."""
    own = own_message(payload)
    if own is None:
        return None
    return SentMessage(
        own.message_id,
        OWN_KINDS.get(own.kind, "unspecified"),
        channel_name(own.channel),
        own.contact_point_id,
        own.provider,
        own.provider_message_id,
        own.text,
        own.follows_message_id,
    )


def message_delivery(payload: Message) -> tuple[str, str] | None:
    """(message id, state) of a receipt whose message's entry keeps its states: one messaging sent on its own."""
    if not isinstance(payload, messages_pb2.MessageDeliveryUpdated) or not own_message_kind(payload):
        return None
    return payload.message_id, delivery_state_name(payload.state)


def _money(m: types_pb2.Money) -> str:
    return f"{m.amount_minor} {m.currency} (minor units)"


def subjects(subject: str, payload: Message) -> list[str]:
    """The debts an event belongs on: its subject, and every debt an agreement over several debts covers."""
    covered = list(getattr(payload, "debt_ids", []) or [])
    return list(dict.fromkeys([subject, *covered])) if subject else covered


def summarise(event_type: str, payload: Message) -> str:
    """One readable line per step; personal data stays out."""
    if isinstance(payload, debts_pb2.DebtPlaced):
        return f"debt placed by {payload.creditor_name} for {_money(payload.principal)}"
    if isinstance(payload, debts_pb2.PaymentReceived):
        balance = _money(payload.balance_after)
        return f"payment of {_money(payload.amount)} received from {payload.source}; balance {balance}"
    if isinstance(payload, debts_pb2.DebtSettled):
        return f"debt settled; {_money(payload.total_paid)} paid in total"
    if isinstance(payload, debts_pb2.DebtCollectionStarted):
        return "collection started"
    if isinstance(payload, debts_pb2.DebtRecalled):
        return f"debt recalled by the client{': ' + payload.reason if payload.reason else ''}"
    if isinstance(payload, debts_pb2.DebtWrittenOff):
        reason = f": {payload.reason}" if payload.reason else ""
        return f"debt written off with {_money(payload.balance)} outstanding{reason}"
    if isinstance(payload, debts_pb2.DebtAmountCorrected):
        previous, now = _money(payload.previous), _money(payload.principal)
        return f"principal corrected by the client from {previous} to {now}: {payload.reason}"
    if isinstance(payload, debts_pb2.DebtContactsAdded):
        count = len(payload.contact_points)
        return f"{count} contact point{'s' if count != 1 else ''} added by the client"
    if isinstance(payload, agreements_pb2.AgreementAccepted):
        plan = f"{payload.installments} installment{'s' if payload.installments > 1 else ''}"
        total = _money(payload.total)
        return f"offer {payload.offer_id} accepted: {total} in {plan}, first due {payload.first_due_date}"
    if isinstance(payload, agreements_pb2.AgreementActivated):
        return f"agreement {payload.agreement_id} active: down payment received"
    if isinstance(payload, agreements_pb2.AgreementInstallmentPaid):
        of = f"{payload.number} of {payload.installments}"
        return f"installment {of} paid in full: {_money(payload.amount)}, due {payload.due_date}"
    if isinstance(payload, agreements_pb2.AgreementBroken):
        return f"agreement broken: installment {payload.overdue_installment} due {payload.due_date} unpaid past grace"
    if isinstance(payload, agreements_pb2.AgreementSettled):
        return f"agreement settled; {_money(payload.total_paid)} paid in total"
    if isinstance(payload, agreements_pb2.AgreementProposed):
        plan = f"{payload.installments} installment{'s' if payload.installments > 1 else ''}"
        return (
            f"offer {payload.offer_id} proposed: {_money(payload.total)} in {plan}, valid until {payload.valid_until}"
        )
    if isinstance(payload, agreements_pb2.AgreementCancelled):
        return f"agreement {payload.agreement_id} cancelled: {payload.reason}"
    if isinstance(payload, agreements_pb2.PaymentUnapplied):
        where = f"charge {payload.txid}" if payload.txid else "the debt"
        return f"payment of {_money(payload.amount)} for {where} kept unapplied ({payload.reason}): {payload.detail}"
    if isinstance(payload, contacts_pb2.ContactVerified):
        channels = ", ".join(types_pb2.Channel.Name(c).removeprefix("CHANNEL_").lower() for c in payload.channels)
        return f"contact point verified for {channels}"
    if isinstance(payload, contacts_pb2.ContactRejected):
        return f"contact point rejected: {payload.reason}"
    if isinstance(payload, actions_pb2.ActionRequested):
        extra = "".join(
            f", {label} {value}" for label, value in (("tone", payload.tone), ("offer set", payload.offer_set)) if value
        )
        return f"step {payload.step} requested (template {payload.template}{extra}); allowed by {payload.policy_rule}"
    if isinstance(payload, actions_pb2.TreatmentStopped):
        return f"contact stopped: {payload.reason}"
    if isinstance(payload, actions_pb2.DecisionRecorded):
        until = f" until {payload.next_allowed_at.ToJsonString()}" if payload.HasField("next_allowed_at") else ""
        return f"step {payload.step} deferred{until} by {payload.rule}: {payload.explanation}"
    if (registry := _registry(payload)) is not None:
        return registry
    if isinstance(payload, messages_pb2.MessageSent):
        channel = types_pb2.Channel.Name(payload.channel).removeprefix("CHANNEL_").lower()
        return f"message sent by {channel} through {payload.provider} ({payload.provider_message_id})"
    if (own := own_message(payload)) is not None:
        return _own_summary(own)
    if isinstance(payload, messages_pb2.MessageFailed):
        return f"message not sent: {payload.reason}"
    if isinstance(payload, messages_pb2.MessageDeliveryUpdated):
        state = delivery_state_name(payload.state)
        suffix = f" (error {payload.error_code})" if payload.error_code else ""
        return f"message {payload.message_id} {state}{suffix}"
    if isinstance(payload, messages_pb2.ReplyReceived):
        intent = messages_pb2.ReplyIntent.Name(payload.intent).removeprefix("REPLY_INTENT_").lower().replace("_", " ")
        return f"debtor replied: {intent}"
    if isinstance(payload, contacts_pb2.ContactOptedOut):
        channel = types_pb2.Channel.Name(payload.channel).removeprefix("CHANNEL_").lower()
        return f"debtor opted out of {channel} ({payload.source})"
    return event_type


def _own_summary(own: messages_pb2.OwnMessageSent) -> str:
    """What messaging sent on its own, by which channel and provider, to which contact point."""
    via = f"by {channel_name(own.channel)} through {own.provider} ({own.provider_message_id})"
    where = f"at contact point {own.contact_point_id}"
    if own.kind == messages_pb2.OWN_MESSAGE_KIND_VALIDATION_NOTICE:
        return f"validation notice sent to the debtor {via} {where}, following message {own.follows_message_id}"
    return f"opt-out confirmed to the debtor {via} {where}"


def _kind(kind: int) -> str:
    return registry_pb2.EscalationKind.Name(kind).removeprefix("ESCALATION_KIND_").lower().replace("_", " ")


def _registry(payload: Message) -> str | None:
    """Escalation steps: bureau, protest registry and court; None for other events."""
    if isinstance(payload, registry_pb2.EscalationRequested):
        return f"escalation requested: {_kind(payload.kind)} (allowed by {payload.rule})"
    if isinstance(payload, registry_pb2.EscalationRefused):
        return f"escalation refused: {_kind(payload.kind)} ({payload.rule}: {payload.reason})"
    if isinstance(payload, registry_pb2.BureauNoticeConfirmed):
        return f"bureau prior notice confirmed; {payload.wait_days}-day waiting period starts"
    if isinstance(payload, registry_pb2.BureauInscribed):
        return "debt inscribed at the credit bureau"
    if isinstance(payload, registry_pb2.BureauRemoved):
        return f"credit-bureau inscription removed: debt {payload.reason or 'settled'}"
    if isinstance(payload, registry_pb2.ProtestNoticeSent):
        return f"protest registry notified the debtor; no protest before {payload.not_before.ToJsonString()}"
    if isinstance(payload, registry_pb2.ProtestRegistered):
        return "debt protested at the protest registry"
    if isinstance(payload, registry_pb2.ProtestCancelled):
        what = "protest cancelled" if payload.was_protested else "title withdrawn from the protest registry"
        if payload.reason == "agreement":
            return f"{what}: the debtor entered an agreement"
        return f"{what}: debt {payload.reason}"
    if isinstance(payload, registry_pb2.CourtFiled):
        return f"small-claims petition filed: case {payload.case_number}"
    return None
