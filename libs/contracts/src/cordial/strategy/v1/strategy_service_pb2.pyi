import datetime

from cordial.types.v1 import types_pb2 as _types_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SegmentRule(_message.Message):
    __slots__ = ("segment", "min_days", "max_days", "min_balance_minor", "max_broken", "reasons", "company", "flags", "min_broken", "min_kept")
    SEGMENT_FIELD_NUMBER: _ClassVar[int]
    MIN_DAYS_FIELD_NUMBER: _ClassVar[int]
    MAX_DAYS_FIELD_NUMBER: _ClassVar[int]
    MIN_BALANCE_MINOR_FIELD_NUMBER: _ClassVar[int]
    MAX_BROKEN_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    COMPANY_FIELD_NUMBER: _ClassVar[int]
    FLAGS_FIELD_NUMBER: _ClassVar[int]
    MIN_BROKEN_FIELD_NUMBER: _ClassVar[int]
    MIN_KEPT_FIELD_NUMBER: _ClassVar[int]
    segment: str
    min_days: int
    max_days: int
    min_balance_minor: int
    max_broken: int
    reasons: _containers.RepeatedScalarFieldContainer[str]
    company: bool
    flags: _containers.RepeatedScalarFieldContainer[str]
    min_broken: int
    min_kept: int
    def __init__(self, segment: _Optional[str] = ..., min_days: _Optional[int] = ..., max_days: _Optional[int] = ..., min_balance_minor: _Optional[int] = ..., max_broken: _Optional[int] = ..., reasons: _Optional[_Iterable[str]] = ..., company: _Optional[bool] = ..., flags: _Optional[_Iterable[str]] = ..., min_broken: _Optional[int] = ..., min_kept: _Optional[int] = ...) -> None: ...

class TreatmentStep(_message.Message):
    __slots__ = ("name", "channels", "template", "day_offset", "on_event", "tone", "offer_set")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    DAY_OFFSET_FIELD_NUMBER: _ClassVar[int]
    ON_EVENT_FIELD_NUMBER: _ClassVar[int]
    TONE_FIELD_NUMBER: _ClassVar[int]
    OFFER_SET_FIELD_NUMBER: _ClassVar[int]
    name: str
    channels: _containers.RepeatedScalarFieldContainer[str]
    template: str
    day_offset: int
    on_event: str
    tone: str
    offer_set: str
    def __init__(self, name: _Optional[str] = ..., channels: _Optional[_Iterable[str]] = ..., template: _Optional[str] = ..., day_offset: _Optional[int] = ..., on_event: _Optional[str] = ..., tone: _Optional[str] = ..., offer_set: _Optional[str] = ...) -> None: ...

class TreatmentPath(_message.Message):
    __slots__ = ("segment", "steps")
    SEGMENT_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    segment: str
    steps: _containers.RepeatedCompositeFieldContainer[TreatmentStep]
    def __init__(self, segment: _Optional[str] = ..., steps: _Optional[_Iterable[_Union[TreatmentStep, _Mapping]]] = ...) -> None: ...

class StrategyDocument(_message.Message):
    __slots__ = ("name", "segments", "paths", "escalation", "offer_sets", "escalation_conditions", "hardship_offer_set")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SEGMENTS_FIELD_NUMBER: _ClassVar[int]
    PATHS_FIELD_NUMBER: _ClassVar[int]
    ESCALATION_FIELD_NUMBER: _ClassVar[int]
    OFFER_SETS_FIELD_NUMBER: _ClassVar[int]
    ESCALATION_CONDITIONS_FIELD_NUMBER: _ClassVar[int]
    HARDSHIP_OFFER_SET_FIELD_NUMBER: _ClassVar[int]
    name: str
    segments: _containers.RepeatedCompositeFieldContainer[SegmentRule]
    paths: _containers.RepeatedCompositeFieldContainer[TreatmentPath]
    escalation: _containers.RepeatedScalarFieldContainer[str]
    offer_sets: _containers.RepeatedCompositeFieldContainer[OfferSet]
    escalation_conditions: EscalationConditions
    hardship_offer_set: str
    def __init__(self, name: _Optional[str] = ..., segments: _Optional[_Iterable[_Union[SegmentRule, _Mapping]]] = ..., paths: _Optional[_Iterable[_Union[TreatmentPath, _Mapping]]] = ..., escalation: _Optional[_Iterable[str]] = ..., offer_sets: _Optional[_Iterable[_Union[OfferSet, _Mapping]]] = ..., escalation_conditions: _Optional[_Union[EscalationConditions, _Mapping]] = ..., hardship_offer_set: _Optional[str] = ...) -> None: ...

