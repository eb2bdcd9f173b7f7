from cordial.types.v1 import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetContactPlanRequest(_message.Message):
    __slots__ = ("debtor_id", "channels")
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    debtor_id: str
    channels: _containers.RepeatedScalarFieldContainer[_types_pb2.Channel]
    def __init__(self, debtor_id: _Optional[str] = ..., channels: _Optional[_Iterable[_Union[_types_pb2.Channel, str]]] = ...) -> None: ...

class PlannedContact(_message.Message):
    __slots__ = ("contact_point_id", "channel", "address", "score", "reason")
    CONTACT_POINT_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    contact_point_id: str
    channel: _types_pb2.Channel
    address: str
    score: float
    reason: str
    def __init__(self, contact_point_id: _Optional[str] = ..., channel: _Optional[_Union[_types_pb2.Channel, str]] = ..., address: _Optional[str] = ..., score: _Optional[float] = ..., reason: _Optional[str] = ...) -> None: ...

class GetContactPlanResponse(_message.Message):
    __slots__ = ("contacts",)
    CONTACTS_FIELD_NUMBER: _ClassVar[int]
    contacts: _containers.RepeatedCompositeFieldContainer[PlannedContact]
    def __init__(self, contacts: _Optional[_Iterable[_Union[PlannedContact, _Mapping]]] = ...) -> None: ...
