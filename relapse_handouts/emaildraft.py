"""``make_docs.py email``: a kind, localized email with the handout attached.

The message is RFC 5322 / MIME (Python's ``email`` package) and carries ``X-Unsent: 1``
so desktop mail clients open it as a draft to address and send. With SMTP settings in
the environment it can be sent directly. The subject never carries personal details.
"""

from __future__ import annotations

import os
import re
import smtplib
import socket
import threading
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from .errors import HandoutError
from .i18n import ui_translations
from .markup import plain_text
from .personalize import Attachment
from .resolve import ResolvedHandout

__all__ = ["SmtpSettings", "compose_email", "send_email", "checked_address"]


# "Name <address>": one address, a name without the characters that separate addresses.
_NAMED = re.compile(r"^(?P<name>[^<>@,;\"]*)<(?P<spec>[^<>]+)>\s*$")


def checked_address(text: str, option: str) -> Address:
    """An address given by a person (``--to``, ``--from``, a form field), validated with
    email-validator: no line breaks or control characters (header injection), a real
    address shape; an internationalized domain is encoded (IDNA), an internationalized
    local part is refused (it needs SMTPUTF8, which not every server supports)."""
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in text):
        raise HandoutError(
            "the address contains a line break or another invisible character",
            field=option,
            hint="type the address again on one line",
        )
    named = _NAMED.match(text)
    name, spec = (named["name"].strip(), named["spec"]) if named else ("", text.strip())
    try:
        valid = validate_email(spec, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        raise HandoutError(
            f"not a valid email address: {error}",
            field=option,
            hint="give one address like family@example.org (accents only after the @)",
        ) from None
    return Address(display_name=name, addr_spec=valid.ascii_email or valid.normalized)


def _header_text(value: str, what: str) -> str:
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise HandoutError(
            f"the email's {what} would contain a line break or control character",
            hint="remove line breaks from that text in source/ (titles, organisation)",
        )
    return value


def _setting(name: str, default: str, low: int, high: int) -> int:
    value = os.environ.get(name, default)
    try:
        number = int(value)
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        raise HandoutError(
            f"{name} must be a number from {low} to {high}",
            field=name,
            hint=f"set {name} to a number such as {default}, or unset it",
        )
    return number


@dataclass(frozen=True)
class SmtpSettings:
    """From the environment: HANDOUTS_SMTP_HOST, _PORT, _STARTTLS (1/0), _USER, _PASSWORD,
    _TIMEOUT (seconds for the whole exchange, default 60)."""

    host: str
    port: int
    starttls: bool
    user: str | None
    password: str | None
    deadline: float = 60.0

    @classmethod
    def from_environment(cls, server: Any = None) -> SmtpSettings:
        """The environment's settings, else ``server`` (``site.yaml``'s ``smtp``) for the
        host, port and STARTTLS; credentials only ever from the environment."""
        host = os.environ.get("HANDOUTS_SMTP_HOST") or (server.host if server else None)
        if not host:
            raise HandoutError(
                "no mail server: HANDOUTS_SMTP_HOST is not set and source/site.yaml has no smtp",
                hint="set HANDOUTS_SMTP_HOST (and _PORT, _STARTTLS, _USER, _PASSWORD) or "
                "'smtp: {host: ..., port: 587}' in source/site.yaml to send, or leave out "
                "--send to write a draft",
            )
        port = str(server.port) if server else "587"
        starttls = "1" if (server.starttls if server else True) else "0"
        return cls(
            _header_text(host, "HANDOUTS_SMTP_HOST"),
            _setting("HANDOUTS_SMTP_PORT", port, 1, 65535),
            os.environ.get("HANDOUTS_SMTP_STARTTLS", starttls) == "1",
            os.environ.get("HANDOUTS_SMTP_USER"),
            os.environ.get("HANDOUTS_SMTP_PASSWORD"),
            float(_setting("HANDOUTS_SMTP_TIMEOUT", "60", 1, 3600)),
        )


def compose_email(
    resolved: ResolvedHandout,
    attachments: Sequence[Attachment],
    source_dir: Path,
    sender: str | None,
    recipient: str | None,
    protected: bool,
) -> EmailMessage:
    """The draft in ``resolved``'s language (localized subject and body), with every file
    in ``attachments`` attached under its own (non-personal) name."""
    _ = ui_translations(source_dir, resolved.locale, resolved.site.source_locale).gettext
    message = _draft_headers(resolved, sender, recipient, _)
    body = _body_lines(resolved, attachments, protected, _)
    message.set_content("\n".join(body), charset="utf-8")
    message["Content-Language"] = resolved.locale  # after set_content, which resets it
    for attachment in attachments:
        main, sub = attachment.media_type.split(";")[0].split("/")
        message.add_attachment(
            attachment.data, maintype=main, subtype=sub, filename=attachment.name
        )
    return message


def _draft_headers(
    resolved: ResolvedHandout, sender: str | None, recipient: str | None, _: Any
) -> EmailMessage:
    """A message with the draft's headers: a subject with no personal details, the
    clinic as sender unless one is given, and the mark that makes it a draft."""
    title = plain_text(resolved.variant.title)
    message = EmailMessage()
    subject = _("Information from your child's care team: %(title)s") % {"title": title}
    message["Subject"] = _header_text(subject, "subject")
    message["From"] = (
        checked_address(sender, "--from")
        if sender
        else Address(
            _header_text(resolved.site.organisation, "sender name"),
            "handouts",
            _domain(resolved.site.publisher_url),
        )
    )
    if recipient:
        message["To"] = checked_address(recipient, "--to")
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="relapse-handouts.invalid")
    message["X-Unsent"] = "1"  # desktop clients open the file as a draft to send
    return message