class OfferSet(_message.Message):
    __slots__ = ("name", "installment_counts", "down_payment_bps", "fees_discount_bps", "interest_discount_bps", "principal_discount_bps")
    NAME_FIELD_NUMBER: _ClassVar[int]
    INSTALLMENT_COUNTS_FIELD_NUMBER: _ClassVar[int]
    DOWN_PAYMENT_BPS_FIELD_NUMBER: _ClassVar[int]
    FEES_DISCOUNT_BPS_FIELD_NUMBER: _ClassVar[int]
    INTEREST_DISCOUNT_BPS_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_DISCOUNT_BPS_FIELD_NUMBER: _ClassVar[int]
    name: str
    installment_counts: _containers.RepeatedScalarFieldContainer[int]
    down_payment_bps: int
    fees_discount_bps: int
    interest_discount_bps: int
    principal_discount_bps: int
    def __init__(self, name: _Optional[str] = ..., installment_counts: _Optional[_Iterable[int]] = ..., down_payment_bps: _Optional[int] = ..., fees_discount_bps: _Optional[int] = ..., interest_discount_bps: _Optional[int] = ..., principal_discount_bps: _Optional[int] = ...) -> None: ...

class EscalationConditions(_message.Message):
    __slots__ = ("min_balance_minor", "min_days_past_due", "client_opted_in")
    MIN_BALANCE_MINOR_FIELD_NUMBER: _ClassVar[int]
    MIN_DAYS_PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    CLIENT_OPTED_IN_FIELD_NUMBER: _ClassVar[int]
    min_balance_minor: int
    min_days_past_due: int
    client_opted_in: bool
    def __init__(self, min_balance_minor: _Optional[int] = ..., min_days_past_due: _Optional[int] = ..., client_opted_in: _Optional[bool] = ...) -> None: ...

