"""What every view of the desk reads: its settings and state, the nurse's words, and the
headers shared by views and the application (imported by all, importing none of them)."""

from __future__ import annotations

import logging

from flask import Flask, current_app, g

from ..markup import plain_text
from .settings import DeskSettings
from .state import DeskState

__all__ = ["desk", "can_send", "gettext", "ngettext", "topic", "log", "HANDOUT_CSP", "UI_COOKIE"]

log = logging.getLogger("relapse_handouts.desk")

# Built handout web pages carry their styles inline and no script at all.
HANDOUT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)
UI_COOKIE = "desk_ui"


def desk(app: Flask | None = None) -> tuple[DeskSettings, DeskState]:
    return (app or current_app).extensions["desk"]  # type: ignore[no-any-return]


def can_send() -> bool:
    """Whether a mail server is named: HANDOUTS_SMTP_HOST, or ``smtp`` in site.yaml."""
    settings, state = desk()
    return settings.smtp_configured or state.project.site.smtp is not None


def gettext(message: str) -> str:
    words = getattr(g, "words", None)
    return words.gettext(message) if words else message


def ngettext(singular: str, plural: str, num: int) -> str:
    """``singular`` or ``plural`` in the nurse's language, with ``%(num)d`` filled in."""
    words = getattr(g, "words", None)
    chosen = words.ngettext(singular, plural, num) if words else (singular if num == 1 else plural)
    return chosen % {"num": num}


def topic(variant: str, locale: str) -> str:
    """A handout's title in the desk's language, to show beside a title in another language
    (a nurse who reads no Punjabi still sees what the handout is about); "" when the
    handout is in the desk's language."""
    _, state = desk()
    ui = getattr(g, "ui", "en-CA")
    ui = ui if ui in state.projects else "en-CA"
    if locale == ui:
        return ""
    found = next((v for v in state.projects[ui].variants if v.id == variant), None)
    return plain_text(found.title) if found is not None else ""
