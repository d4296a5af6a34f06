"""The desk's own words in the nurse's language (English or Canadian French).

Independent of the handout's language: the desk has its own gettext domain,
``relapse_handouts/desk/locale/<ll_CC>/LC_MESSAGES/desk.po``, compiled in memory like the
layouts' catalogs. The nurse's choice is kept in a cookie, else taken from the browser.
"""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from ..i18n import babel_locale

__all__ = ["UI_LOCALES", "N_", "desk_translations", "ui_locale_for"]

UI_LOCALES = {"en-CA": "English", "fr-CA": "Français"}
_SOURCE = "en-CA"
_CATALOGS = Path(__file__).parent / "locale"


def N_(message: str) -> str:  # noqa: N802 (gettext's name)
    """Marks words for the catalog; they are translated where they are shown."""
    return message


@cache
def desk_translations(locale: str) -> gettext.NullTranslations:
    if locale == _SOURCE:
        return gettext.NullTranslations()
    path = _CATALOGS / str(babel_locale(locale)) / "LC_MESSAGES" / "desk.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=babel_locale(locale))
    buffer = BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out, so they show in English
    buffer.seek(0)
    return Translations(buffer, domain="desk")


def ui_locale_for(cookie: str | None, accept_best: str | None) -> str:
    """The nurse's language: their explicit choice, else the browser's, else English."""
    if cookie in UI_LOCALES:
        return cookie
    if accept_best and accept_best.lower().startswith("fr"):
        return "fr-CA"
    return _SOURCE
