"""The layouts' own words (headings, labels, "Page X of Y"): gettext catalogs via Babel.

Catalogs live in ``source/locale/<ll_CC>/LC_MESSAGES/messages.po``; they are compiled in
memory when a build starts, so no compiled ``.mo`` file is ever out of date.
"""

from __future__ import annotations

import gettext
import os
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.core import get_global
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from .errors import ErrorCollector, HandoutError, Location
from .files import read_bytes, within
from .languages import catalog_folder

__all__ = ["ui_translations", "babel_locale", "catalog_path", "is_latin_script", "text_direction"]


def babel_locale(locale: str) -> Locale:
    return Locale.parse(locale, sep="-")


def text_direction(locale: str) -> str:
    """'rtl' for right-to-left languages (CLDR character order), else 'ltr'."""
    order = babel_locale(locale).character_order
    return "rtl" if order == "right-to-left" else "ltr"


def is_latin_script(locale: str) -> bool:
    """Whether ``locale`` is written in the Latin alphabet (CLDR likely subtags)."""
    parsed = babel_locale(locale)
    if parsed.script:
        return parsed.script == "Latn"
    likely = get_global("likely_subtags").get(parsed.language, "")
    return "_Latn" in likely


def catalog_path(source_dir: Path, locale: str) -> Path:
    folder = source_dir / "locale"
    return within(
        folder,
        catalog_folder(locale),
        "LC_MESSAGES",
        "messages.po",
        shown=Path("source/locale"),
        root=source_dir,
    )


def ui_translations(source_dir: Path, locale: str, source_locale: str) -> gettext.NullTranslations:
    """Translations of the layouts' words for ``locale`` (none needed for the source)."""
    path = catalog_path(source_dir, locale)
    if locale == source_locale:
        return gettext.NullTranslations()
    shown = path.relative_to(source_dir.parent)
    if not os.path.lexists(path):
        raise HandoutError(
            f"no layout catalog for {locale}",
            Location(shown),
            hint=f"create it with 'pybabel init -i source/locale/messages.pot -d source/locale "
            f"-l {babel_locale(locale)}' and translate it (docs/translating.md, 'Layout words')",
        )
    data = read_bytes(path, shown, inside=(source_dir,))
    catalog = read_po(BytesIO(data), locale=babel_locale(locale))
    _refuse_untranslated(catalog, shown, locale)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def _refuse_untranslated(catalog: Catalog, path: Path, locale: str) -> None:
    """Layout words missing or fuzzy in the catalog would show in English: refuse them."""
    errors = ErrorCollector()
    for message in catalog:
        if not message.id:
            continue  # the header
        if not message.string or message.fuzzy:
            state = "marked fuzzy (its English changed)" if message.fuzzy else "not translated"
            errors.add(
                f"{message.id!r} is {state}",
                Location(path, message.lineno),
                field="msgstr",
                hint=f"translate it for {locale} and remove any "
                "'#, fuzzy' line (any PO editor does both)",
            )
    errors.raise_if_any()
