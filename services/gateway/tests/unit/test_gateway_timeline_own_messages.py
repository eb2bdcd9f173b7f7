"""How the timeline reads what messaging sends on its own: a validation notice's entry keeps its kind, text, contact
point, provider id and the first communication it follows; a confirmation in the shape before kinds reads as one of
kind opt_out_confirmation; only such messages' receipts reach their entry."""

from __future__ import annotations

from cordial.events.v1 import messages_pb2
from cordial.types.v1 import types_pb2
from cordial_gateway.domain.timeline import SentMessage, message_delivery, sent_message, summarise

NOTICE = messages_pb2.OwnMessageSent(
    message_id="n1",
    debt_id="d1",
    debtor_id="p1",
    channel=types_pb2.CHANNEL_SMS,
    contact_point_id="cp2",
    provider="twilio",
    provider_message_id="SM1",
    text="This is a communication from a debt collector",
    kind=messages_pb2.OWN_MESSAGE_KIND_VALIDATION_NOTICE,
    follows_message_id="a1",
)


def test_a_validation_notice_is_an_entry_with_its_text_contact_point_provider_id_and_first_communication() -> None:
    assert sent_message(NOTICE) == SentMessage(
        "n1", "validation_notice", "sms", "cp2", "twilio", "SM1", "This is a communication from a debt collector", "a1"
    )
    assert summarise("message.own_sent", NOTICE) == (
        "validation notice sent to the debtor by sms through twilio (SM1) at contact point cp2, following message a1"
    )


def test_a_confirmation_published_before_kinds_reads_as_an_opt_out_confirmation() -> None:
    confirmed = messages_pb2.OptOutConfirmationSent(
        message_id="c1",
        channel=types_pb2.CHANNEL_WHATSAPP,
        contact_point_id="cp1",
        provider="whatsapp-cloud",
        provider_message_id="wamid.c1",
        text="Pronto",
    )
    assert sent_message(confirmed) == SentMessage(
        "c1", "opt_out_confirmation", "whatsapp", "cp1", "whatsapp-cloud", "wamid.c1", "Pronto"
    )
    assert summarise("message.confirmation_sent", confirmed) == (
        "opt-out confirmed to the debtor by whatsapp through whatsapp-cloud (wamid.c1) at contact point cp1"
    )


def test_only_the_receipts_of_messages_sent_on_their_own_reach_their_entry() -> None:
    read = messages_pb2.DELIVERY_STATE_READ
    notice_receipt = messages_pb2.MessageDeliveryUpdated(
        message_id="n1", state=read, own_kind=messages_pb2.OWN_MESSAGE_KIND_VALIDATION_NOTICE
    )
    former = messages_pb2.MessageDeliveryUpdated(message_id="c1", state=read, confirmation=True)
    ordinary = messages_pb2.MessageDeliveryUpdated(message_id="m1", state=read)
    assert message_delivery(notice_receipt) == ("n1", "read")
    assert message_delivery(former) == ("c1", "read")
    assert message_delivery(ordinary) is None
    assert sent_message(messages_pb2.MessageSent(message_id="m1")) is None
