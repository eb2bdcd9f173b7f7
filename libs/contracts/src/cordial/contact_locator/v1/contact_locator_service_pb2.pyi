from cordial.types.v1 import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ContactSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONTACT_SOURCE_UNSPECIFIED: _ClassVar[ContactSource]
    CONTACT_SOURCE_DEBTOR: _ClassVar[ContactSource]
    CONTACT_SOURCE_AGENT: _ClassVar[ContactSource]

class BatchState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BATCH_STATE_UNSPECIFIED: _ClassVar[BatchState]
    BATCH_STATE_RUNNING: _ClassVar[BatchState]
    BATCH_STATE_DONE: _ClassVar[BatchState]
    BATCH_STATE_INTERRUPTED: _ClassVar[BatchState]
CONTACT_SOURCE_UNSPECIFIED: ContactSource
CONTACT_SOURCE_DEBTOR: ContactSource
CONTACT_SOURCE_AGENT: ContactSource
BATCH_STATE_UNSPECIFIED: BatchState
BATCH_STATE_RUNNING: BatchState
BATCH_STATE_DONE: BatchState
BATCH_STATE_INTERRUPTED: BatchState

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

class SuppliedContact(_message.Message):
    __slots__ = ("kind", "value")
    KIND_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    kind: _types_pb2.ContactKind
    value: str
    def __init__(self, kind: _Optional[_Union[_types_pb2.ContactKind, str]] = ..., value: _Optional[str] = ...) -> None: ...

class AddContactPointsRequest(_message.Message):
    __slots__ = ("debtor_id", "debt_id", "source", "contact_points")
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINTS_FIELD_NUMBER: _ClassVar[int]
    debtor_id: str
    debt_id: str
    source: ContactSource
    contact_points: _containers.RepeatedCompositeFieldContainer[SuppliedContact]
    def __init__(self, debtor_id: _Optional[str] = ..., debt_id: _Optional[str] = ..., source: _Optional[_Union[ContactSource, str]] = ..., contact_points: _Optional[_Iterable[_Union[SuppliedContact, _Mapping]]] = ...) -> None: ...

class RecordedContact(_message.Message):
    __slots__ = ("contact_point_id", "kind", "value", "valid", "reason", "source", "learned_at")
    CONTACT_POINT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    VALID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    LEARNED_AT_FIELD_NUMBER: _ClassVar[int]
    contact_point_id: str
    kind: _types_pb2.ContactKind
    value: str
    valid: bool
    reason: str
    source: str
    learned_at: str
    def __init__(self, contact_point_id: _Optional[str] = ..., kind: _Optional[_Union[_types_pb2.ContactKind, str]] = ..., value: _Optional[str] = ..., valid: _Optional[bool] = ..., reason: _Optional[str] = ..., source: _Optional[str] = ..., learned_at: _Optional[str] = ...) -> None: ...

class AddContactPointsResponse(_message.Message):
    __slots__ = ("contact_points",)
    CONTACT_POINTS_FIELD_NUMBER: _ClassVar[int]
    contact_points: _containers.RepeatedCompositeFieldContainer[RecordedContact]
    def __init__(self, contact_points: _Optional[_Iterable[_Union[RecordedContact, _Mapping]]] = ...) -> None: ...

class StartVerificationBatchRequest(_message.Message):
    __slots__ = ("debtor_ids", "numbers", "reference")
    DEBTOR_IDS_FIELD_NUMBER: _ClassVar[int]
    NUMBERS_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    debtor_ids: _containers.RepeatedScalarFieldContainer[str]
    numbers: _containers.RepeatedScalarFieldContainer[str]
    reference: str
    def __init__(self, debtor_ids: _Optional[_Iterable[str]] = ..., numbers: _Optional[_Iterable[str]] = ..., reference: _Optional[str] = ...) -> None: ...

class StartVerificationBatchResponse(_message.Message):
    __slots__ = ("batch_id", "batch")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    batch: VerificationBatch
    def __init__(self, batch_id: _Optional[str] = ..., batch: _Optional[_Union[VerificationBatch, _Mapping]] = ...) -> None: ...

