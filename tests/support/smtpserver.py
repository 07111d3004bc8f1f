"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, can demand a login,
and can answer the next deliveries with a temporary failure."""

from __future__ import annotations

import email
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Inbox:
    """The server's handler: messages received, logins tried, failures still to give."""

    user: str | None = None
    password: str | None = None
    fail_next: int = 0  # DATA answered "451" this many more times
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    attempts: int = 0  # DATA commands seen

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.attempts += 1
        if self.fail_next > 0:
            self.fail_next -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        message = email.message_from_bytes(envelope.original_content, policy=default)
        self.messages.append(message)  # type: ignore[arg-type]
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user, password = data.login.decode(), data.password.decode()
        self.logins.append((user, password))
        # handled=False: the server itself answers a refusal (535).
        return AuthResult(success=(user, password) == (self.user, self.password), handled=False)


class SmtpServer:
    """``with SmtpServer(inbox) as server:`` serves on ``server.port`` until the block ends."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        self.port = free_port()
        login = inbox.password is not None
        self.controller = Controller(
            inbox,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=inbox.authenticate if login else None,
            auth_required=login,
            # Login without TLS: on loopback only, where the test has no certificate (each
            # session warns about it: tests using a login filter that warning).
            auth_require_tls=False,
        )

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
