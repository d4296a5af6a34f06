"""Words the nurse desk prints for the family, in the family's language.

The password slip is read by the family, so its words are layout words of the handouts'
own catalogs (``source/locale``, extracted by ``babel.cfg`` with the layouts' words and
translated with them), not the desk's catalog, which has only the nurse's languages.
"""

from __future__ import annotations

from pathlib import Path

from .i18n import ui_translations

__all__ = ["SLIP_WORDS", "slip_words"]


def N_(message: str) -> str:
    """Marks a word for extraction (Babel's default keywords include ``N_``)."""
    return message


SLIP_WORDS = {
    "heading": N_("Password for your child's handout"),
    "how": N_(
        "The file is protected. To open it, type these words in small letters, "
        "with a hyphen between them:"
    ),
    "keep": N_("Keep this paper apart from the email or the file."),
}


def slip_words(source_dir: Path, locale: str, source_locale: str) -> dict[str, str]:
    """The slip's words in ``locale`` (the family's language)."""
    translations = ui_translations(source_dir, locale, source_locale)
    return {key: translations.gettext(message) for key, message in SLIP_WORDS.items()}
