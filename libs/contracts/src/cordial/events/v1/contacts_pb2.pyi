from cordial.types.v1 import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ContactVerified(_message.Message):
    __slots__ = ("debt_id", "debtor_id", "contact_point_id", "kind", "channels")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    debtor_id: str
    contact_point_id: str
    kind: _types_pb2.ContactKind
    channels: _containers.RepeatedScalarFieldContainer[_types_pb2.Channel]
    def __init__(self, debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., contact_point_id: _Optional[str] = ..., kind: _Optional[_Union[_types_pb2.ContactKind, str]] = ..., channels: _Optional[_Iterable[_Union[_types_pb2.Channel, str]]] = ...) -> None: ...

class ContactRejected(_message.Message):
    __slots__ = ("debt_id", "debtor_id", "contact_point_id", "kind", "reason")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    debtor_id: str
    contact_point_id: str
    kind: _types_pb2.ContactKind
    reason: str
    def __init__(self, debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., contact_point_id: _Optional[str] = ..., kind: _Optional[_Union[_types_pb2.ContactKind, str]] = ..., reason: _Optional[str] = ...) -> None: ...

class ContactOptedOut(_message.Message):
    __slots__ = ("debtor_id", "channel", "contact_point_id", "source")
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINT_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    debtor_id: str
    channel: _types_pb2.Channel
    contact_point_id: str
    source: str
    def __init__(self, debtor_id: _Optional[str] = ..., channel: _Optional[_Union[_types_pb2.Channel, str]] = ..., contact_point_id: _Optional[str] = ..., source: _Optional[str] = ...) -> None: ...
