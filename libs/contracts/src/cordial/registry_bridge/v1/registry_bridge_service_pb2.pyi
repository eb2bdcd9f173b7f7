from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CaseState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CASE_STATE_UNSPECIFIED: _ClassVar[CaseState]
    CASE_STATE_OPEN: _ClassVar[CaseState]
    CASE_STATE_CLOSED: _ClassVar[CaseState]
CASE_STATE_UNSPECIFIED: CaseState
CASE_STATE_OPEN: CaseState
CASE_STATE_CLOSED: CaseState

class GetCaseRequest(_message.Message):
    __slots__ = ("debt_id",)
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    def __init__(self, debt_id: _Optional[str] = ...) -> None: ...

class Case(_message.Message):
    __slots__ = ("debt_id", "state", "reason")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    state: CaseState
    reason: str
    def __init__(self, debt_id: _Optional[str] = ..., state: _Optional[_Union[CaseState, str]] = ..., reason: _Optional[str] = ...) -> None: ...

class GetCaseResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: Case
    def __init__(self, case: _Optional[_Union[Case, _Mapping]] = ...) -> None: ...
