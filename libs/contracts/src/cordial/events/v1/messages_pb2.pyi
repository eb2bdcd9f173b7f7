from cordial.types.v1 import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DeliveryState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DELIVERY_STATE_UNSPECIFIED: _ClassVar[DeliveryState]
    DELIVERY_STATE_DELIVERED: _ClassVar[DeliveryState]
    DELIVERY_STATE_READ: _ClassVar[DeliveryState]
    DELIVERY_STATE_FAILED: _ClassVar[DeliveryState]
    DELIVERY_STATE_BOUNCED: _ClassVar[DeliveryState]

class OwnMessageKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OWN_MESSAGE_KIND_UNSPECIFIED: _ClassVar[OwnMessageKind]
    OWN_MESSAGE_KIND_OPT_OUT_CONFIRMATION: _ClassVar[OwnMessageKind]
    OWN_MESSAGE_KIND_VALIDATION_NOTICE: _ClassVar[OwnMessageKind]

class ReplyIntent(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REPLY_INTENT_UNSPECIFIED: _ClassVar[ReplyIntent]
    REPLY_INTENT_OTHER: _ClassVar[ReplyIntent]
    REPLY_INTENT_ALREADY_PAID: _ClassVar[ReplyIntent]
    REPLY_INTENT_NOT_ME: _ClassVar[ReplyIntent]
    REPLY_INTENT_CANNOT_PAY_NOW: _ClassVar[ReplyIntent]
    REPLY_INTENT_OPT_OUT: _ClassVar[ReplyIntent]
    REPLY_INTENT_DISPUTE: _ClassVar[ReplyIntent]
    REPLY_INTENT_PREFERS_CHANNEL: _ClassVar[ReplyIntent]
DELIVERY_STATE_UNSPECIFIED: DeliveryState
DELIVERY_STATE_DELIVERED: DeliveryState
DELIVERY_STATE_READ: DeliveryState
DELIVERY_STATE_FAILED: DeliveryState
DELIVERY_STATE_BOUNCED: DeliveryState
OWN_MESSAGE_KIND_UNSPECIFIED: OwnMessageKind
OWN_MESSAGE_KIND_OPT_OUT_CONFIRMATION: OwnMessageKind
OWN_MESSAGE_KIND_VALIDATION_NOTICE: OwnMessageKind
REPLY_INTENT_UNSPECIFIED: ReplyIntent
REPLY_INTENT_OTHER: ReplyIntent
REPLY_INTENT_ALREADY_PAID: ReplyIntent
REPLY_INTENT_NOT_ME: ReplyIntent
REPLY_INTENT_CANNOT_PAY_NOW: ReplyIntent
REPLY_INTENT_OPT_OUT: ReplyIntent
REPLY_INTENT_DISPUTE: ReplyIntent
REPLY_INTENT_PREFERS_CHANNEL: ReplyIntent

class MessageSent(_message.Message):
    __slots__ = ("message_id", "action_id", "debt_id", "debtor_id", "channel", "contact_point_id", "provider", "provider_message_id")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINT_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    action_id: str
    debt_id: str
    debtor_id: str
    channel: _types_pb2.Channel
    contact_point_id: str
    provider: str
    provider_message_id: str
    def __init__(self, message_id: _Optional[str] = ..., action_id: _Optional[str] = ..., debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., channel: _Optional[_Union[_types_pb2.Channel, str]] = ..., contact_point_id: _Optional[str] = ..., provider: _Optional[str] = ..., provider_message_id: _Optional[str] = ...) -> None: ...

class MessageFailed(_message.Message):
    __slots__ = ("message_id", "action_id", "debt_id", "debtor_id", "reason")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    action_id: str
    debt_id: str
    debtor_id: str
    reason: str
    def __init__(self, message_id: _Optional[str] = ..., action_id: _Optional[str] = ..., debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class MessageDeliveryUpdated(_message.Message):
    __slots__ = ("message_id", "debt_id", "debtor_id", "channel", "contact_point_id", "state", "error_code", "provider_message_id", "confirmation", "own_kind")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINT_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    CONFIRMATION_FIELD_NUMBER: _ClassVar[int]
    OWN_KIND_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    debt_id: str
    debtor_id: str
    channel: _types_pb2.Channel
    contact_point_id: str
    state: DeliveryState
    error_code: str
    provider_message_id: str
    confirmation: bool
    own_kind: OwnMessageKind
    def __init__(self, message_id: _Optional[str] = ..., debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., channel: _Optional[_Union[_types_pb2.Channel, str]] = ..., contact_point_id: _Optional[str] = ..., state: _Optional[_Union[DeliveryState, str]] = ..., error_code: _Optional[str] = ..., provider_message_id: _Optional[str] = ..., confirmation: _Optional[bool] = ..., own_kind: _Optional[_Union[OwnMessageKind, str]] = ...) -> None: ...

class OwnMessageSent(_message.Message):
    __slots__ = ("message_id", "debt_id", "debtor_id", "channel", "contact_point_id", "provider", "provider_message_id", "text", "kind", "follows_message_id")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINT_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    FOLLOWS_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    debt_id: str
    debtor_id: str
    channel: _types_pb2.Channel
    contact_point_id: str
    provider: str
    provider_message_id: str
    text: str
    kind: OwnMessageKind
    follows_message_id: str
    def __init__(self, message_id: _Optional[str] = ..., debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., channel: _Optional[_Union[_types_pb2.Channel, str]] = ..., contact_point_id: _Optional[str] = ..., provider: _Optional[str] = ..., provider_message_id: _Optional[str] = ..., text: _Optional[str] = ..., kind: _Optional[_Union[OwnMessageKind, str]] = ..., follows_message_id: _Optional[str] = ...) -> None: ...

class OptOutConfirmationSent(_message.Message):
    __slots__ = ("message_id", "debt_id", "debtor_id", "channel", "contact_point_id", "provider", "provider_message_id", "text")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINT_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    debt_id: str
    debtor_id: str
    channel: _types_pb2.Channel
    contact_point_id: str
    provider: str
    provider_message_id: str
    text: str
    def __init__(self, message_id: _Optional[str] = ..., debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., channel: _Optional[_Union[_types_pb2.Channel, str]] = ..., contact_point_id: _Optional[str] = ..., provider: _Optional[str] = ..., provider_message_id: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class ReplyReceived(_message.Message):
    __slots__ = ("debtor_id", "debt_id", "channel", "contact_point_id", "intent", "preferred_channel", "offered_contacts")
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINT_ID_FIELD_NUMBER: _ClassVar[int]
    INTENT_FIELD_NUMBER: _ClassVar[int]
    PREFERRED_CHANNEL_FIELD_NUMBER: _ClassVar[int]
    OFFERED_CONTACTS_FIELD_NUMBER: _ClassVar[int]
    debtor_id: str
    debt_id: str
    channel: _types_pb2.Channel
    contact_point_id: str
    intent: ReplyIntent
    preferred_channel: _types_pb2.Channel
    offered_contacts: _containers.RepeatedCompositeFieldContainer[_types_pb2.ContactPointInput]
    def __init__(self, debtor_id: _Optional[str] = ..., debt_id: _Optional[str] = ..., channel: _Optional[_Union[_types_pb2.Channel, str]] = ..., contact_point_id: _Optional[str] = ..., intent: _Optional[_Union[ReplyIntent, str]] = ..., preferred_channel: _Optional[_Union[_types_pb2.Channel, str]] = ..., offered_contacts: _Optional[_Iterable[_Union[_types_pb2.ContactPointInput, _Mapping]]] = ...) -> None: ...
