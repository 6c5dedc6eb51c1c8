"""E-mail over SMTP (NOTIFIER_SMTP_URL): STARTTLS and authentication, one connection reused per batch.

URL forms: `smtp://[user:password@]host[:port]` (STARTTLS when the server offers it),
`smtp://...?starttls=require` (refuse to send in the clear), `smtp://...?starttls=off`, and
`smtps://` (TLS from the first byte, port 465). NOTIFIER_SMTP_CA_FILE trusts a private CA.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from urllib.parse import parse_qs, unquote, urlparse

from shared.config import ConfigError


class DeliveryError(Exception):
    """A mail was not accepted; `temporary` says whether trying again later may help, `server` whether the
    server itself is away or refusing us (then no mail can go now, whoever it is for)."""

    def __init__(self, message: str, temporary: bool, server: bool = False) -> None:
        super().__init__(message)
        self.temporary, self.server = temporary, server


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    implicit_tls: bool = False
    starttls: str = "auto"  # auto | require | off
    user: str = ""
    password: str = ""
    ca_file: str = ""
    timeout: float = 30.0

    @classmethod
    def from_url(cls, url: str, ca_file: str = "") -> SmtpSettings:
        parsed = urlparse(url)
        if parsed.scheme not in {"smtp", "smtps"} or not parsed.hostname:
            raise ConfigError(f"NOTIFIER_SMTP_URL must look like smtp://host:port or smtps://host, got {url!r}")
        starttls = parse_qs(parsed.query).get("starttls", ["auto"])[0]
        if starttls not in {"auto", "require", "off"}:
            raise ConfigError(f"NOTIFIER_SMTP_URL: starttls must be auto, require or off, got {starttls!r}")
        implicit = parsed.scheme == "smtps"
        try:
            port = parsed.port or (465 if implicit else 25)
        except ValueError:
            raise ConfigError("NOTIFIER_SMTP_URL has an invalid port") from None
        return cls(host=parsed.hostname, port=port, implicit_tls=implicit, starttls=starttls,
                   user=unquote(parsed.username or ""), password=unquote(parsed.password or ""), ca_file=ca_file)

    def tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file or None)


class SmtpSender:
    """Sends messages over one SMTP connection, opened on first use and reopened after a failure."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.implicit_tls:
            conn: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=s.tls_context())
        else:
            conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            conn.ehlo()
            if s.starttls != "off" and conn.has_extn("starttls"):
                conn.starttls(context=s.tls_context())
                conn.ehlo()
            elif s.starttls == "require":
                conn.close()
                raise DeliveryError("the SMTP server does not offer STARTTLS and starttls=require", temporary=True,
                                    server=True)
        if s.user:
            try:
                conn.login(s.user, s.password)
            except smtplib.SMTPException:
                conn.close()
                raise
        return conn

    def send(self, message: EmailMessage) -> None:
        """Hand MESSAGE to the server; raises DeliveryError (temporary or not) when it is not accepted."""
        try:
            if self.connection is None:
                self.connection = self._connect()
            refused = self.connection.send_message(message)
        except smtplib.SMTPAuthenticationError as error:
            self.close()
            raise DeliveryError(f"SMTP authentication failed: {error.smtp_code}", temporary=True, server=True) from None
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            raise DeliveryError(f"recipient refused: {codes}", temporary=all(400 <= c < 500 for c in codes)) from None
        except smtplib.SMTPResponseException as error:
            if error.smtp_code >= 500:
                raise DeliveryError(f"SMTP refused: {error.smtp_code}", temporary=False) from None
            self.close()
            raise DeliveryError(f"SMTP temporary failure: {error.smtp_code}", temporary=True) from None
        except (TimeoutError, smtplib.SMTPException, OSError, ssl.SSLError) as error:
            self.close()
            raise DeliveryError(f"SMTP unavailable: {type(error).__name__}: {error}", temporary=True,
                                server=True) from None
        if refused:
            raise DeliveryError(f"recipient refused: {sorted(refused)}", temporary=False)

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.connection = None


def compose(*, notification_id: str, sender: str, recipient: str, recipient_name: str, lang: str, subject: str,
            text: str, html: str, sent_on: datetime, unsubscribe: str | None = None, calendar: bytes | None = None,
            method: str = "REQUEST") -> EmailMessage:
    """A multipart/alternative mail (text, HTML and, for an invitation, text/calendar plus an .ics attachment)."""
    message = EmailMessage()
    message["Message-ID"] = f"<{notification_id}@groeipad.notifier>"
    message["From"] = formataddr(("Groeipad", sender))
    message["To"] = formataddr((recipient_name, recipient)) if recipient_name else recipient
    message["Subject"] = subject
    message["Date"] = format_datetime(sent_on)
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe:
        # No List-Unsubscribe-Post (RFC 8058 one-click): the portal asks to confirm on a CSRF-protected form.
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    if calendar is not None:
        message.add_alternative(calendar.decode("utf-8"), subtype="calendar", params={"method": method})
        message.make_mixed()
        message.add_attachment(calendar, maintype="application", subtype="ics", filename="invite.ics")
    message["Content-Language"] = lang  # after the parts: setting content clears Content-* headers
    return message
