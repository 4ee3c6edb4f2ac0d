"""Sending the module's mails: to an SMTP server, or as ``.eml`` files in an outbox.

Under the embedded default (no ``TENANT_PRIVACY_MAIL_SERVER``) every mail is written
to the outbox folder, so a newcomer sees what would be sent; with a server it goes
over SMTP (STARTTLS and a login when configured). Services compose the
:class:`email.message.EmailMessage`; entry points send it through the app's mailer.
"""

from __future__ import annotations

import email
import pathlib
import smtplib
import typing as t
import uuid
from email.message import EmailMessage
from email.utils import getaddresses

from .config import config_value

__all__ = ["Mailer", "OutboxMailer", "SMTPMailer", "make_mailer", "plain_message"]


def plain_message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text mail; the one way the module's mails are put together."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    return msg


class Mailer(t.Protocol):
    """Anything that sends an :class:`EmailMessage`."""

    sender: str

    def send(self, message: EmailMessage) -> None:
        """Send *message* or raise."""


class OutboxMailer:
    """Writes each mail as an ``.eml`` file into *folder* (development)."""

    def __init__(self, folder: pathlib.Path, sender: str) -> None:
        self.folder = folder
        self.sender = sender

    def send(self, message: EmailMessage) -> None:
        """Write *message* to a new file in the outbox folder."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{uuid.uuid4().hex}.eml"
        path.write_bytes(bytes(message))

    def forget(self, addresses: t.Iterable[str]) -> int:
        """Delete the kept mails sent to any of *addresses* (an erased person's);
        returns how many. Addresses compare without case."""
        wanted = {a.strip().lower() for a in addresses if a}
        if not wanted or not self.folder.is_dir():
            return 0
        gone = 0
        for path in self.folder.glob("*.eml"):
            message = email.message_from_bytes(path.read_bytes())
            to = {a.lower() for _, a in getaddresses(message.get_all("To", []))}
            if to & wanted:
                path.unlink(missing_ok=True)
                gone += 1
        return gone


class SMTPMailer:
    """Sends each mail to an SMTP server, one connection per mail."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        starttls: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.starttls, self.username, self.password = starttls, username, password
        self.timeout = timeout

    def send(self, message: EmailMessage) -> None:
        """Deliver *message*; raises :class:`smtplib.SMTPException` or ``OSError``."""
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


def make_mailer(config: t.Mapping[str, t.Any], instance_path: str) -> Mailer:
    """The mailer an app's *config* asks for (SMTP, else the outbox folder)."""
    sender = str(config_value("MAIL_SENDER", config))
    server = config_value("MAIL_SERVER", config)
    if server:
        return SMTPMailer(
            str(server),
            int(config_value("MAIL_PORT", config)),
            sender,
            starttls=bool(config_value("MAIL_STARTTLS", config)),
            username=config_value("MAIL_USERNAME", config),
            password=config_value("MAIL_PASSWORD", config),
        )
    folder = config_value("MAIL_OUTBOX_DIR", config) or str(
        pathlib.Path(instance_path) / "outbox"
    )
    return OutboxMailer(pathlib.Path(folder), sender)
