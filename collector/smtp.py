"""One email through one SMTP server: the message, one attempt, and what a failure means.

The password is handed in by the caller (read from the environment at send time) and used
only for ``login``; every error text that leaves this module has it blanked out, in case a
server echoes what it was sent.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from analytics.core.digest_config import DigestConfig

MAX_ERROR_CHARS = 300


@dataclass(frozen=True, slots=True)
class MailContent:
    """What is sent: a plain-text summary, an HTML body whose images are inline parts
    (``cid:`` names in ``inline``), and the self-contained page attached."""

    subject: str
    text: str
    html: str
    inline: Sequence[tuple[str, bytes]]  # (content id without <>, PNG bytes)
    attachment_name: str
    attachment: bytes  # the brief as one HTML file


class DeliveryFailed(Exception):
    """One attempt failed; ``permanent`` when trying again cannot help (a refused login,
    a rejected sender or recipients)."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.permanent = permanent


def compose(content: MailContent, settings: DigestConfig) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = content.subject
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.recipients)
    message["Date"] = formatdate(usegmt=True)
    domain = (settings.sender or "fanpulse.invalid").rpartition("@")[2]
    message["Message-ID"] = make_msgid("fanpulse", domain=domain)
    message.set_content(content.text)
    message.add_alternative(content.html, subtype="html")
    html_part = message.get_payload()[-1]  # type: ignore[index]
    for cid, png in content.inline:
        html_part.add_related(png, "image", "png", cid=f"<{cid}>", disposition="inline")
    message.add_attachment(content.attachment, "text", "html", filename=content.attachment_name)
    return message


def send_once(message: EmailMessage, settings: DigestConfig, password: str | None) -> list[str]:
    """Send ``message`` once; the recipients refused while others accepted it.

    Raises :class:`DeliveryFailed` with the reason (the password blanked out)."""
    host, port, timeout = settings.host or "", settings.smtp_port, settings.timeout.total_seconds()
    try:
        if settings.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
        with client:
            if settings.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if password:
                client.login(settings.username or settings.sender or "", password)
            refused = client.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryFailed(_reason(exc, password), permanent=_permanent(exc)) from None
    return sorted(refused)


def _permanent(exc: BaseException) -> bool:
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def _reason(exc: BaseException, password: str | None) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        text = "recipients refused: " + "; ".join(
            f"{who} ({code} {_text(msg)})" for who, (code, msg) in exc.recipients.items()
        )
    elif isinstance(exc, smtplib.SMTPResponseException):
        text = f"SMTP {exc.smtp_code} {_text(exc.smtp_error)}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    if password:
        text = text.replace(password, "***")
    return text[:MAX_ERROR_CHARS]


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
