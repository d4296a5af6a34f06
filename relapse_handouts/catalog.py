"""The nurses' catalog: ``output/index.html``, every handout by language and topic.

Built from the manifest (so it lists what is really in ``output/``) and the translated
content model (titles, descriptions, review dates). One self-contained file that works
opened straight from disk; a few lines of plain JavaScript filter it as you type, and
without JavaScript everything is simply listed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from babel.dates import format_date
from markupsafe import Markup

from .config import BuildConfig
from .files import atomic_write, read_text
from .formats import OUTPUTS, PAPERS, OutputFormat, output_format
from .i18n import babel_locale, text_direction, ui_translations
from .markup import plain_text
from .model import Handout, Project, Variant
from .publish import Manifest
from .templates import layout_environment

__all__ = ["write_catalog", "CATALOG_NAME"]

CATALOG_NAME = "index.html"


def write_catalog(config: BuildConfig, projects: dict[str, Project], manifest: Manifest) -> Path:
    """Write ``output/index.html`` for the outputs listed in ``manifest``."""
    source = next(iter(projects.values())).site.source_locale
    sections = [
        _locale_section(config, locale, project, manifest) for locale, project in projects.items()
    ]
    env = layout_environment(config.layouts_dir, config.root)
    ui = ui_translations(config.source_dir, source, source).gettext
    css = read_text(
        config.styles_dir / "catalog.css", Path("styles/catalog.css"), inside=(config.styles_dir,)
    )
    html = env.get_template("catalog.html.j2").render(
        lang=source,
        dir=text_direction(source),
        sections=[s for s in sections if s["topics"]],
        css=Markup(css),
        title=ui("Handouts for families"),
        search_label=ui("Find a handout (title, topic or language)"),
        shown_text=ui("Handouts shown:"),
        total=sum(len(section["topics"]) for section in sections),
    )
    path = config.output_dir / CATALOG_NAME
    atomic_write(path, html.encode("utf-8"))
    return path


def _locale_section(
    config: BuildConfig, locale: str, project: Project, manifest: Manifest
) -> dict[str, Any]:
    _ = ui_translations(config.source_dir, locale, project.site.source_locale).gettext
    signed = _signed_date(project, locale)
    topics = []
    for handout in project.handouts:
        for variant in project.variants:
            entries = [
                e
                for e in manifest.entries
                if e["locale"] == locale
                and e["variant"] == variant.id
                and e["handout"] == handout.id
            ]
            if entries:
                topics.append(_topic(handout, variant, entries, locale, _, signed))
    return {
        "locale": locale,
        "dir": text_direction(locale),
        "name": project.site.locales[locale].name,
        "draft": _draft_label(project, locale, _),
        "topics": topics,
    }


def _topic(
    handout: Handout,
    variant: Variant,
    entries: list[dict[str, Any]],
    locale: str,
    _: Callable[[str], str],
    signed: Any,
) -> dict[str, Any]:
    """One handout x variant: its links in the formats table's order, labelled from it."""
    ordered = sorted(entries, key=_order)
    links = [
        {
            "href": e["path"],
            "label": _(_output(e).labels[e["paper"]]),
            "size": _size(e["bytes"]),
        }
        for e in ordered
    ]
    # Pages of the first tagged per-paper output in table order (the standard Letter PDF).
    pages = next(
        (e["pages"] for e in ordered if e["pages"] and _output(e).tagged and _output(e).per_paper),
        None,
    )
    return {
        "title": plain_text(variant.title),
        "search_ids": f"{handout.id} {variant.id} {variant.slug}",
        "description": plain_text(variant.description),
        "links": links,
        "pages": _("%(count)s pages") % {"count": pages} if pages else "",
        # Only a date a named reviewer signed; a draft shows none.
        "reviewed": _("Last reviewed %(date)s")
        % {"date": format_date(signed, "long", locale=babel_locale(locale))}
        if signed
        else "",
    }


def _size(size: int) -> str:
    # Audio runs to megabytes; a handout's PDF to kilobytes.
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{max(1, round(size / 1024))} KB"


def _draft_label(project: Project, locale: str, _: Any) -> str:
    """Same rule as the handouts: the content's sign-off first, then the translation's."""
    locales = project.site.locales
    if not locales[project.site.source_locale].review.signed:
        return _("Draft, not yet reviewed")
    return "" if locales[locale].review.signed else _("Draft translation, not yet reviewed")


def _signed_date(project: Project, locale: str) -> Any:
    locales = project.site.locales
    reviews = (locales[project.site.source_locale].review, locales[locale].review)
    if not all(review.signed for review in reviews):
        return None
    return max(review.date for review in reviews if review.date)


def _order(entry: dict[str, Any]) -> tuple[int, int]:
    paper = PAPERS.index(entry["paper"]) if entry["paper"] in PAPERS else 0
    return OUTPUTS.index(_output(entry)), paper


def _output(entry: dict[str, Any]) -> OutputFormat:
    return output_format(entry["format"], entry.get("edition") or "standard")
