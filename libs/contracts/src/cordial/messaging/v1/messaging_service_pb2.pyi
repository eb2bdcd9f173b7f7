import datetime

from cordial.events.v1 import messages_pb2 as _messages_pb2
from cordial.types.v1 import types_pb2 as _types_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class MessageState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MESSAGE_STATE_UNSPECIFIED: _ClassVar[MessageState]
    MESSAGE_STATE_PENDING: _ClassVar[MessageState]
    MESSAGE_STATE_SENT: _ClassVar[MessageState]
    MESSAGE_STATE_FAILED: _ClassVar[MessageState]
    MESSAGE_STATE_BLOCKED: _ClassVar[MessageState]
MESSAGE_STATE_UNSPECIFIED: MessageState
MESSAGE_STATE_PENDING: MessageState
MESSAGE_STATE_SENT: MessageState
MESSAGE_STATE_FAILED: MessageState
MESSAGE_STATE_BLOCKED: MessageState

class ListMessagesRequest(_message.Message):
    __slots__ = ("debt_id",)
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    def __init__(self, debt_id: _Optional[str] = ...) -> None: ...

class Message(_message.Message):
    __slots__ = ("message_id", "action_id", "debt_id", "channel", "state", "provider_message_id", "text", "sent_at", "reason")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    action_id: str
    debt_id: str
    channel: _types_pb2.Channel
    state: MessageState
    provider_message_id: str
    text: str
    sent_at: _timestamp_pb2.Timestamp
    reason: str
    def __init__(self, message_id: _Optional[str] = ..., action_id: _Optional[str] = ..., debt_id: _Optional[str] = ..., channel: _Optional[_Union[_types_pb2.Channel, str]] = ..., state: _Optional[_Union[MessageState, str]] = ..., provider_message_id: _Optional[str] = ..., text: _Optional[str] = ..., sent_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reason: _Optional[str] = ...) -> None: ...

class ListMessagesResponse(_message.Message):
    __slots__ = ("messages",)
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[Message]
    def __init__(self, messages: _Optional[_Iterable[_Union[Message, _Mapping]]] = ...) -> None: ...

class RecordDeliveryReceiptRequest(_message.Message):
    __slots__ = ("provider", "provider_message_id", "state", "error_code")
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    provider: str
    provider_message_id: str
    state: _messages_pb2.DeliveryState
    error_code: str
    def __init__(self, provider: _Optional[str] = ..., provider_message_id: _Optional[str] = ..., state: _Optional[_Union[_messages_pb2.DeliveryState, str]] = ..., error_code: _Optional[str] = ...) -> None: ...

class RecordDeliveryReceiptResponse(_message.Message):
    __slots__ = ("matched", "recorded")
    MATCHED_FIELD_NUMBER: _ClassVar[int]
    RECORDED_FIELD_NUMBER: _ClassVar[int]
    matched: bool
    recorded: bool
    def __init__(self, matched: _Optional[bool] = ..., recorded: _Optional[bool] = ...) -> None: ...

class RecordReplyRequest(_message.Message):
    __slots__ = ("channel", "provider", "provider_message_id", "sender", "text", "in_reply_to")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    SENDER_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    IN_REPLY_TO_FIELD_NUMBER: _ClassVar[int]
    channel: _types_pb2.Channel
    provider: str
    provider_message_id: str
    sender: str
    text: str
    in_reply_to: str
    def __init__(self, channel: _Optional[_Union[_types_pb2.Channel, str]] = ..., provider: _Optional[str] = ..., provider_message_id: _Optional[str] = ..., sender: _Optional[str] = ..., text: _Optional[str] = ..., in_reply_to: _Optional[str] = ...) -> None: ...

class RecordReplyResponse(_message.Message):
    __slots__ = ("matched", "intent", "confirmation_sent")
    MATCHED_FIELD_NUMBER: _ClassVar[int]
    INTENT_FIELD_NUMBER: _ClassVar[int]
    CONFIRMATION_SENT_FIELD_NUMBER: _ClassVar[int]
    matched: bool
    intent: _messages_pb2.ReplyIntent
    confirmation_sent: bool
    def __init__(self, matched: _Optional[bool] = ..., intent: _Optional[_Union[_messages_pb2.ReplyIntent, str]] = ..., confirmation_sent: _Optional[bool] = ...) -> None: ...