def _body_lines(
    resolved: ResolvedHandout, attachments: Sequence[Attachment], protected: bool, _: Any
) -> list[str]:
    """The kind words of the email: what is attached, how to open it, the password if
    any, and that it does not replace the care team's advice."""
    title = plain_text(resolved.variant.title)
    lines = [
        _("Hello,"),
        "",
        _("Your child's care team is sending you this handout: %(title)s.") % {"title": title},
    ]
    lines += _how_to_open(attachments, _)
    lines += [
        _(
            "Read it when you are ready. Write down your questions and bring them to "
            "your next visit."
        ),
        "",
        _("The files attached to this email:"),
        *(_attachment_line(a, resolved, _) for a in attachments),
    ]
    if protected:
        lines.append(
            _(
                "The file is protected with a password. Your child's care team will "
                "give you the password by phone or in person."
            )
        )
    return lines + [
        "",
        _(
            "This handout gives general information. It does not replace the advice "
            "of your child's care team."
        ),
        "",
        resolved.site.organisation,
    ]


def _how_to_open(attachments: Sequence[Attachment], _: Any) -> list[str]:
    """How the family opens what is attached, worded for the kinds attached: PDF files
    alone keep the one sentence; otherwise a sentence per kind (audio alone too)."""
    kinds = {a.media_type.split(";")[0] for a in attachments}
    if kinds == {"application/pdf"}:
        return [
            _(
                "It is attached as a PDF file. You can read it on a phone or a computer, "
                "or print it."
            )
        ]
    hints = {
        "application/pdf": _("You can read the PDF file on a phone or a computer, or print it."),
        "audio/mpeg": _("You can listen to the sound file (MP3) on a phone or a computer."),
        "application/epub+zip": _("You can open the e-book (EPUB) in an e-reader app."),
    }
    found = [hint for kind, hint in hints.items() if kind in kinds]
    return [_("It is attached as the files listed below."), *found] if attachments else []


def _attachment_line(attachment: Attachment, resolved: ResolvedHandout, _: Any) -> str:
    """'- Listen (MP3), العربية: relapsed-all-cns.mp3', in the email's language (the
    label from the formats table, the file's language by its own name)."""
    what = [_(attachment.label) if attachment.label else ""]
    if attachment.media_type == "application/pdf":
        what.insert(0, "PDF")
    info = resolved.site.locales.get(attachment.locale)
    if info is not None:
        what.append(info.name)
    words = ", ".join(part for part in what if part)
    return f"- {words}: {attachment.name}" if words else f"- {attachment.name}"


def _domain(url: str | None) -> str:
    return (urlsplit(url).hostname if url else None) or "localhost"


def _deadline(server: smtplib.SMTP, seconds: float) -> tuple[threading.Timer, threading.Event]:
    """A timer that, when ``seconds`` pass, shuts the connection (unblocking any read or
    write) and sets the event it returns with it."""
    stopped = threading.Event()

    def stop() -> None:
        stopped.set()
        sock = getattr(server, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    timer = threading.Timer(seconds, stop)
    timer.daemon = True
    return timer, stopped


def send_email(message: EmailMessage, settings: SmtpSettings) -> None:
    """Send over SMTP; the whole exchange (connect, TLS, login, data) gets one deadline,
    so a server trickling one byte at a time cannot hold the command for ever."""
    if not message["To"]:
        raise HandoutError("no recipient", hint="add --to ADDRESS to send")
    server = smtplib.SMTP(timeout=settings.deadline)
    timer, stopped = _deadline(server, settings.deadline)
    started = time.monotonic()
    timer.start()
    try:
        server.connect(settings.host, settings.port)
        if settings.starttls:
            server.starttls()
        if settings.user:
            server.login(settings.user, settings.password or "")
        server.send_message(message)
        server.quit()
    except (OSError, smtplib.SMTPException) as error:
        if stopped.is_set() or time.monotonic() - started >= settings.deadline:
            raise HandoutError(
                f"sending stopped: the server did not finish within {settings.deadline:g} s",
                field="HANDOUTS_SMTP_TIMEOUT",
                hint="try again later, check HANDOUTS_SMTP_HOST, or write a draft without --send",
            ) from None
        raise HandoutError(
            f"sending failed: {error}",
            hint="check HANDOUTS_SMTP_HOST and _PORT, or write a draft without --send",
        ) from None
    finally:
        timer.cancel()
        server.close()