class GetVerificationBatchRequest(_message.Message):
    __slots__ = ("batch_id",)
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    def __init__(self, batch_id: _Optional[str] = ...) -> None: ...

class VerificationBatch(_message.Message):
    __slots__ = ("batch_id", "state", "total", "done", "cached", "paid", "refused_budget", "failed", "started_at", "finished_at", "pending", "whatsapp_total", "whatsapp_cached", "whatsapp_paid", "whatsapp_refused_budget", "whatsapp_failed", "whatsapp_skipped", "whatsapp_pending")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    CACHED_FIELD_NUMBER: _ClassVar[int]
    PAID_FIELD_NUMBER: _ClassVar[int]
    REFUSED_BUDGET_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    FINISHED_AT_FIELD_NUMBER: _ClassVar[int]
    PENDING_FIELD_NUMBER: _ClassVar[int]
    WHATSAPP_TOTAL_FIELD_NUMBER: _ClassVar[int]
    WHATSAPP_CACHED_FIELD_NUMBER: _ClassVar[int]
    WHATSAPP_PAID_FIELD_NUMBER: _ClassVar[int]
    WHATSAPP_REFUSED_BUDGET_FIELD_NUMBER: _ClassVar[int]
    WHATSAPP_FAILED_FIELD_NUMBER: _ClassVar[int]
    WHATSAPP_SKIPPED_FIELD_NUMBER: _ClassVar[int]
    WHATSAPP_PENDING_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    state: BatchState
    total: int
    done: int
    cached: int
    paid: int
    refused_budget: int
    failed: int
    started_at: str
    finished_at: str
    pending: int
    whatsapp_total: int
    whatsapp_cached: int
    whatsapp_paid: int
    whatsapp_refused_budget: int
    whatsapp_failed: int
    whatsapp_skipped: int
    whatsapp_pending: int
    def __init__(self, batch_id: _Optional[str] = ..., state: _Optional[_Union[BatchState, str]] = ..., total: _Optional[int] = ..., done: _Optional[int] = ..., cached: _Optional[int] = ..., paid: _Optional[int] = ..., refused_budget: _Optional[int] = ..., failed: _Optional[int] = ..., started_at: _Optional[str] = ..., finished_at: _Optional[str] = ..., pending: _Optional[int] = ..., whatsapp_total: _Optional[int] = ..., whatsapp_cached: _Optional[int] = ..., whatsapp_paid: _Optional[int] = ..., whatsapp_refused_budget: _Optional[int] = ..., whatsapp_failed: _Optional[int] = ..., whatsapp_skipped: _Optional[int] = ..., whatsapp_pending: _Optional[int] = ...) -> None: ...

class GetVerificationBatchResponse(_message.Message):
    __slots__ = ("batch",)
    BATCH_FIELD_NUMBER: _ClassVar[int]
    batch: VerificationBatch
    def __init__(self, batch: _Optional[_Union[VerificationBatch, _Mapping]] = ...) -> None: ...

class GetRightPartyContactRatesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RightPartyContactRate(_message.Message):
    __slots__ = ("source", "provider", "channel", "contacted", "right_party", "wrong_party", "rate")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CONTACTED_FIELD_NUMBER: _ClassVar[int]
    RIGHT_PARTY_FIELD_NUMBER: _ClassVar[int]
    WRONG_PARTY_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    source: str
    provider: str
    channel: _types_pb2.Channel
    contacted: int
    right_party: int
    wrong_party: int
    rate: float
    def __init__(self, source: _Optional[str] = ..., provider: _Optional[str] = ..., channel: _Optional[_Union[_types_pb2.Channel, str]] = ..., contacted: _Optional[int] = ..., right_party: _Optional[int] = ..., wrong_party: _Optional[int] = ..., rate: _Optional[float] = ...) -> None: ...

class GetRightPartyContactRatesResponse(_message.Message):
    __slots__ = ("rates",)
    RATES_FIELD_NUMBER: _ClassVar[int]
    rates: _containers.RepeatedCompositeFieldContainer[RightPartyContactRate]
    def __init__(self, rates: _Optional[_Iterable[_Union[RightPartyContactRate, _Mapping]]] = ...) -> None: ...
