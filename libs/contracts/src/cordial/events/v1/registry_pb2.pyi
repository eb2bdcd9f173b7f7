import datetime

from cordial.types.v1 import types_pb2 as _types_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EscalationKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ESCALATION_KIND_UNSPECIFIED: _ClassVar[EscalationKind]
    ESCALATION_KIND_PRIOR_NOTICE: _ClassVar[EscalationKind]
    ESCALATION_KIND_INSCRIPTION: _ClassVar[EscalationKind]
    ESCALATION_KIND_REMOVAL: _ClassVar[EscalationKind]
    ESCALATION_KIND_PROTEST: _ClassVar[EscalationKind]
    ESCALATION_KIND_SMALL_CLAIMS: _ClassVar[EscalationKind]
ESCALATION_KIND_UNSPECIFIED: EscalationKind
ESCALATION_KIND_PRIOR_NOTICE: EscalationKind
ESCALATION_KIND_INSCRIPTION: EscalationKind
ESCALATION_KIND_REMOVAL: EscalationKind
ESCALATION_KIND_PROTEST: EscalationKind
ESCALATION_KIND_SMALL_CLAIMS: EscalationKind

class EscalationRequested(_message.Message):
    __slots__ = ("request_id", "debt_id", "debtor_id", "kind", "balance", "creditor_name", "rule", "reason", "due_date", "debtor_country", "debtor_state", "time_zone")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    CREDITOR_NAME_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_COUNTRY_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_STATE_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    debt_id: str
    debtor_id: str
    kind: EscalationKind
    balance: _types_pb2.Money
    creditor_name: str
    rule: str
    reason: str
    due_date: str
    debtor_country: str
    debtor_state: str
    time_zone: str
    def __init__(self, request_id: _Optional[str] = ..., debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., kind: _Optional[_Union[EscalationKind, str]] = ..., balance: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., creditor_name: _Optional[str] = ..., rule: _Optional[str] = ..., reason: _Optional[str] = ..., due_date: _Optional[str] = ..., debtor_country: _Optional[str] = ..., debtor_state: _Optional[str] = ..., time_zone: _Optional[str] = ...) -> None: ...

class BureauNoticeConfirmed(_message.Message):
    __slots__ = ("debt_id", "debtor_id", "notice_id", "confirmed_at", "wait_days")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    NOTICE_ID_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_AT_FIELD_NUMBER: _ClassVar[int]
    WAIT_DAYS_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    debtor_id: str
    notice_id: str
    confirmed_at: _timestamp_pb2.Timestamp
    wait_days: int
    def __init__(self, debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., notice_id: _Optional[str] = ..., confirmed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., wait_days: _Optional[int] = ...) -> None: ...

class BureauInscribed(_message.Message):
    __slots__ = ("debt_id", "debtor_id", "inscription_id", "inscribed_at")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    INSCRIPTION_ID_FIELD_NUMBER: _ClassVar[int]
    INSCRIBED_AT_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    debtor_id: str
    inscription_id: str
    inscribed_at: _timestamp_pb2.Timestamp
    def __init__(self, debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., inscription_id: _Optional[str] = ..., inscribed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class BureauRemoved(_message.Message):
    __slots__ = ("debt_id", "debtor_id", "inscription_id", "removed_at", "reason")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    INSCRIPTION_ID_FIELD_NUMBER: _ClassVar[int]
    REMOVED_AT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    debtor_id: str
    inscription_id: str
    removed_at: _timestamp_pb2.Timestamp
    reason: str
    def __init__(self, debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., inscription_id: _Optional[str] = ..., removed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reason: _Optional[str] = ...) -> None: ...

class ProtestNoticeSent(_message.Message):
    __slots__ = ("debt_id", "debtor_id", "protest_id", "notice_sent_at", "not_before")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    PROTEST_ID_FIELD_NUMBER: _ClassVar[int]
    NOTICE_SENT_AT_FIELD_NUMBER: _ClassVar[int]
    NOT_BEFORE_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    debtor_id: str
    protest_id: str
    notice_sent_at: _timestamp_pb2.Timestamp
    not_before: _timestamp_pb2.Timestamp
    def __init__(self, debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., protest_id: _Optional[str] = ..., notice_sent_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., not_before: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ProtestRegistered(_message.Message):
    __slots__ = ("debt_id", "debtor_id", "protest_id", "protested_at")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    PROTEST_ID_FIELD_NUMBER: _ClassVar[int]
    PROTESTED_AT_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    debtor_id: str
    protest_id: str
    protested_at: _timestamp_pb2.Timestamp
    def __init__(self, debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., protest_id: _Optional[str] = ..., protested_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ProtestCancelled(_message.Message):
    __slots__ = ("debt_id", "debtor_id", "protest_id", "cancelled_at", "reason", "was_protested")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    PROTEST_ID_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_AT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    WAS_PROTESTED_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    debtor_id: str
    protest_id: str
    cancelled_at: _timestamp_pb2.Timestamp
    reason: str
    was_protested: bool
    def __init__(self, debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., protest_id: _Optional[str] = ..., cancelled_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reason: _Optional[str] = ..., was_protested: _Optional[bool] = ...) -> None: ...

class CourtFiled(_message.Message):
    __slots__ = ("debt_id", "debtor_id", "filing_id", "case_number", "filed_at")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    FILING_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    FILED_AT_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    debtor_id: str
    filing_id: str
    case_number: str
    filed_at: _timestamp_pb2.Timestamp
    def __init__(self, debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., filing_id: _Optional[str] = ..., case_number: _Optional[str] = ..., filed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class EscalationRefused(_message.Message):
    __slots__ = ("debt_id", "debtor_id", "kind", "rule", "reason")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    debtor_id: str
    kind: EscalationKind
    rule: str
    reason: str
    def __init__(self, debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., kind: _Optional[_Union[EscalationKind, str]] = ..., rule: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...
