"""The nurses' catalog: ``output/index.html``, every handout by language and topic.

Built from the manifest (so it lists what is really in ``output/``) and the translated
content model (titles, descriptions, review dates). One self-contained file that works
opened straight from disk; a few lines of plain JavaScript filter it as you type, and
without JavaScript everything is simply listed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.dates import format_date
from markupsafe import Markup

from .config import BuildConfig
from .files import atomic_write, read_text
from .i18n import babel_locale, text_direction, ui_translations
from .markup import plain_text
from .model import Project
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
    labels = {
        ("pdf", "standard", "letter"): _("Letter"),
        ("pdf", "standard", "a4"): _("A4"),
        ("pdf", "large-print", "letter"): _("Large print, Letter"),
        ("pdf", "large-print", "a4"): _("Large print, A4"),
        ("pdf", "booklet", "letter"): _("Booklet to print, Letter"),
        ("pdf", "booklet", "a4"): _("Booklet to print, A4"),
        ("epub", "standard", None): _("E-book (EPUB)"),
        ("html", "standard", None): _("Web page"),
    }
    handout = project.handouts[0]
    topics = []
    for variant in project.variants:
        entries = [
            e for e in manifest.entries if e["locale"] == locale and e["variant"] == variant.id
        ]
        if not entries:
            continue
        order = list(labels)
        links = sorted(
            (
                {
                    "href": e["path"],
                    "label": labels[_label_key(e)],
                    "size": f"{max(1, round(e['bytes'] / 1024))} KB",
                }
                for e in entries
            ),
            key=lambda link: order.index(_key_of(link, labels)),
        )
        pages = next(
            (e["pages"] for e in entries if _label_key(e) == ("pdf", "standard", "letter")), None
        )
        topics.append(
            {
                "title": plain_text(variant.title),
                "keys": f"{variant.id} {variant.slug}",
                "description": plain_text(variant.description),
                "links": links,
                "pages": _("%(count)s pages") % {"count": pages} if pages else "",
                "reviewed": _("Last reviewed %(date)s")
                % {"date": format_date(handout.last_reviewed, "long", locale=babel_locale(locale))},
            }
        )
    info = project.site.locales[locale]
    return {
        "locale": locale,
        "dir": text_direction(locale),
        "name": info.name,
        "draft": _("Draft translation, not yet reviewed")
        if info.review.status != "reviewed"
        else "",
        "topics": topics,
    }


def _label_key(entry: dict[str, Any]) -> tuple[str, str, str | None]:
    return (entry["format"], entry.get("edition") or "standard", entry["paper"])


def _key_of(link: dict[str, str], labels: dict) -> tuple:
    return next(key for key, label in labels.items() if label == link["label"])
