"""E-mail: a local SMTP sink (``aiosmtpd``) whose received mails land in the sandbox inbox.

The sink listens on its own port (``--smtp-port``), speaks ESMTP with ``AUTH PLAIN``/``LOGIN``
where the password must equal the sandbox token (any username; TLS is not required on the
loopback), and records every accepted mail once per recipient with channel ``email``:
``to`` is the recipient address, ``body`` the text/plain part, ``payload`` has ``from``,
``subject``, ``message_id`` (the ``Message-ID`` header) and the raw headers. The server's
queue id, answered in ``250 2.0.0 OK <id>``, is the inbox entry id.

An armed fault on channel ``email`` refuses the next mail: a status of 429 or 5xx answers
``451 4.3.0`` (try again later), anything else ``550 5.7.1`` (refused for good).
``GET /sandbox/smtp`` says where the sink listens.
"""

import uuid
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from fastapi import APIRouter

from cordial_sandbox.provider import Provider
from cordial_sandbox.state import SandboxState, State

CHANNEL = "email"


class _Handler:
    """aiosmtpd handler: records accepted mails in the inbox."""

    def __init__(self, state: SandboxState) -> None:
        self._state = state

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Accepts or refuses one mail."""
        status = self._state.faults.take(CHANNEL)
        if status is not None:
            if status == 429 or status >= 500:
                return f"451 4.3.0 Injected fault {status}, try again later"
            return f"550 5.7.1 Injected fault {status}, refused"
        raw = envelope.original_content or envelope.content or b""
        mail = message_from_bytes(raw if isinstance(raw, bytes) else raw.encode(), policy=policy.default)
        assert isinstance(mail, EmailMessage)
        part = mail.get_body(("plain",))
        body = part.get_content() if part is not None else ""
        queue_id = f"smtp-{uuid.uuid4().hex}"
        payload: dict[str, Any] = {
            "from": envelope.mail_from,
            "subject": str(mail.get("Subject", "")),
            "message_id": str(mail.get("Message-ID", "")),
            "headers": {k: str(v) for k, v in mail.items()},
        }
        for recipient in envelope.rcpt_tos:
            self._state.inbox.record(id=queue_id, channel=CHANNEL, to=recipient, body=body, payload=payload)
        return f"250 2.0.0 OK {queue_id}"


class SmtpSink:
    """The SMTP sink of one sandbox app, in its own thread and event loop."""

    def __init__(self, state: SandboxState, host: str, port: int) -> None:
        def authenticate(server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
            ok = isinstance(data, LoginPassword) and state.token_ok(data.password.decode())
            return AuthResult(success=ok, handled=False)

        self._controller = Controller(
            _Handler(state),
            hostname=host,
            port=port,
            authenticator=authenticate,
            auth_required=True,
            auth_require_tls=False,
        )
        state.smtp_port = port

    def start(self) -> None:
        """Starts listening."""
        self._controller.start()

    def stop(self) -> None:
        """Stops listening."""
        self._controller.stop()


def build_router() -> APIRouter:
    """``GET /sandbox/smtp``: where the sink listens."""
    router = APIRouter()

    def where(state: State) -> dict[str, Any]:
        return {"host": "127.0.0.1", "port": state.smtp_port}

    router.add_api_route("/sandbox/smtp", where, methods=["GET"])
    return router


PROVIDER = Provider(channel=CHANNEL, build_router=build_router)
