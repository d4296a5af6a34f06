"""The nurses' catalog: ``output/index.html``, every handout by language and topic.

Built from the manifest (so it lists what is really in ``output/``) and the translated
content model (titles, descriptions, review dates). One self-contained file that works
opened straight from disk; a few lines of plain JavaScript filter it as you type, and
without JavaScript everything is simply listed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from babel.dates import format_date
from markupsafe import Markup

from .approvals import ApprovalStatus, Signoff
from .config import BuildConfig
from .files import atomic_write, read_text
from .formats import DEFAULT_EDITION, OUTPUTS, PAPERS, OutputFormat, output_format
from .i18n import babel_locale, text_direction, ui_translations
from .markup import plain_text
from .model import Handout, Project, Variant
from .publish import Manifest
from .templates import layout_environment

__all__ = ["write_catalog", "CATALOG_NAME"]

CATALOG_NAME = "index.html"


def write_catalog(
    config: BuildConfig,
    projects: dict[str, Project],
    manifest: Manifest,
    statuses: Mapping[tuple[str, str], ApprovalStatus] | None = None,
) -> Path:
    """Write ``output/index.html`` for the outputs listed in ``manifest``; each handout
    shows its review status from ``statuses`` (``Gathered.approvals``; none: drafts)."""
    source = next(iter(projects.values())).site.source_locale
    sections = [
        _locale_section(config, locale, project, manifest, statuses or {})
        for locale, project in projects.items()
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
    config: BuildConfig,
    locale: str,
    project: Project,
    manifest: Manifest,
    statuses: Mapping[tuple[str, str], ApprovalStatus],
) -> dict[str, Any]:
    _ = ui_translations(config.source_dir, locale, project.site.source_locale).gettext
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
                status = _review_status(project, handout, locale, statuses, _)
                topics.append(_topic(handout, variant, entries, locale, _, status))
    # The same draft notice on every handout of a language shows once, by its name.
    shared = {topic["reviewed"] for topic in topics}
    unsigned = all(
        (signoff := _signoff(project, h.id, locale, statuses)) is None or signoff.draft_kind
        for h in project.handouts
    )
    draft = shared.pop() if len(shared) == 1 and unsigned else ""
    return {
        "locale": locale,
        "dir": text_direction(locale),
        "name": project.site.locales[locale].name,
        "draft": draft,
        "topics": [{**topic, "reviewed": ""} if draft else topic for topic in topics],
    }


def _topic(
    handout: Handout,
    variant: Variant,
    entries: list[dict[str, Any]],
    locale: str,
    _: Callable[[str], str],
    status: str,
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
        "reviewed": status,
    }


def _size(size: int) -> str:
    # Audio runs to megabytes; a handout's PDF to kilobytes.
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{max(1, round(size / 1024))} KB"


def _signoff(
    project: Project,
    handout: str,
    locale: str,
    statuses: Mapping[tuple[str, str], ApprovalStatus],
) -> Signoff | None:
    """None when the build did not gather the status: shown as a draft, never signed."""
    source = project.site.source_locale
    content = statuses.get((handout, source))
    if content is None:
        return None
    return Signoff(content, statuses.get((handout, locale)) if locale != source else None)


def _review_status(
    project: Project,
    handout: Handout,
    locale: str,
    statuses: Mapping[tuple[str, str], ApprovalStatus],
    _: Callable[[str], str],
) -> str:
    """Same rule as the handouts (only a date a named reviewer signed, for the text as it
    is), and when the next review is due or overdue."""
    signoff = _signoff(project, handout.id, locale, statuses)
    if signoff is None:
        return _("Draft, not yet reviewed")

    def when(day: Any) -> str:
        return format_date(day, "long", locale=babel_locale(locale))

    kind, changed = signoff.draft_kind, signoff.changed_since
    if kind == "changed" and changed:
        text = _("Draft: changed since approved by %(name)s on %(date)s") % {
            "name": changed.reviewer,
            "date": when(changed.date),
        }
    elif kind == "content":
        text = _("Draft, not yet reviewed")
    elif kind == "translation":
        text = _("Draft translation, not yet reviewed")
    else:
        text = _("Last reviewed %(date)s") % {"date": when(max(a.date for a in signoff.signatures))}
    due = signoff.content.due
    if due == "overdue":
        text += " · " + _("Review overdue since %(date)s") % {"date": when(handout.next_review)}
    elif due == "due":
        text += " · " + _("Review due %(date)s") % {"date": when(handout.next_review)}
    return text


def _order(entry: dict[str, Any]) -> tuple[int, int]:
    paper = PAPERS.index(entry["paper"]) if entry["paper"] in PAPERS else 0
    return OUTPUTS.index(_output(entry)), paper


def _output(entry: dict[str, Any]) -> OutputFormat:
    return output_format(entry["format"], entry.get("edition") or DEFAULT_EDITION)
