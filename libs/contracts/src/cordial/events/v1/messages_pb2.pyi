from cordial.types.v1 import types_pb2 as _types_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

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
