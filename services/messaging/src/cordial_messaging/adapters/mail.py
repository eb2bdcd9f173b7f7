"""E-mail over SMTP with ``aiosmtplib``: one connection per mail, the attempt id in the Message-ID."""

from __future__ import annotations

from email.message import EmailMessage

import aiosmtplib

from cordial_messaging.domain.dispatch import (
    Attempt,
    OutboundMessage,
    PermanentSendFailure,
    Reconciled,
    TransientSendFailure,
    UncertainSend,
)


class SmtpMail:
    """Sends the rendered text as a plain-text mail through an SMTP relay."""

    name = "smtp"

    def __init__(
        self, host: str, port: int, username: str, password: str, sender: str, *, start_tls: bool = False
    ) -> None:
        self._host, self._port = host, port
        self._username, self._password = username, password
        self._sender = sender
        self._start_tls = start_tls

    def compose(self, message: OutboundMessage) -> EmailMessage:
        """The mail: a subject naming the creditor, the text as its body."""
        mail = EmailMessage()
        creditor = message.parameters[0] if message.parameters else ""
        mail["Subject"] = f"Mensagem sobre sua conta com {creditor}" if creditor else "Mensagem sobre sua conta"
        mail["From"] = self._sender
        mail["To"] = message.to
        # Names the attempt, so a bounce or a copy of the mail leads back to it.
        mail["Message-ID"] = f"<{message.idempotency_key}@cordial>"
        mail.set_content(message.text)
        return mail

    async def send(self, message: OutboundMessage) -> str:
        """Hands the mail to the relay; returns the relay's queue id (or the Message-ID)."""
        mail = self.compose(message)
        try:
            _, reply = await aiosmtplib.send(
                mail,
                hostname=self._host,
                port=self._port,
                username=self._username,
                password=self._password,
                start_tls=self._start_tls,
                timeout=10,
            )
        except (aiosmtplib.SMTPConnectError, aiosmtplib.SMTPConnectTimeoutError) as exc:
            raise TransientSendFailure(f"{self.name} unreachable: {exc}") from exc
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            _raise_for(self.name, min(codes) if codes else 550, str(exc))
        except aiosmtplib.SMTPResponseException as exc:
            _raise_for(self.name, exc.code, exc.message)
        except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError) as exc:
            raise UncertainSend(f"{self.name} answer lost: {exc}") from exc
        words = reply.split()
        return words[-1] if words else str(mail["Message-ID"])

    async def reconcile(self, attempt: Attempt) -> Reconciled:
        """SMTP cannot be asked what it accepted: unknown."""
        return Reconciled(False)


def _raise_for(provider: str, code: int, detail: str) -> None:
    """4xx is a try-again-later, 5xx a refusal for good (RFC 5321 §4.2.1)."""
    if 400 <= code < 500:
        raise TransientSendFailure(f"{provider} answered {code}: {detail}")
    raise PermanentSendFailure(f"{provider} answered {code}: {detail}")
