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

class AgreementState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    AGREEMENT_STATE_UNSPECIFIED: _ClassVar[AgreementState]
    AGREEMENT_STATE_PROPOSED: _ClassVar[AgreementState]
    AGREEMENT_STATE_ACCEPTED: _ClassVar[AgreementState]
    AGREEMENT_STATE_ACTIVE: _ClassVar[AgreementState]
    AGREEMENT_STATE_SETTLED: _ClassVar[AgreementState]
    AGREEMENT_STATE_BROKEN: _ClassVar[AgreementState]
    AGREEMENT_STATE_CANCELLED: _ClassVar[AgreementState]

class DebtStanding(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DEBT_STANDING_UNSPECIFIED: _ClassVar[DebtStanding]
    DEBT_STANDING_OPEN: _ClassVar[DebtStanding]
    DEBT_STANDING_IN_AGREEMENT: _ClassVar[DebtStanding]
    DEBT_STANDING_AGREEMENT_OVERDUE: _ClassVar[DebtStanding]
    DEBT_STANDING_SETTLED: _ClassVar[DebtStanding]
    DEBT_STANDING_RECALLED: _ClassVar[DebtStanding]
    DEBT_STANDING_WRITTEN_OFF: _ClassVar[DebtStanding]
DEBT_STATUS_UNSPECIFIED: DebtStatus
DEBT_STATUS_PLACED: DebtStatus
DEBT_STATUS_IN_COLLECTION: DebtStatus
DEBT_STATUS_IN_AGREEMENT: DebtStatus
DEBT_STATUS_SETTLED: DebtStatus
DEBT_STATUS_RECALLED: DebtStatus
DEBT_STATUS_WRITTEN_OFF: DebtStatus
AGREEMENT_STATE_UNSPECIFIED: AgreementState
AGREEMENT_STATE_PROPOSED: AgreementState
AGREEMENT_STATE_ACCEPTED: AgreementState
AGREEMENT_STATE_ACTIVE: AgreementState
AGREEMENT_STATE_SETTLED: AgreementState
AGREEMENT_STATE_BROKEN: AgreementState
AGREEMENT_STATE_CANCELLED: AgreementState
DEBT_STANDING_UNSPECIFIED: DebtStanding
DEBT_STANDING_OPEN: DebtStanding
DEBT_STANDING_IN_AGREEMENT: DebtStanding
DEBT_STANDING_AGREEMENT_OVERDUE: DebtStanding
DEBT_STANDING_SETTLED: DebtStanding
DEBT_STANDING_RECALLED: DebtStanding
DEBT_STANDING_WRITTEN_OFF: DebtStanding

class Debtor(_message.Message):
    __slots__ = ("kind", "document", "name", "time_zone", "birth_date", "address")
    KIND_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    kind: _types_pb2.DebtorKind
    document: str
    name: str
    time_zone: str
    birth_date: str
    address: Address
    def __init__(self, kind: _Optional[_Union[_types_pb2.DebtorKind, str]] = ..., document: _Optional[str] = ..., name: _Optional[str] = ..., time_zone: _Optional[str] = ..., birth_date: _Optional[str] = ..., address: _Optional[_Union[Address, _Mapping]] = ...) -> None: ...

class Address(_message.Message):
    __slots__ = ("street", "number", "complement", "district", "city", "state", "postal_code", "country")
    STREET_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    COMPLEMENT_FIELD_NUMBER: _ClassVar[int]
    DISTRICT_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    POSTAL_CODE_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    street: str
    number: str
    complement: str
    district: str
    city: str
    state: str
    postal_code: str
    country: str
    def __init__(self, street: _Optional[str] = ..., number: _Optional[str] = ..., complement: _Optional[str] = ..., district: _Optional[str] = ..., city: _Optional[str] = ..., state: _Optional[str] = ..., postal_code: _Optional[str] = ..., country: _Optional[str] = ...) -> None: ...

class PlaceDebtRequest(_message.Message):
    __slots__ = ("client_reference", "debtor", "principal", "due_date", "creditor_name", "contact_points", "portfolio", "product", "origin_date")
    CLIENT_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    CREDITOR_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINTS_FIELD_NUMBER: _ClassVar[int]
    PORTFOLIO_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_DATE_FIELD_NUMBER: _ClassVar[int]
    client_reference: str
    debtor: Debtor
    principal: _types_pb2.Money
    due_date: str
    creditor_name: str
    contact_points: _containers.RepeatedCompositeFieldContainer[_types_pb2.ContactPointInput]
    portfolio: str
    product: str
    origin_date: str
    def __init__(self, client_reference: _Optional[str] = ..., debtor: _Optional[_Union[Debtor, _Mapping]] = ..., principal: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., due_date: _Optional[str] = ..., creditor_name: _Optional[str] = ..., contact_points: _Optional[_Iterable[_Union[_types_pb2.ContactPointInput, _Mapping]]] = ..., portfolio: _Optional[str] = ..., product: _Optional[str] = ..., origin_date: _Optional[str] = ...) -> None: ...

class PlaceDebtResponse(_message.Message):
    __slots__ = ("debt", "created")
    DEBT_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    debt: Debt
    created: bool
    def __init__(self, debt: _Optional[_Union[Debt, _Mapping]] = ..., created: _Optional[bool] = ...) -> None: ...

class Debt(_message.Message):
    __slots__ = ("id", "client_reference", "debtor_id", "status", "principal", "balance", "paid", "due_date", "placed_at", "settled_at", "portfolio", "product", "origin_date")
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
    PORTFOLIO_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_DATE_FIELD_NUMBER: _ClassVar[int]
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
    portfolio: str
    product: str
    origin_date: str
    def __init__(self, id: _Optional[str] = ..., client_reference: _Optional[str] = ..., debtor_id: _Optional[str] = ..., status: _Optional[_Union[DebtStatus, str]] = ..., principal: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., balance: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., paid: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., due_date: _Optional[str] = ..., placed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., settled_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., portfolio: _Optional[str] = ..., product: _Optional[str] = ..., origin_date: _Optional[str] = ...) -> None: ...

class PlaceDebtsRequest(_message.Message):
    __slots__ = ("items",)
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[PlaceDebtRequest]
    def __init__(self, items: _Optional[_Iterable[_Union[PlaceDebtRequest, _Mapping]]] = ...) -> None: ...

class PlaceDebtResult(_message.Message):
    __slots__ = ("index", "debt_id", "created", "error_field", "error_reason")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_FIELD_NUMBER: _ClassVar[int]
    ERROR_REASON_FIELD_NUMBER: _ClassVar[int]
    index: int
    debt_id: str
    created: bool
    error_field: str
    error_reason: str
    def __init__(self, index: _Optional[int] = ..., debt_id: _Optional[str] = ..., created: _Optional[bool] = ..., error_field: _Optional[str] = ..., error_reason: _Optional[str] = ...) -> None: ...

class PlaceDebtsResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[PlaceDebtResult]
    def __init__(self, results: _Optional[_Iterable[_Union[PlaceDebtResult, _Mapping]]] = ...) -> None: ...

class GetDebtRequest(_message.Message):
    __slots__ = ("debt_id",)
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    def __init__(self, debt_id: _Optional[str] = ...) -> None: ...

class GetDebtResponse(_message.Message):
    __slots__ = ("debt", "balance", "agreements", "payments")
    DEBT_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    AGREEMENTS_FIELD_NUMBER: _ClassVar[int]
    PAYMENTS_FIELD_NUMBER: _ClassVar[int]
    debt: Debt
    balance: Balance
    agreements: _containers.RepeatedCompositeFieldContainer[Agreement]
    payments: _containers.RepeatedCompositeFieldContainer[PaymentRecord]
    def __init__(self, debt: _Optional[_Union[Debt, _Mapping]] = ..., balance: _Optional[_Union[Balance, _Mapping]] = ..., agreements: _Optional[_Iterable[_Union[Agreement, _Mapping]]] = ..., payments: _Optional[_Iterable[_Union[PaymentRecord, _Mapping]]] = ...) -> None: ...

class PaymentRecord(_message.Message):
    __slots__ = ("id", "reference", "amount", "source", "received_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    reference: str
    amount: _types_pb2.Money
    source: str
    received_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., reference: _Optional[str] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., source: _Optional[str] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListDebtsRequest(_message.Message):
    __slots__ = ("status", "portfolio", "page_size", "cursor")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PORTFOLIO_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    status: DebtStatus
    portfolio: str
    page_size: int
    cursor: str
    def __init__(self, status: _Optional[_Union[DebtStatus, str]] = ..., portfolio: _Optional[str] = ..., page_size: _Optional[int] = ..., cursor: _Optional[str] = ...) -> None: ...

class ListDebtsResponse(_message.Message):
    __slots__ = ("debts", "next_cursor")
    DEBTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    debts: _containers.RepeatedCompositeFieldContainer[Debt]
    next_cursor: str
    def __init__(self, debts: _Optional[_Iterable[_Union[Debt, _Mapping]]] = ..., next_cursor: _Optional[str] = ...) -> None: ...

class UpdateDebtRequest(_message.Message):
    __slots__ = ("debt_id", "principal", "reason", "contact_points")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINTS_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    principal: _types_pb2.Money
    reason: str
    contact_points: _containers.RepeatedCompositeFieldContainer[_types_pb2.ContactPointInput]
    def __init__(self, debt_id: _Optional[str] = ..., principal: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., reason: _Optional[str] = ..., contact_points: _Optional[_Iterable[_Union[_types_pb2.ContactPointInput, _Mapping]]] = ...) -> None: ...

class UpdateDebtResponse(_message.Message):
    __slots__ = ("debt", "changed")
    DEBT_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    debt: Debt
    changed: bool
    def __init__(self, debt: _Optional[_Union[Debt, _Mapping]] = ..., changed: _Optional[bool] = ...) -> None: ...

class RecordPaymentRequest(_message.Message):
    __slots__ = ("debt_id", "amount", "payment_reference", "source", "txid", "keep_unapplied")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    TXID_FIELD_NUMBER: _ClassVar[int]
    KEEP_UNAPPLIED_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    amount: _types_pb2.Money
    payment_reference: str
    source: str
    txid: str
    keep_unapplied: bool
    def __init__(self, debt_id: _Optional[str] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., payment_reference: _Optional[str] = ..., source: _Optional[str] = ..., txid: _Optional[str] = ..., keep_unapplied: _Optional[bool] = ...) -> None: ...

class RecordPaymentResponse(_message.Message):
    __slots__ = ("debt", "payment_id", "created", "unapplied")
    DEBT_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    UNAPPLIED_FIELD_NUMBER: _ClassVar[int]
    debt: Debt
    payment_id: str
    created: bool
    unapplied: UnappliedPayment
    def __init__(self, debt: _Optional[_Union[Debt, _Mapping]] = ..., payment_id: _Optional[str] = ..., created: _Optional[bool] = ..., unapplied: _Optional[_Union[UnappliedPayment, _Mapping]] = ...) -> None: ...

class UnappliedPayment(_message.Message):
    __slots__ = ("id", "reference", "txid", "debt_id", "amount", "source", "reason", "detail", "received_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    TXID_FIELD_NUMBER: _ClassVar[int]
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    reference: str
    txid: str
    debt_id: str
    amount: _types_pb2.Money
    source: str
    reason: str
    detail: str
    received_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., reference: _Optional[str] = ..., txid: _Optional[str] = ..., debt_id: _Optional[str] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., source: _Optional[str] = ..., reason: _Optional[str] = ..., detail: _Optional[str] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListUnappliedPaymentsRequest(_message.Message):
    __slots__ = ("limit",)
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    limit: int
    def __init__(self, limit: _Optional[int] = ...) -> None: ...

class ListUnappliedPaymentsResponse(_message.Message):
    __slots__ = ("payments",)
    PAYMENTS_FIELD_NUMBER: _ClassVar[int]
    payments: _containers.RepeatedCompositeFieldContainer[UnappliedPayment]
    def __init__(self, payments: _Optional[_Iterable[_Union[UnappliedPayment, _Mapping]]] = ...) -> None: ...

class GetBalanceRequest(_message.Message):
    __slots__ = ("debt_id", "as_of")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    as_of: str
    def __init__(self, debt_id: _Optional[str] = ..., as_of: _Optional[str] = ...) -> None: ...

class Balance(_message.Message):
    __slots__ = ("as_of", "principal", "correction", "late_fee", "interest", "paid", "total", "overpaid", "days_late", "months_corrected", "late_fee_bps", "monthly_interest_bps", "index_name")
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    CORRECTION_FIELD_NUMBER: _ClassVar[int]
    LATE_FEE_FIELD_NUMBER: _ClassVar[int]
    INTEREST_FIELD_NUMBER: _ClassVar[int]
    PAID_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    OVERPAID_FIELD_NUMBER: _ClassVar[int]
    DAYS_LATE_FIELD_NUMBER: _ClassVar[int]
    MONTHS_CORRECTED_FIELD_NUMBER: _ClassVar[int]
    LATE_FEE_BPS_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_INTEREST_BPS_FIELD_NUMBER: _ClassVar[int]
    INDEX_NAME_FIELD_NUMBER: _ClassVar[int]
    as_of: str
    principal: _types_pb2.Money
    correction: _types_pb2.Money
    late_fee: _types_pb2.Money
    interest: _types_pb2.Money
    paid: _types_pb2.Money
    total: _types_pb2.Money
    overpaid: _types_pb2.Money
    days_late: int
    months_corrected: int
    late_fee_bps: int
    monthly_interest_bps: int
    index_name: str
    def __init__(self, as_of: _Optional[str] = ..., principal: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., correction: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., late_fee: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., interest: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., paid: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., total: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., overpaid: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., days_late: _Optional[int] = ..., months_corrected: _Optional[int] = ..., late_fee_bps: _Optional[int] = ..., monthly_interest_bps: _Optional[int] = ..., index_name: _Optional[str] = ...) -> None: ...

class GetBalanceResponse(_message.Message):
    __slots__ = ("balance",)
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    balance: Balance
    def __init__(self, balance: _Optional[_Union[Balance, _Mapping]] = ...) -> None: ...

class BalancePolicy(_message.Message):
    __slots__ = ("late_fee_bps", "monthly_interest_bps", "index_name", "monthly_factors")
    class MonthlyFactorsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    LATE_FEE_BPS_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_INTEREST_BPS_FIELD_NUMBER: _ClassVar[int]
    INDEX_NAME_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_FACTORS_FIELD_NUMBER: _ClassVar[int]
    late_fee_bps: int
    monthly_interest_bps: int
    index_name: str
    monthly_factors: _containers.ScalarMap[str, str]
    def __init__(self, late_fee_bps: _Optional[int] = ..., monthly_interest_bps: _Optional[int] = ..., index_name: _Optional[str] = ..., monthly_factors: _Optional[_Mapping[str, str]] = ...) -> None: ...

class SetBalancePolicyRequest(_message.Message):
    __slots__ = ("policy",)
    POLICY_FIELD_NUMBER: _ClassVar[int]
    policy: BalancePolicy
    def __init__(self, policy: _Optional[_Union[BalancePolicy, _Mapping]] = ...) -> None: ...

class SetBalancePolicyResponse(_message.Message):
    __slots__ = ("policy",)
    POLICY_FIELD_NUMBER: _ClassVar[int]
    policy: BalancePolicy
    def __init__(self, policy: _Optional[_Union[BalancePolicy, _Mapping]] = ...) -> None: ...

class GetBalancePolicyRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetBalancePolicyResponse(_message.Message):
    __slots__ = ("policy",)
    POLICY_FIELD_NUMBER: _ClassVar[int]
    policy: BalancePolicy
    def __init__(self, policy: _Optional[_Union[BalancePolicy, _Mapping]] = ...) -> None: ...

class RecallDebtRequest(_message.Message):
    __slots__ = ("debt_id", "reason")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    reason: str
    def __init__(self, debt_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class RecallDebtResponse(_message.Message):
    __slots__ = ("debt", "changed")
    DEBT_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    debt: Debt
    changed: bool
    def __init__(self, debt: _Optional[_Union[Debt, _Mapping]] = ..., changed: _Optional[bool] = ...) -> None: ...

class WriteOffDebtRequest(_message.Message):
    __slots__ = ("debt_id", "reason")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    reason: str
    def __init__(self, debt_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class WriteOffDebtResponse(_message.Message):
    __slots__ = ("debt", "changed")
    DEBT_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    debt: Debt
    changed: bool
    def __init__(self, debt: _Optional[_Union[Debt, _Mapping]] = ..., changed: _Optional[bool] = ...) -> None: ...

class DiscountBand(_message.Message):
    __slots__ = ("min_days_past_due", "fees_discount_bps", "interest_discount_bps", "principal_discount_bps")
    MIN_DAYS_PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    FEES_DISCOUNT_BPS_FIELD_NUMBER: _ClassVar[int]
    INTEREST_DISCOUNT_BPS_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_DISCOUNT_BPS_FIELD_NUMBER: _ClassVar[int]
    min_days_past_due: int
    fees_discount_bps: int
    interest_discount_bps: int
    principal_discount_bps: int
    def __init__(self, min_days_past_due: _Optional[int] = ..., fees_discount_bps: _Optional[int] = ..., interest_discount_bps: _Optional[int] = ..., principal_discount_bps: _Optional[int] = ...) -> None: ...

class NegotiationPolicy(_message.Message):
    __slots__ = ("bands", "min_down_payment_bps", "max_installments", "min_installment_minor", "offer_validity_days", "grace_days", "max_renegotiations", "renegotiation_down_payment_bps")
    BANDS_FIELD_NUMBER: _ClassVar[int]
    MIN_DOWN_PAYMENT_BPS_FIELD_NUMBER: _ClassVar[int]
    MAX_INSTALLMENTS_FIELD_NUMBER: _ClassVar[int]
    MIN_INSTALLMENT_MINOR_FIELD_NUMBER: _ClassVar[int]
    OFFER_VALIDITY_DAYS_FIELD_NUMBER: _ClassVar[int]
    GRACE_DAYS_FIELD_NUMBER: _ClassVar[int]
    MAX_RENEGOTIATIONS_FIELD_NUMBER: _ClassVar[int]
    RENEGOTIATION_DOWN_PAYMENT_BPS_FIELD_NUMBER: _ClassVar[int]
    bands: _containers.RepeatedCompositeFieldContainer[DiscountBand]
    min_down_payment_bps: int
    max_installments: int
    min_installment_minor: int
    offer_validity_days: int
    grace_days: int
    max_renegotiations: int
    renegotiation_down_payment_bps: int
    def __init__(self, bands: _Optional[_Iterable[_Union[DiscountBand, _Mapping]]] = ..., min_down_payment_bps: _Optional[int] = ..., max_installments: _Optional[int] = ..., min_installment_minor: _Optional[int] = ..., offer_validity_days: _Optional[int] = ..., grace_days: _Optional[int] = ..., max_renegotiations: _Optional[int] = ..., renegotiation_down_payment_bps: _Optional[int] = ...) -> None: ...

class SetNegotiationPolicyRequest(_message.Message):
    __slots__ = ("policy", "portfolio")
    POLICY_FIELD_NUMBER: _ClassVar[int]
    PORTFOLIO_FIELD_NUMBER: _ClassVar[int]
    policy: NegotiationPolicy
    portfolio: str
    def __init__(self, policy: _Optional[_Union[NegotiationPolicy, _Mapping]] = ..., portfolio: _Optional[str] = ...) -> None: ...

class SetNegotiationPolicyResponse(_message.Message):
    __slots__ = ("policy",)
    POLICY_FIELD_NUMBER: _ClassVar[int]
    policy: NegotiationPolicy
    def __init__(self, policy: _Optional[_Union[NegotiationPolicy, _Mapping]] = ...) -> None: ...

class GetNegotiationPolicyRequest(_message.Message):
    __slots__ = ("portfolio",)
    PORTFOLIO_FIELD_NUMBER: _ClassVar[int]
    portfolio: str
    def __init__(self, portfolio: _Optional[str] = ...) -> None: ...

class GetNegotiationPolicyResponse(_message.Message):
    __slots__ = ("policy", "configured")
    POLICY_FIELD_NUMBER: _ClassVar[int]
    CONFIGURED_FIELD_NUMBER: _ClassVar[int]
    policy: NegotiationPolicy
    configured: bool
    def __init__(self, policy: _Optional[_Union[NegotiationPolicy, _Mapping]] = ..., configured: _Optional[bool] = ...) -> None: ...

class Installment(_message.Message):
    __slots__ = ("number", "due_date", "amount", "paid")
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PAID_FIELD_NUMBER: _ClassVar[int]
    number: int
    due_date: str
    amount: _types_pb2.Money
    paid: _types_pb2.Money
    def __init__(self, number: _Optional[int] = ..., due_date: _Optional[str] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., paid: _Optional[_Union[_types_pb2.Money, _Mapping]] = ...) -> None: ...

class OfferLine(_message.Message):
    __slots__ = ("label", "amount_minor")
    LABEL_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_MINOR_FIELD_NUMBER: _ClassVar[int]
    label: str
    amount_minor: int
    def __init__(self, label: _Optional[str] = ..., amount_minor: _Optional[int] = ...) -> None: ...

class Offer(_message.Message):
    __slots__ = ("id", "kind", "debt_id", "installments", "lines", "total", "valid_until", "debt_ids", "terms")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    INSTALLMENTS_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    DEBT_IDS_FIELD_NUMBER: _ClassVar[int]
    TERMS_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: str
    debt_id: str
    installments: _containers.RepeatedCompositeFieldContainer[Installment]
    lines: _containers.RepeatedCompositeFieldContainer[OfferLine]
    total: _types_pb2.Money
    valid_until: str
    debt_ids: _containers.RepeatedScalarFieldContainer[str]
    terms: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[str] = ..., debt_id: _Optional[str] = ..., installments: _Optional[_Iterable[_Union[Installment, _Mapping]]] = ..., lines: _Optional[_Iterable[_Union[OfferLine, _Mapping]]] = ..., total: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., valid_until: _Optional[str] = ..., debt_ids: _Optional[_Iterable[str]] = ..., terms: _Optional[_Iterable[str]] = ...) -> None: ...

class OfferTerms(_message.Message):
    __slots__ = ("offer_set", "down_payment_bps", "fees_discount_bps", "interest_discount_bps", "principal_discount_bps")
    OFFER_SET_FIELD_NUMBER: _ClassVar[int]
    DOWN_PAYMENT_BPS_FIELD_NUMBER: _ClassVar[int]
    FEES_DISCOUNT_BPS_FIELD_NUMBER: _ClassVar[int]
    INTEREST_DISCOUNT_BPS_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_DISCOUNT_BPS_FIELD_NUMBER: _ClassVar[int]
    offer_set: str
    down_payment_bps: int
    fees_discount_bps: int
    interest_discount_bps: int
    principal_discount_bps: int
    def __init__(self, offer_set: _Optional[str] = ..., down_payment_bps: _Optional[int] = ..., fees_discount_bps: _Optional[int] = ..., interest_discount_bps: _Optional[int] = ..., principal_discount_bps: _Optional[int] = ...) -> None: ...

class ListOffersRequest(_message.Message):
    __slots__ = ("debt_id", "installment_counts", "debt_ids", "terms")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    INSTALLMENT_COUNTS_FIELD_NUMBER: _ClassVar[int]
    DEBT_IDS_FIELD_NUMBER: _ClassVar[int]
    TERMS_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    installment_counts: _containers.RepeatedScalarFieldContainer[int]
    debt_ids: _containers.RepeatedScalarFieldContainer[str]
    terms: OfferTerms
    def __init__(self, debt_id: _Optional[str] = ..., installment_counts: _Optional[_Iterable[int]] = ..., debt_ids: _Optional[_Iterable[str]] = ..., terms: _Optional[_Union[OfferTerms, _Mapping]] = ...) -> None: ...

class ListOffersResponse(_message.Message):
    __slots__ = ("offers",)
    OFFERS_FIELD_NUMBER: _ClassVar[int]
    offers: _containers.RepeatedCompositeFieldContainer[Offer]
    def __init__(self, offers: _Optional[_Iterable[_Union[Offer, _Mapping]]] = ...) -> None: ...

class AcceptOfferRequest(_message.Message):
    __slots__ = ("debt_id", "offer_id")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    OFFER_ID_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    offer_id: str
    def __init__(self, debt_id: _Optional[str] = ..., offer_id: _Optional[str] = ...) -> None: ...

class Agreement(_message.Message):
    __slots__ = ("id", "debtor_id", "debt_ids", "state", "installments", "total", "paid", "credit", "offer_id", "grace_days", "payment_links", "shares", "cancel_reason", "valid_until")
    ID_FIELD_NUMBER: _ClassVar[int]
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    DEBT_IDS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    INSTALLMENTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    PAID_FIELD_NUMBER: _ClassVar[int]
    CREDIT_FIELD_NUMBER: _ClassVar[int]
    OFFER_ID_FIELD_NUMBER: _ClassVar[int]
    GRACE_DAYS_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_LINKS_FIELD_NUMBER: _ClassVar[int]
    SHARES_FIELD_NUMBER: _ClassVar[int]
    CANCEL_REASON_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    id: str
    debtor_id: str
    debt_ids: _containers.RepeatedScalarFieldContainer[str]
    state: AgreementState
    installments: _containers.RepeatedCompositeFieldContainer[Installment]
    total: _types_pb2.Money
    paid: _types_pb2.Money
    credit: _types_pb2.Money
    offer_id: str
    grace_days: int
    payment_links: _containers.RepeatedCompositeFieldContainer[PaymentLink]
    shares: _containers.RepeatedCompositeFieldContainer[DebtShare]
    cancel_reason: str
    valid_until: str
    def __init__(self, id: _Optional[str] = ..., debtor_id: _Optional[str] = ..., debt_ids: _Optional[_Iterable[str]] = ..., state: _Optional[_Union[AgreementState, str]] = ..., installments: _Optional[_Iterable[_Union[Installment, _Mapping]]] = ..., total: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., paid: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., credit: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., offer_id: _Optional[str] = ..., grace_days: _Optional[int] = ..., payment_links: _Optional[_Iterable[_Union[PaymentLink, _Mapping]]] = ..., shares: _Optional[_Iterable[_Union[DebtShare, _Mapping]]] = ..., cancel_reason: _Optional[str] = ..., valid_until: _Optional[str] = ...) -> None: ...

class DebtShare(_message.Message):
    __slots__ = ("debt_id", "amount", "paid")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PAID_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    amount: _types_pb2.Money
    paid: _types_pb2.Money
    def __init__(self, debt_id: _Optional[str] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., paid: _Optional[_Union[_types_pb2.Money, _Mapping]] = ...) -> None: ...

class PaymentLink(_message.Message):
    __slots__ = ("installment", "txid", "pix_copia_e_cola", "pix_location", "boleto_barcode", "boleto_digitable_line", "amount", "due_date")
    INSTALLMENT_FIELD_NUMBER: _ClassVar[int]
    TXID_FIELD_NUMBER: _ClassVar[int]
    PIX_COPIA_E_COLA_FIELD_NUMBER: _ClassVar[int]
    PIX_LOCATION_FIELD_NUMBER: _ClassVar[int]
    BOLETO_BARCODE_FIELD_NUMBER: _ClassVar[int]
    BOLETO_DIGITABLE_LINE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    installment: int
    txid: str
    pix_copia_e_cola: str
    pix_location: str
    boleto_barcode: str
    boleto_digitable_line: str
    amount: _types_pb2.Money
    due_date: str
    def __init__(self, installment: _Optional[int] = ..., txid: _Optional[str] = ..., pix_copia_e_cola: _Optional[str] = ..., pix_location: _Optional[str] = ..., boleto_barcode: _Optional[str] = ..., boleto_digitable_line: _Optional[str] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., due_date: _Optional[str] = ...) -> None: ...

class AcceptOfferResponse(_message.Message):
    __slots__ = ("agreement", "created")
    AGREEMENT_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    agreement: Agreement
    created: bool
    def __init__(self, agreement: _Optional[_Union[Agreement, _Mapping]] = ..., created: _Optional[bool] = ...) -> None: ...

class GetAgreementRequest(_message.Message):
    __slots__ = ("agreement_id",)
    AGREEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    agreement_id: str
    def __init__(self, agreement_id: _Optional[str] = ...) -> None: ...

class GetAgreementResponse(_message.Message):
    __slots__ = ("agreement",)
    AGREEMENT_FIELD_NUMBER: _ClassVar[int]
    agreement: Agreement
    def __init__(self, agreement: _Optional[_Union[Agreement, _Mapping]] = ...) -> None: ...

class CheckAgreementsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CheckAgreementsResponse(_message.Message):
    __slots__ = ("broken",)
    BROKEN_FIELD_NUMBER: _ClassVar[int]
    broken: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, broken: _Optional[_Iterable[str]] = ...) -> None: ...

class ProposeOfferRequest(_message.Message):
    __slots__ = ("debt_id", "offer_id")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    OFFER_ID_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    offer_id: str
    def __init__(self, debt_id: _Optional[str] = ..., offer_id: _Optional[str] = ...) -> None: ...

class ProposeOfferResponse(_message.Message):
    __slots__ = ("agreement", "created")
    AGREEMENT_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    agreement: Agreement
    created: bool
    def __init__(self, agreement: _Optional[_Union[Agreement, _Mapping]] = ..., created: _Optional[bool] = ...) -> None: ...

class AcceptAgreementRequest(_message.Message):
    __slots__ = ("agreement_id",)
    AGREEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    agreement_id: str
    def __init__(self, agreement_id: _Optional[str] = ...) -> None: ...

class AcceptAgreementResponse(_message.Message):
    __slots__ = ("agreement", "changed")
    AGREEMENT_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    agreement: Agreement
    changed: bool
    def __init__(self, agreement: _Optional[_Union[Agreement, _Mapping]] = ..., changed: _Optional[bool] = ...) -> None: ...

class CancelAgreementRequest(_message.Message):
    __slots__ = ("agreement_id", "reason")
    AGREEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    agreement_id: str
    reason: str
    def __init__(self, agreement_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class CancelAgreementResponse(_message.Message):
    __slots__ = ("agreement", "changed")
    AGREEMENT_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    agreement: Agreement
    changed: bool
    def __init__(self, agreement: _Optional[_Union[Agreement, _Mapping]] = ..., changed: _Optional[bool] = ...) -> None: ...

class GetDebtStandingRequest(_message.Message):
    __slots__ = ("debt_id",)
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    def __init__(self, debt_id: _Optional[str] = ...) -> None: ...

class GetDebtStandingResponse(_message.Message):
    __slots__ = ("debt_id", "standing", "agreement_id", "next_installment", "installments", "detail")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    STANDING_FIELD_NUMBER: _ClassVar[int]
    AGREEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    NEXT_INSTALLMENT_FIELD_NUMBER: _ClassVar[int]
    INSTALLMENTS_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    standing: DebtStanding
    agreement_id: str
    next_installment: Installment
    installments: int
    detail: str
    def __init__(self, debt_id: _Optional[str] = ..., standing: _Optional[_Union[DebtStanding, str]] = ..., agreement_id: _Optional[str] = ..., next_installment: _Optional[_Union[Installment, _Mapping]] = ..., installments: _Optional[int] = ..., detail: _Optional[str] = ...) -> None: ...