class StrategyProblem(_message.Message):
    __slots__ = ("field", "reason")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    field: str
    reason: str
    def __init__(self, field: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class StrategyVersion(_message.Message):
    __slots__ = ("version", "document", "created_at")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    version: int
    document: StrategyDocument
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, version: _Optional[int] = ..., document: _Optional[_Union[StrategyDocument, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class VariantShare(_message.Message):
    __slots__ = ("version", "percent")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    PERCENT_FIELD_NUMBER: _ClassVar[int]
    version: int
    percent: int
    def __init__(self, version: _Optional[int] = ..., percent: _Optional[int] = ...) -> None: ...

class ValidateStrategyRequest(_message.Message):
    __slots__ = ("document",)
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    document: StrategyDocument
    def __init__(self, document: _Optional[_Union[StrategyDocument, _Mapping]] = ...) -> None: ...

class ValidateStrategyResponse(_message.Message):
    __slots__ = ("problems",)
    PROBLEMS_FIELD_NUMBER: _ClassVar[int]
    problems: _containers.RepeatedCompositeFieldContainer[StrategyProblem]
    def __init__(self, problems: _Optional[_Iterable[_Union[StrategyProblem, _Mapping]]] = ...) -> None: ...

class SaveStrategyRequest(_message.Message):
    __slots__ = ("document", "agency_default")
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    AGENCY_DEFAULT_FIELD_NUMBER: _ClassVar[int]
    document: StrategyDocument
    agency_default: bool
    def __init__(self, document: _Optional[_Union[StrategyDocument, _Mapping]] = ..., agency_default: _Optional[bool] = ...) -> None: ...

class SaveStrategyResponse(_message.Message):
    __slots__ = ("saved",)
    SAVED_FIELD_NUMBER: _ClassVar[int]
    saved: StrategyVersion
    def __init__(self, saved: _Optional[_Union[StrategyVersion, _Mapping]] = ...) -> None: ...

class ActivateStrategyRequest(_message.Message):
    __slots__ = ("shares", "agency_default")
    SHARES_FIELD_NUMBER: _ClassVar[int]
    AGENCY_DEFAULT_FIELD_NUMBER: _ClassVar[int]
    shares: _containers.RepeatedCompositeFieldContainer[VariantShare]
    agency_default: bool
    def __init__(self, shares: _Optional[_Iterable[_Union[VariantShare, _Mapping]]] = ..., agency_default: _Optional[bool] = ...) -> None: ...

class ActivateStrategyResponse(_message.Message):
    __slots__ = ("shares", "activated_at")
    SHARES_FIELD_NUMBER: _ClassVar[int]
    ACTIVATED_AT_FIELD_NUMBER: _ClassVar[int]
    shares: _containers.RepeatedCompositeFieldContainer[VariantShare]
    activated_at: _timestamp_pb2.Timestamp
    def __init__(self, shares: _Optional[_Iterable[_Union[VariantShare, _Mapping]]] = ..., activated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListStrategiesRequest(_message.Message):
    __slots__ = ("agency_default",)
    AGENCY_DEFAULT_FIELD_NUMBER: _ClassVar[int]
    agency_default: bool
    def __init__(self, agency_default: _Optional[bool] = ...) -> None: ...

class ListStrategiesResponse(_message.Message):
    __slots__ = ("versions", "active")
    VERSIONS_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    versions: _containers.RepeatedCompositeFieldContainer[StrategyVersion]
    active: _containers.RepeatedCompositeFieldContainer[VariantShare]
    def __init__(self, versions: _Optional[_Iterable[_Union[StrategyVersion, _Mapping]]] = ..., active: _Optional[_Iterable[_Union[VariantShare, _Mapping]]] = ...) -> None: ...

class MoveDebtStrategyRequest(_message.Message):
    __slots__ = ("debt_id", "version")
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    version: int
    def __init__(self, debt_id: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class MoveDebtStrategyResponse(_message.Message):
    __slots__ = ("version",)
    VERSION_FIELD_NUMBER: _ClassVar[int]
    version: int
    def __init__(self, version: _Optional[int] = ...) -> None: ...

class GetVariantResultsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class VariantResult(_message.Message):
    __slots__ = ("scope", "version", "variant", "debts", "contacted", "right_party_contacts", "agreements", "recovered", "messages_sent", "cost")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    VARIANT_FIELD_NUMBER: _ClassVar[int]
    DEBTS_FIELD_NUMBER: _ClassVar[int]
    CONTACTED_FIELD_NUMBER: _ClassVar[int]
    RIGHT_PARTY_CONTACTS_FIELD_NUMBER: _ClassVar[int]
    AGREEMENTS_FIELD_NUMBER: _ClassVar[int]
    RECOVERED_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_SENT_FIELD_NUMBER: _ClassVar[int]
    COST_FIELD_NUMBER: _ClassVar[int]
    scope: str
    version: int
    variant: str
    debts: int
    contacted: int
    right_party_contacts: int
    agreements: int
    recovered: _types_pb2.Money
    messages_sent: int
    cost: _types_pb2.Money
    def __init__(self, scope: _Optional[str] = ..., version: _Optional[int] = ..., variant: _Optional[str] = ..., debts: _Optional[int] = ..., contacted: _Optional[int] = ..., right_party_contacts: _Optional[int] = ..., agreements: _Optional[int] = ..., recovered: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., messages_sent: _Optional[int] = ..., cost: _Optional[_Union[_types_pb2.Money, _Mapping]] = ...) -> None: ...

class GetVariantResultsResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[VariantResult]
    def __init__(self, results: _Optional[_Iterable[_Union[VariantResult, _Mapping]]] = ...) -> None: ...

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
    __slots__ = ("debtor_id", "debt_id", "channel", "contact_point_id", "action_id", "purpose")
    DEBTOR_ID_FIELD_NUMBER: _ClassVar[int]
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINT_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    debtor_id: str
    debt_id: str
    channel: _types_pb2.Channel
    contact_point_id: str
    action_id: str
    purpose: str
    def __init__(self, debtor_id: _Optional[str] = ..., debt_id: _Optional[str] = ..., channel: _Optional[_Union[_types_pb2.Channel, str]] = ..., contact_point_id: _Optional[str] = ..., action_id: _Optional[str] = ..., purpose: _Optional[str] = ...) -> None: ...

class CheckContactResponse(_message.Message):
    __slots__ = ("decision", "next_allowed_at", "retry")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    NEXT_ALLOWED_AT_FIELD_NUMBER: _ClassVar[int]
    RETRY_FIELD_NUMBER: _ClassVar[int]
    decision: Decision
    next_allowed_at: _timestamp_pb2.Timestamp
    retry: bool
    def __init__(self, decision: _Optional[_Union[Decision, _Mapping]] = ..., next_allowed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., retry: _Optional[bool] = ...) -> None: ...

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

class GetOfferSetRequest(_message.Message):
    __slots__ = ("debt_id",)
    DEBT_ID_FIELD_NUMBER: _ClassVar[int]
    debt_id: str
    def __init__(self, debt_id: _Optional[str] = ...) -> None: ...

class GetOfferSetResponse(_message.Message):
    __slots__ = ("installment_counts", "step", "offer_set", "down_payment_bps", "fees_discount_bps", "interest_discount_bps", "principal_discount_bps")
    INSTALLMENT_COUNTS_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    OFFER_SET_FIELD_NUMBER: _ClassVar[int]
    DOWN_PAYMENT_BPS_FIELD_NUMBER: _ClassVar[int]
    FEES_DISCOUNT_BPS_FIELD_NUMBER: _ClassVar[int]
    INTEREST_DISCOUNT_BPS_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_DISCOUNT_BPS_FIELD_NUMBER: _ClassVar[int]
    installment_counts: _containers.RepeatedScalarFieldContainer[int]
    step: str
    offer_set: str
    down_payment_bps: int
    fees_discount_bps: int
    interest_discount_bps: int
    principal_discount_bps: int
    def __init__(self, installment_counts: _Optional[_Iterable[int]] = ..., step: _Optional[str] = ..., offer_set: _Optional[str] = ..., down_payment_bps: _Optional[int] = ..., fees_discount_bps: _Optional[int] = ..., interest_discount_bps: _Optional[int] = ..., principal_discount_bps: _Optional[int] = ...) -> None: ...
