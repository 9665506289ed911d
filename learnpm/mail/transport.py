"""Handing a message to the SMTP server of LEARNPM_SMTP_URL, or to the log and instance/mail/ without one."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlsplit

log = logging.getLogger("learnpm.mail")


class MailConfigError(ValueError):
    """LEARNPM_SMTP_URL cannot be used."""


class TransientMailError(Exception):
    """Delivery failed in a way that may pass: try again later."""


class PermanentMailError(Exception):
    """The server refused the message for good (a 5xx answer)."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    implicit_tls: bool
    username: str | None
    password: str | None
    timeout: float
    cafile: str | None = None


def parse_smtp_url(url: str, timeout: float = 10.0, cafile: str | None = None) -> SmtpSettings:
    """Read `smtp://[user:password@]host[:port]` (STARTTLS) or `smtps://...` (implicit TLS)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise MailConfigError(f"LEARNPM_SMTP_URL must start with smtp:// or smtps://, got {parts.scheme!r}")
    if not parts.hostname:
        raise MailConfigError("LEARNPM_SMTP_URL names no host")
    try:
        port = parts.port
    except ValueError as exc:
        raise MailConfigError(f"LEARNPM_SMTP_URL has a bad port: {exc}") from exc
    implicit = parts.scheme == "smtps"
    return SmtpSettings(
        host=parts.hostname, port=port or (465 if implicit else 25), implicit_tls=implicit,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        timeout=timeout, cafile=cafile,
    )


class SmtpTransport:
    """One connection per delivery run, reused for its messages."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.settings.cafile)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.implicit_tls:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._context())
            smtp.ehlo()
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls(context=self._context())
                smtp.ehlo()
            elif s.username:
                smtp.quit()
                # Never send a password in clear text: credentials require TLS.
                raise TransientMailError(f"{s.host}:{s.port} does not offer STARTTLS; credentials need TLS")
        if s.username:
            smtp.login(s.username, s.password or "")
        return smtp

    def send(self, message: EmailMessage) -> None:
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.send_message(message)
        except smtplib.SMTPResponseException as exc:
            self.close()
            error = f"{exc.smtp_code} {exc.smtp_error!r}"
            if 500 <= exc.smtp_code < 600 and not isinstance(exc, smtplib.SMTPAuthenticationError):
                raise PermanentMailError(error) from exc
            raise TransientMailError(error) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            self.close()
            codes = [code for code, _ in exc.recipients.values()]
            if all(500 <= code < 600 for code in codes):
                raise PermanentMailError(f"recipient refused: {exc.recipients!r}") from exc
            raise TransientMailError(f"recipient deferred: {exc.recipients!r}") from exc
        except (smtplib.SMTPException, OSError) as exc:  # refused connection, timeout, TLS, dropped line
            self.close()
            raise TransientMailError(f"{exc.__class__.__name__}: {exc}") from exc

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


class FileTransport:
    """Development without SMTP: the message goes to the log and to DIR/<id>.eml, so its links can be clicked."""

    def __init__(self, directory: Path):
        self.directory = directory

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{message['X-Learnpm-Id'] or 'message'}.eml"
        path = self.directory / name
        path.write_bytes(bytes(message))
        body = message.get_body(("plain",))
        log.info("mail (no LEARNPM_SMTP_URL set) to %s: %s\n%s\n(saved as %s)", message["To"], message["Subject"],
                 body.get_content() if body else "", path)

    def close(self) -> None:
        pass
