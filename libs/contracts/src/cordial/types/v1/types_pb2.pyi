from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Channel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHANNEL_UNSPECIFIED: _ClassVar[Channel]
    CHANNEL_SMS: _ClassVar[Channel]
    CHANNEL_WHATSAPP: _ClassVar[Channel]
    CHANNEL_EMAIL: _ClassVar[Channel]
    CHANNEL_VOICE: _ClassVar[Channel]
    CHANNEL_LETTER: _ClassVar[Channel]

class ContactKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONTACT_KIND_UNSPECIFIED: _ClassVar[ContactKind]
    CONTACT_KIND_PHONE: _ClassVar[ContactKind]
    CONTACT_KIND_EMAIL: _ClassVar[ContactKind]
    CONTACT_KIND_ADDRESS: _ClassVar[ContactKind]

class DebtorKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DEBTOR_KIND_UNSPECIFIED: _ClassVar[DebtorKind]
    DEBTOR_KIND_PERSON: _ClassVar[DebtorKind]
    DEBTOR_KIND_COMPANY: _ClassVar[DebtorKind]
CHANNEL_UNSPECIFIED: Channel
CHANNEL_SMS: Channel
CHANNEL_WHATSAPP: Channel
CHANNEL_EMAIL: Channel
CHANNEL_VOICE: Channel
CHANNEL_LETTER: Channel
CONTACT_KIND_UNSPECIFIED: ContactKind
CONTACT_KIND_PHONE: ContactKind
CONTACT_KIND_EMAIL: ContactKind
CONTACT_KIND_ADDRESS: ContactKind
DEBTOR_KIND_UNSPECIFIED: DebtorKind
DEBTOR_KIND_PERSON: DebtorKind
DEBTOR_KIND_COMPANY: DebtorKind

class Money(_message.Message):
    __slots__ = ("amount_minor", "currency")
    AMOUNT_MINOR_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    amount_minor: int
    currency: str
    def __init__(self, amount_minor: _Optional[int] = ..., currency: _Optional[str] = ...) -> None: ...

class ContactPointInput(_message.Message):
    __slots__ = ("kind", "value")
    KIND_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    kind: ContactKind
    value: str
    def __init__(self, kind: _Optional[_Union[ContactKind, str]] = ..., value: _Optional[str] = ...) -> None: ...
