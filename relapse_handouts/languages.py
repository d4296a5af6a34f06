"""What the project knows about each language, in one table: the computer voice that reads
it, the font its EPUB cover is drawn in, its readability formula, and where its gettext
catalog lives. A locale's language is its first subtag (``fr-CA`` -> ``fr``).

Adding a language: a row here, its Noto font in the styles' ``font-family`` lists (the
build offers the renderer exactly those fonts: ``fonts.py``), its translation file and
catalog (docs/translating.md).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Language", "LANGUAGES", "language_of", "sentence_gap", "catalog_folder"]


@dataclass(frozen=True)
class Language:
    """One language's row.

    Attributes:
        voice: the eSpeak NG voice that reads it (Debian's espeak-ng-data).
        cover_family: the font family its EPUB cover is drawn in (Pillow has no
            fallback: Latin words in the title are drawn in Noto Sans).
        readability: textstat's language for its readability formula, or ``None`` when
            there is no formula for it (``quality.py`` names the formulas).
        wraps_by_character: lines break between any two characters (no spaces).
        sentence_gap: what stands between two sentences or a label and its text that a
            layout puts side by side: a space, or nothing in Chinese (its full stop and
            colon are full width and carry their own room).
    """

    voice: str
    cover_family: str = "Noto Sans"
    readability: str | None = None
    wraps_by_character: bool = False
    sentence_gap: str = " "


LANGUAGES: dict[str, Language] = {
    # en-CA reads best with eSpeak NG's American voice.
    "en": Language(voice="en-us", readability="en"),
    "fr": Language(voice="fr", readability="fr"),
    "es": Language(voice="es", readability="es"),
    "zh": Language(
        voice="cmn",
        cover_family="Noto Sans CJK SC",
        wraps_by_character=True,
        sentence_gap="",
    ),
    "ar": Language(voice="ar", cover_family="Noto Sans Arabic"),
    "pa": Language(voice="pa", cover_family="Noto Sans Gurmukhi"),
}


def language_of(locale: str) -> Language | None:
    """The row of ``locale``'s language (``None`` when the table has none)."""
    return LANGUAGES.get(locale.split("-")[0].lower())


def sentence_gap(locale: str) -> str:
    """What goes between two sentences a layout joins in ``locale`` (a space by default)."""
    language = language_of(locale)
    return language.sentence_gap if language else " "


def catalog_folder(locale: str) -> str:
    """The folder of ``locale``'s gettext catalog in ``source/locale/``, as Babel names
    it for the tags the source allows (``fr-CA`` -> ``fr_CA``, ``zh-Hans`` -> ``zh_Hans``)."""
    return locale.replace("-", "_")
