import datetime

from cordial.types.v1 import types_pb2 as _types_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ListActionsRequest(_message.Message):
    __slots__ = ("debt_id",)
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    def __init__(self, debt_id: _Optional[str] = ...) -> None: ...

class Decision(_message.Message):
    __slots__ = ("allowed", "rule", "explanation", "decided_at", "time_zone", "values")
    class ValuesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ALLOWED_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    allowed: bool
    rule: str
    explanation: str
    decided_at: _timestamp_pb2.Timestamp
    time_zone: str
    values: _containers.ScalarMap[str, str]
    def __init__(self, allowed: _Optional[bool] = ..., rule: _Optional[str] = ..., explanation: _Optional[str] = ..., decided_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., time_zone: _Optional[str] = ..., values: _Optional[_Mapping[str, str]] = ...) -> None: ...

class Action(_message.Message):
    __slots__ = ("action_id", "debt_id", "step", "channels", "decision")
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    action_id: str
    debt_id: str
    step: str
    channels: _containers.RepeatedScalarFieldContainer[_types_pb2.Channel]
    decision: Decision
    def __init__(self, action_id: _Optional[str] = ..., debt_id: _Optional[str] = ..., step: _Optional[str] = ..., channels: _Optional[_Iterable[_Union[_types_pb2.Channel, str]]] = ..., decision: _Optional[_Union[Decision, _Mapping]] = ...) -> None: ...

class ListActionsResponse(_message.Message):
    __slots__ = ("actions", "stopped")
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    STOPPED_FIELD_NUMBER: _ClassVar[int]
    actions: _containers.RepeatedCompositeFieldContainer[Action]
    stopped: bool
    def __init__(self, actions: _Optional[_Iterable[_Union[Action, _Mapping]]] = ..., stopped: _Optional[bool] = ...) -> None: ...

class CheckContactRequest(_message.Message):
    __slots__ = ("debtor_id", "debt_id", "channel", "contact_point_id", "action_id")
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINT_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    debtor_id: str
    debt_id: str
    channel: _types_pb2.Channel
    contact_point_id: str
    action_id: str
    def __init__(self, debtor_id: _Optional[str] = ..., debt_id: _Optional[str] = ..., channel: _Optional[_Union[_types_pb2.Channel, str]] = ..., contact_point_id: _Optional[str] = ..., action_id: _Optional[str] = ...) -> None: ...

class CheckContactResponse(_message.Message):
    __slots__ = ("decision", "next_allowed_at")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    NEXT_ALLOWED_AT_FIELD_NUMBER: _ClassVar[int]
    decision: Decision
    next_allowed_at: _timestamp_pb2.Timestamp
    def __init__(self, decision: _Optional[_Union[Decision, _Mapping]] = ..., next_allowed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ExplainDecisionRequest(_message.Message):
    __slots__ = ("action_id",)
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    action_id: str
    def __init__(self, action_id: _Optional[str] = ...) -> None: ...

class ExplainDecisionResponse(_message.Message):
    __slots__ = ("action", "decisions")
    ACTION_FIELD_NUMBER: _ClassVar[int]
    DECISIONS_FIELD_NUMBER: _ClassVar[int]
    action: Action
    decisions: _containers.RepeatedCompositeFieldContainer[Decision]
    def __init__(self, action: _Optional[_Union[Action, _Mapping]] = ..., decisions: _Optional[_Iterable[_Union[Decision, _Mapping]]] = ...) -> None: ...
