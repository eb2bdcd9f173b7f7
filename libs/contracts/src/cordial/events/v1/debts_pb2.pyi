from cordial.types.v1 import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DebtPlaced(_message.Message):
    __slots__ = ("debt_id", "debtor_id", "client_reference", "principal", "balance", "creditor_name", "time_zone", "debtor_kind", "contact_points", "debtor_country", "debtor_state", "due_date", "sealed_document")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    CREDITOR_NAME_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_KIND_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINTS_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_COUNTRY_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_STATE_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    SEALED_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    debtor_id: str
    client_reference: str
    principal: _types_pb2.Money
    balance: _types_pb2.Money
    creditor_name: str
    time_zone: str
    debtor_kind: _types_pb2.DebtorKind
    contact_points: _containers.RepeatedCompositeFieldContainer[_types_pb2.ContactPointInput]
    debtor_country: str
    debtor_state: str
    due_date: str
    sealed_document: bytes
    def __init__(self, debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., client_reference: _Optional[str] = ..., principal: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., balance: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., creditor_name: _Optional[str] = ..., time_zone: _Optional[str] = ..., debtor_kind: _Optional[_Union[_types_pb2.DebtorKind, str]] = ..., contact_points: _Optional[_Iterable[_Union[_types_pb2.ContactPointInput, _Mapping]]] = ..., debtor_country: _Optional[str] = ..., debtor_state: _Optional[str] = ..., due_date: _Optional[str] = ..., sealed_document: _Optional[bytes] = ...) -> None: ...

class PaymentReceived(_message.Message):
    __slots__ = ("debt_id", "debtor_id", "payment_id", "amount", "balance_after", "source")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    BALANCE_AFTER_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    debtor_id: str
    payment_id: str
    amount: _types_pb2.Money
    balance_after: _types_pb2.Money
    source: str
    def __init__(self, debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., payment_id: _Optional[str] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., balance_after: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., source: _Optional[str] = ...) -> None: ...

class DebtSettled(_message.Message):
    __slots__ = ("debt_id", "debtor_id", "total_paid")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    TOTAL_PAID_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    debtor_id: str
    total_paid: _types_pb2.Money
    def __init__(self, debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., total_paid: _Optional[_Union[_types_pb2.Money, _Mapping]] = ...) -> None: ...

class DebtCollectionStarted(_message.Message):
    __slots__ = ("debt_id", "debtor_id")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    debtor_id: str
    def __init__(self, debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ...) -> None: ...

class DebtRecalled(_message.Message):
    __slots__ = ("debt_id", "debtor_id", "reason")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    debtor_id: str
    reason: str
    def __init__(self, debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class DebtWrittenOff(_message.Message):
    __slots__ = ("debt_id", "debtor_id", "reason", "balance")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    debtor_id: str
    reason: str
    balance: _types_pb2.Money
    def __init__(self, debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., reason: _Optional[str] = ..., balance: _Optional[_Union[_types_pb2.Money, _Mapping]] = ...) -> None: ...

class DebtAmountCorrected(_message.Message):
    __slots__ = ("debt_id", "debtor_id", "previous", "principal", "reason")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    debtor_id: str
    previous: _types_pb2.Money
    principal: _types_pb2.Money
    reason: str
    def __init__(self, debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., previous: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., principal: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., reason: _Optional[str] = ...) -> None: ...

class DebtContactsAdded(_message.Message):
    __slots__ = ("debt_id", "debtor_id", "contact_points")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINTS_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    debtor_id: str
    contact_points: _containers.RepeatedCompositeFieldContainer[_types_pb2.ContactPointInput]
    def __init__(self, debt_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., contact_points: _Optional[_Iterable[_Union[_types_pb2.ContactPointInput, _Mapping]]] = ...) -> None: ...
