"""``make_docs.py email``: a kind, localized email with the handout attached.

The message is RFC 5322 / MIME (Python's ``email`` package) and carries ``X-Unsent: 1``
so desktop mail clients open it as a draft to address and send. With SMTP settings in
the environment it can be sent directly. The subject never carries personal details.
"""

from __future__ import annotations

import os
import smtplib
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from .errors import HandoutError
from .i18n import ui_translations
from .markup import plain_text
from .personalize import PersonalHandout

__all__ = ["SmtpSettings", "compose_email", "send_email"]


@dataclass(frozen=True)
class SmtpSettings:
    """From the environment: HANDOUTS_SMTP_HOST, _PORT, _STARTTLS (1/0), _USER, _PASSWORD."""

    host: str
    port: int
    starttls: bool
    user: str | None
    password: str | None

    @classmethod
    def from_environment(cls) -> SmtpSettings:
        host = os.environ.get("HANDOUTS_SMTP_HOST")
        if not host:
            raise HandoutError(
                "HANDOUTS_SMTP_HOST is not set",
                hint="set HANDOUTS_SMTP_HOST (and _PORT, _STARTTLS, _USER, "
                "_PASSWORD) to send, or leave out --send to write a draft",
            )
        return cls(
            host,
            int(os.environ.get("HANDOUTS_SMTP_PORT", "587")),
            os.environ.get("HANDOUTS_SMTP_STARTTLS", "1") == "1",
            os.environ.get("HANDOUTS_SMTP_USER"),
            os.environ.get("HANDOUTS_SMTP_PASSWORD"),
        )


def compose_email(
    handout: PersonalHandout, source_dir, sender: str | None, recipient: str | None, protected: bool
) -> EmailMessage:
    """The draft: localized subject and body, the PDF attached under a clear name."""
    resolved = handout.resolved
    _ = ui_translations(source_dir, resolved.locale, resolved.site.source_locale).gettext
    title = plain_text(resolved.variant.title)
    message = EmailMessage()
    message["Subject"] = _("Information from your child's care team: %(title)s") % {"title": title}
    message["From"] = sender or Address(
        resolved.site.organisation, "handouts", _domain(resolved.site.publisher_url)
    )
    if recipient:
        message["To"] = recipient
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="relapse-handouts.invalid")
    message["X-Unsent"] = "1"  # desktop clients open the file as a draft to send
    lines = [
        _("Hello,"),
        "",
        _("Your child's care team is sending you this handout: %(title)s.") % {"title": title},
        _("It is attached as a PDF file. You can read it on a phone or a computer, or print it."),
        _(
            "Read it when you are ready. Write down your questions and bring them to "
            "your next visit."
        ),
    ]
    if protected:
        lines.append(
            _(
                "The file is protected with a password. Your child's care team will "
                "give you the password by phone or in person."
            )
        )
    lines += [
        "",
        _(
            "This handout gives general information. It does not replace the advice "
            "of your child's care team."
        ),
        "",
        resolved.site.organisation,
    ]
    message.set_content("\n".join(lines), charset="utf-8")
    message["Content-Language"] = resolved.locale  # after set_content, which resets it
    message.add_attachment(
        handout.pdf, maintype="application", subtype="pdf", filename=f"{handout.file_stem}.pdf"
    )
    return message


def _domain(url: str | None) -> str:
    return (urlsplit(url).hostname if url else None) or "localhost"


def send_email(message: EmailMessage, settings: SmtpSettings) -> None:
    if not message["To"]:
        raise HandoutError("no recipient", hint="add --to ADDRESS to send")
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=30) as server:
            if settings.starttls:
                server.starttls()
            if settings.user:
                server.login(settings.user, settings.password or "")
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise HandoutError(
            f"sending failed: {error}",
            hint="check HANDOUTS_SMTP_HOST and _PORT, or write a draft without --send",
        ) from None
