"""The payment provider's PIX webhook: its signature and the payments it reports.

Body ``{"pix": [{"endToEndId", "txid", "valor": "123.45", "horario"}]}`` (BCB PIX API), signed
``X-Webhook-Signature: sha256=<HMAC-SHA256 of the body>`` with the secret shared with the provider.
The endToEndId names the payment across the PIX system, so it is the payment reference: the same
notification delivered twice records one payment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cordial_gateway.domain.webhooks import whatsapp_signature_ok

_VALOR = re.compile(r"^(\d{1,12})\.(\d{2})$")


@dataclass(frozen=True)
class PixPayment:
    """One PIX payment a notification reports."""

    end_to_end_id: str
    txid: str
    amount_minor: int


class BadNotification(ValueError):
    """A notification that does not carry what the API promises; names the field."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """True when the header is ``sha256=`` and the HMAC-SHA256 of the body with the secret."""
    return whatsapp_signature_ok(secret, body, header)


def payments(payload: Any) -> list[PixPayment]:
    """The payments of a notification, each checked; a charge-less payment (no txid) is not ours to record."""
    items = payload.get("pix") if isinstance(payload, dict) else None
    if not isinstance(items, list):
        raise BadNotification("pix", "must be a list of payments")
    found = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise BadNotification(f"pix[{i}]", "must be an object")
        e2e, txid, valor = item.get("endToEndId"), item.get("txid"), item.get("valor")
        if not isinstance(e2e, str) or not e2e:
            raise BadNotification(f"pix[{i}].endToEndId", "is required")
        match = _VALOR.match(valor) if isinstance(valor, str) else None
        if match is None:
            raise BadNotification(f"pix[{i}].valor", "must be an amount with two decimals, e.g. 123.45")
        if isinstance(txid, str) and txid:
            found.append(PixPayment(e2e, txid, int(match.group(1)) * 100 + int(match.group(2))))
    return found


def outcome(end_to_end_id: str, created: bool, unapplied_reason: str = "") -> dict[str, str]:
    """What the answer says of one payment: recorded, kept unapplied (with why) or a duplicate."""
    if not created:
        return {"endToEndId": end_to_end_id, "status": "duplicate"}
    if unapplied_reason:
        return {"endToEndId": end_to_end_id, "status": "unapplied", "reason": unapplied_reason}
    return {"endToEndId": end_to_end_id, "status": "recorded"}
