from cordial.types.v1 import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AgreementAccepted(_message.Message):
    __slots__ = ("agreement_id", "debtor_id", "debt_ids", "offer_id", "total", "installments", "first_due_date")
    AGREEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    DEBT_IDS_FIELD_NUMBER: _ClassVar[int]
    OFFER_ID_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    INSTALLMENTS_FIELD_NUMBER: _ClassVar[int]
    FIRST_DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    agreement_id: str
    debtor_id: str
    debt_ids: _containers.RepeatedScalarFieldContainer[str]
    offer_id: str
    total: _types_pb2.Money
    installments: int
    first_due_date: str
    def __init__(self, agreement_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., debt_ids: _Optional[_Iterable[str]] = ..., offer_id: _Optional[str] = ..., total: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., installments: _Optional[int] = ..., first_due_date: _Optional[str] = ...) -> None: ...

class AgreementActivated(_message.Message):
    __slots__ = ("agreement_id", "debtor_id", "debt_ids")
    AGREEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    DEBT_IDS_FIELD_NUMBER: _ClassVar[int]
    agreement_id: str
    debtor_id: str
    debt_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, agreement_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., debt_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class AgreementInstallmentPaid(_message.Message):
    __slots__ = ("agreement_id", "debtor_id", "debt_ids", "number", "installments", "due_date", "amount")
    AGREEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    DEBT_IDS_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    INSTALLMENTS_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    agreement_id: str
    debtor_id: str
    debt_ids: _containers.RepeatedScalarFieldContainer[str]
    number: int
    installments: int
    due_date: str
    amount: _types_pb2.Money
    def __init__(self, agreement_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., debt_ids: _Optional[_Iterable[str]] = ..., number: _Optional[int] = ..., installments: _Optional[int] = ..., due_date: _Optional[str] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ...) -> None: ...

class AgreementBroken(_message.Message):
    __slots__ = ("agreement_id", "debtor_id", "debt_ids", "overdue_installment", "due_date")
    AGREEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    DEBT_IDS_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_INSTALLMENT_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    agreement_id: str
    debtor_id: str
    debt_ids: _containers.RepeatedScalarFieldContainer[str]
    overdue_installment: int
    due_date: str
    def __init__(self, agreement_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., debt_ids: _Optional[_Iterable[str]] = ..., overdue_installment: _Optional[int] = ..., due_date: _Optional[str] = ...) -> None: ...

class AgreementSettled(_message.Message):
    __slots__ = ("agreement_id", "debtor_id", "debt_ids", "total_paid")
    AGREEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    DEBT_IDS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_PAID_FIELD_NUMBER: _ClassVar[int]
    agreement_id: str
    debtor_id: str
    debt_ids: _containers.RepeatedScalarFieldContainer[str]
    total_paid: _types_pb2.Money
    def __init__(self, agreement_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., debt_ids: _Optional[_Iterable[str]] = ..., total_paid: _Optional[_Union[_types_pb2.Money, _Mapping]] = ...) -> None: ...

class AgreementCancelled(_message.Message):
    __slots__ = ("agreement_id", "debtor_id", "debt_ids", "reason")
    AGREEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    DEBT_IDS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    agreement_id: str
    debtor_id: str
    debt_ids: _containers.RepeatedScalarFieldContainer[str]
    reason: str
    def __init__(self, agreement_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., debt_ids: _Optional[_Iterable[str]] = ..., reason: _Optional[str] = ...) -> None: ...

class PaymentUnapplied(_message.Message):
    __slots__ = ("unapplied_id", "debt_id", "txid", "reference", "amount", "source", "reason", "detail")
    UNAPPLIED_ID_FIELD_NUMBER: _ClassVar[int]
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    TXID_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    unapplied_id: str
    debt_id: str
    txid: str
    reference: str
    amount: _types_pb2.Money
    source: str
    reason: str
    detail: str
    def __init__(self, unapplied_id: _Optional[str] = ..., debt_id: _Optional[str] = ..., txid: _Optional[str] = ..., reference: _Optional[str] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., source: _Optional[str] = ..., reason: _Optional[str] = ..., detail: _Optional[str] = ...) -> None: ...

class AgreementProposed(_message.Message):
    __slots__ = ("agreement_id", "debtor_id", "debt_ids", "offer_id", "total", "installments", "valid_until")
    AGREEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    DEBT_IDS_FIELD_NUMBER: _ClassVar[int]
    OFFER_ID_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    INSTALLMENTS_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    agreement_id: str
    debtor_id: str
    debt_ids: _containers.RepeatedScalarFieldContainer[str]
    offer_id: str
    total: _types_pb2.Money
    installments: int
    valid_until: str
    def __init__(self, agreement_id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., debt_ids: _Optional[_Iterable[str]] = ..., offer_id: _Optional[str] = ..., total: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., installments: _Optional[int] = ..., valid_until: _Optional[str] = ...) -> None: ...
