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
