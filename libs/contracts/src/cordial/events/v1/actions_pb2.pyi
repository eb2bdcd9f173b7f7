import datetime

from cordial.types.v1 import types_pb2 as _types_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ActionRequested(_message.Message):
    __slots__ = ("action_id", "debt_id", "debtor_id", "step", "channels", "template", "balance", "creditor_name", "time_zone", "policy_rule", "tone", "locale", "offer_set", "installment_counts")
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    CREDITOR_NAME_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    POLICY_RULE_FIELD_NUMBER: _ClassVar[int]
    TONE_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    OFFER_SET_FIELD_NUMBER: _ClassVar[int]
    INSTALLMENT_COUNTS_FIELD_NUMBER: _ClassVar[int]
    action_id: str
    debt_id: str
    debtor_id: str
    step: str
    channels: _containers.RepeatedScalarFieldContainer[_types_pb2.Channel]
    template: str
    balance: _types_pb2.Money
    creditor_name: str
    time_zone: str
    policy_rule: str
    tone: str
    locale: str
    offer_set: str
    installment_counts: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, action_id: _Optional[str] = ..., debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., step: _Optional[str] = ..., channels: _Optional[_Iterable[_Union[_types_pb2.Channel, str]]] = ..., template: _Optional[str] = ..., balance: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., creditor_name: _Optional[str] = ..., time_zone: _Optional[str] = ..., policy_rule: _Optional[str] = ..., tone: _Optional[str] = ..., locale: _Optional[str] = ..., offer_set: _Optional[str] = ..., installment_counts: _Optional[_Iterable[int]] = ...) -> None: ...

class TreatmentStopped(_message.Message):
    __slots__ = ("debt_id", "debtor_id", "reason")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    debtor_id: str
    reason: str
    def __init__(self, debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class DecisionRecorded(_message.Message):
    __slots__ = ("debt_id", "debtor_id", "step", "action_id", "allowed", "rule", "explanation", "next_allowed_at")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    NEXT_ALLOWED_AT_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    debtor_id: str
    step: str
    action_id: str
    allowed: bool
    rule: str
    explanation: str
    next_allowed_at: _timestamp_pb2.Timestamp
    def __init__(self, debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., step: _Optional[str] = ..., action_id: _Optional[str] = ..., allowed: _Optional[bool] = ..., rule: _Optional[str] = ..., explanation: _Optional[str] = ..., next_allowed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
