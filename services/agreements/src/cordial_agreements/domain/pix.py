"""PIX BR Code ("copia e cola"): EMV merchant-presented payload with the BCB's GUI and a CRC16-CCITT-FALSE.

Layout per the BCB "Manual de Padrões para Iniciação do Pix": each field is ID (2 digits), length (2 digits)
and value. A static code carries the receiver's key (26.01); a dynamic one the charge's location URL
(26.25) and point of initiation 12 (one payment). The CRC (63) covers everything before it, "6304" included.
"""

from __future__ import annotations

from cordial_core.errors import InvalidArgument

GUI = "br.gov.bcb.pix"
BRL = "986"


def crc16_ccitt_false(data: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) as four upper-case hex digits."""
    crc = 0xFFFF
    for byte in data.encode("utf-8"):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def field(tag: str, value: str) -> str:
    """One EMV TLV field; values are at most 99 characters."""
    if len(value) > 99:
        raise InvalidArgument("is longer than 99 characters", field=f"emv.{tag}")
    return f"{tag}{len(value):02d}{value}"


def _amount(amount_minor: int | None) -> str:
    if amount_minor is None:
        return ""
    if amount_minor <= 0:
        raise InvalidArgument("must be greater than zero", field="amount_minor")
    return field("54", f"{amount_minor // 100}.{amount_minor % 100:02d}")


def _finish(body: str) -> str:
    unsigned = body + "6304"
    return unsigned + crc16_ccitt_false(unsigned)


def _tail(name: str, city: str, txid: str) -> str:
    if not name:
        raise InvalidArgument("is required", field="merchant_name")
    if not city:
        raise InvalidArgument("is required", field="merchant_city")
    return field("58", "BR") + field("59", name[:25]) + field("60", city[:15]) + field("62", field("05", txid))


def static_code(key: str, name: str, city: str, amount_minor: int | None = None, txid: str = "***") -> str:
    """A static BR Code for a PIX key, optionally with a fixed amount and a txid."""
    if not key:
        raise InvalidArgument("is required", field="pix_key")
    account = field("26", field("00", GUI) + field("01", key))
    body = field("00", "01") + account + field("52", "0000") + field("53", BRL) + _amount(amount_minor)
    return _finish(body + _tail(name, city, txid))


def dynamic_code(location: str, name: str, city: str, amount_minor: int | None = None) -> str:
    """A dynamic BR Code for a charge (cob) the provider serves at `location` (URL without scheme)."""
    if not location or location.startswith(("http://", "https://")):
        raise InvalidArgument("is the charge's URL without its scheme", field="location")
    account = field("26", field("00", GUI) + field("25", location))
    body = field("00", "01") + field("01", "12") + account + field("52", "0000") + field("53", BRL)
    return _finish(body + _amount(amount_minor) + _tail(name, city, "***"))


def valid(code: str) -> bool:
    """Whether a BR Code's CRC matches its content."""
    return len(code) > 8 and code[-8:-4] == "6304" and crc16_ccitt_false(code[:-4]) == code[-4:].upper()