class Template(_message.Message):
    __slots__ = ("name", "channel", "locale", "tone", "jurisdiction", "body", "first_communication", "validation_notice_follows_in_days", "version", "created_at")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    TONE_FIELD_NUMBER: _ClassVar[int]
    JURISDICTION_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    FIRST_COMMUNICATION_FIELD_NUMBER: _ClassVar[int]
    VALIDATION_NOTICE_FOLLOWS_IN_DAYS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    name: str
    channel: _types_pb2.Channel
    locale: str
    tone: str
    jurisdiction: str
    body: str
    first_communication: bool
    validation_notice_follows_in_days: int
    version: int
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., channel: _Optional[_Union[_types_pb2.Channel, str]] = ..., locale: _Optional[str] = ..., tone: _Optional[str] = ..., jurisdiction: _Optional[str] = ..., body: _Optional[str] = ..., first_communication: _Optional[bool] = ..., validation_notice_follows_in_days: _Optional[int] = ..., version: _Optional[int] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ValidateTemplateRequest(_message.Message):
    __slots__ = ("template",)
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    template: Template
    def __init__(self, template: _Optional[_Union[Template, _Mapping]] = ...) -> None: ...

class ValidateTemplateResponse(_message.Message):
    __slots__ = ("variables",)
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    variables: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, variables: _Optional[_Iterable[str]] = ...) -> None: ...

class SaveTemplateRequest(_message.Message):
    __slots__ = ("template",)
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    template: Template
    def __init__(self, template: _Optional[_Union[Template, _Mapping]] = ...) -> None: ...

class SaveTemplateResponse(_message.Message):
    __slots__ = ("template",)
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    template: Template
    def __init__(self, template: _Optional[_Union[Template, _Mapping]] = ...) -> None: ...

class ListTemplatesRequest(_message.Message):
    __slots__ = ("all_versions",)
    ALL_VERSIONS_FIELD_NUMBER: _ClassVar[int]
    all_versions: bool
    def __init__(self, all_versions: _Optional[bool] = ...) -> None: ...

class ListTemplatesResponse(_message.Message):
    __slots__ = ("templates",)
    TEMPLATES_FIELD_NUMBER: _ClassVar[int]
    templates: _containers.RepeatedCompositeFieldContainer[Template]
    def __init__(self, templates: _Optional[_Iterable[_Union[Template, _Mapping]]] = ...) -> None: ...

class Creditor(_message.Message):
    __slots__ = ("name", "address", "document")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    name: str
    address: str
    document: str
    def __init__(self, name: _Optional[str] = ..., address: _Optional[str] = ..., document: _Optional[str] = ...) -> None: ...

class SetCreditorRequest(_message.Message):
    __slots__ = ("creditor",)
    CREDITOR_FIELD_NUMBER: _ClassVar[int]
    creditor: Creditor
    def __init__(self, creditor: _Optional[_Union[Creditor, _Mapping]] = ...) -> None: ...

class SetCreditorResponse(_message.Message):
    __slots__ = ("creditor",)
    CREDITOR_FIELD_NUMBER: _ClassVar[int]
    creditor: Creditor
    def __init__(self, creditor: _Optional[_Union[Creditor, _Mapping]] = ...) -> None: ...

class ListAuditEntriesRequest(_message.Message):
    __slots__ = ("debt_id", "debtor_id")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    debtor_id: str
    def __init__(self, debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ...) -> None: ...

class AuditEntry(_message.Message):
    __slots__ = ("entry_id", "message_id", "debt_id", "debtor_id", "kind", "channel", "contact_point_id", "to", "provider", "provider_message_id", "text", "template", "template_version", "delivery_state", "error_code", "at", "reason")
    ENTRY_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINT_ID_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_VERSION_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_STATE_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    entry_id: str
    message_id: str
    debt_id: str
    debtor_id: str
    kind: str
    channel: _types_pb2.Channel
    contact_point_id: str
    to: str
    provider: str
    provider_message_id: str
    text: str
    template: str
    template_version: int
    delivery_state: _messages_pb2.DeliveryState
    error_code: str
    at: _timestamp_pb2.Timestamp
    reason: str
    def __init__(self, entry_id: _Optional[str] = ..., message_id: _Optional[str] = ..., debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., kind: _Optional[str] = ..., channel: _Optional[_Union[_types_pb2.Channel, str]] = ..., contact_point_id: _Optional[str] = ..., to: _Optional[str] = ..., provider: _Optional[str] = ..., provider_message_id: _Optional[str] = ..., text: _Optional[str] = ..., template: _Optional[str] = ..., template_version: _Optional[int] = ..., delivery_state: _Optional[_Union[_messages_pb2.DeliveryState, str]] = ..., error_code: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reason: _Optional[str] = ...) -> None: ...

class ListAuditEntriesResponse(_message.Message):
    __slots__ = ("entries",)
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[AuditEntry]
    def __init__(self, entries: _Optional[_Iterable[_Union[AuditEntry, _Mapping]]] = ...) -> None: ...
