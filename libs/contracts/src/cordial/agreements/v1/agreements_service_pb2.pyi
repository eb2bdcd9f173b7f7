import datetime

from cordial.types.v1 import types_pb2 as _types_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DebtStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DEBT_STATUS_UNSPECIFIED: _ClassVar[DebtStatus]
    DEBT_STATUS_PLACED: _ClassVar[DebtStatus]
    DEBT_STATUS_IN_COLLECTION: _ClassVar[DebtStatus]
    DEBT_STATUS_IN_AGREEMENT: _ClassVar[DebtStatus]
    DEBT_STATUS_SETTLED: _ClassVar[DebtStatus]
    DEBT_STATUS_RECALLED: _ClassVar[DebtStatus]
    DEBT_STATUS_WRITTEN_OFF: _ClassVar[DebtStatus]
DEBT_STATUS_UNSPECIFIED: DebtStatus
DEBT_STATUS_PLACED: DebtStatus
DEBT_STATUS_IN_COLLECTION: DebtStatus
DEBT_STATUS_IN_AGREEMENT: DebtStatus
DEBT_STATUS_SETTLED: DebtStatus
DEBT_STATUS_RECALLED: DebtStatus
DEBT_STATUS_WRITTEN_OFF: DebtStatus

class Debtor(_message.Message):
    __slots__ = ("kind", "document", "name", "time_zone")
    KIND_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    kind: _types_pb2.DebtorKind
    document: str
    name: str
    time_zone: str
    def __init__(self, kind: _Optional[_Union[_types_pb2.DebtorKind, str]] = ..., document: _Optional[str] = ..., name: _Optional[str] = ..., time_zone: _Optional[str] = ...) -> None: ...

class PlaceDebtRequest(_message.Message):
    __slots__ = ("client_reference", "debtor", "principal", "due_date", "creditor_name", "contact_points")
    CLIENT_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    CREDITOR_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINTS_FIELD_NUMBER: _ClassVar[int]
    client_reference: str
    debtor: Debtor
    principal: _types_pb2.Money
    due_date: str
    creditor_name: str
    contact_points: _containers.RepeatedCompositeFieldContainer[_types_pb2.ContactPointInput]
    def __init__(self, client_reference: _Optional[str] = ..., debtor: _Optional[_Union[Debtor, _Mapping]] = ..., principal: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., due_date: _Optional[str] = ..., creditor_name: _Optional[str] = ..., contact_points: _Optional[_Iterable[_Union[_types_pb2.ContactPointInput, _Mapping]]] = ...) -> None: ...

class PlaceDebtResponse(_message.Message):
    __slots__ = ("debt", "created")
    DEBT_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    debt: Debt
    created: bool
    def __init__(self, debt: _Optional[_Union[Debt, _Mapping]] = ..., created: _Optional[bool] = ...) -> None: ...

class Debt(_message.Message):
    __slots__ = ("id", "client_reference", "debtor_id", "status", "principal", "balance", "paid", "due_date", "placed_at", "settled_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    PAID_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    PLACED_AT_FIELD_NUMBER: _ClassVar[int]
    SETTLED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    client_reference: str
    debtor_id: str
    status: DebtStatus
    principal: _types_pb2.Money
    balance: _types_pb2.Money
    paid: _types_pb2.Money
    due_date: str
    placed_at: _timestamp_pb2.Timestamp
    settled_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., client_reference: _Optional[str] = ..., debtor_id: _Optional[str] = ..., status: _Optional[_Union[DebtStatus, str]] = ..., principal: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., balance: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., paid: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., due_date: _Optional[str] = ..., placed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., settled_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetDebtRequest(_message.Message):
    __slots__ = ("debt_id",)
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    def __init__(self, debt_id: _Optional[str] = ...) -> None: ...

class GetDebtResponse(_message.Message):
    __slots__ = ("debt",)
    DEBT_FIELD_NUMBER: _ClassVar[int]
    debt: Debt
    def __init__(self, debt: _Optional[_Union[Debt, _Mapping]] = ...) -> None: ...

class RecordPaymentRequest(_message.Message):
    __slots__ = ("debt_id", "amount", "payment_reference", "source")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    amount: _types_pb2.Money
    payment_reference: str
    source: str
    def __init__(self, debt_id: _Optional[str] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., payment_reference: _Optional[str] = ..., source: _Optional[str] = ...) -> None: ...

class RecordPaymentResponse(_message.Message):
    __slots__ = ("debt", "payment_id", "created")
    DEBT_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    debt: Debt
    payment_id: str
    created: bool
    def __init__(self, debt: _Optional[_Union[Debt, _Mapping]] = ..., payment_id: _Optional[str] = ..., created: _Optional[bool] = ...) -> None: ...
