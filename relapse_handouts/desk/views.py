"""Find, preview and download the handouts already built in output/."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import (
    Blueprint,
    Response,
    abort,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from ..formats import (
    DEFAULT_EDITION,
    EDITION_LABELS,
    FORMAT_LABELS,
    PAPER_LABELS,
    output_format,
)
from ..i18n import babel_locale, text_direction
from ..markup import plain_text
from .context import HANDOUT_CSP, UI_COOKIE, desk, gettext
from .search import LANGUAGE_WORDS, TOPIC_WORDS, folded, matches
from .state import NOT_RECORDED, DeskState, Published
from .words import UI_LOCALES

__all__ = ["blueprint", "file_label", "edition_label", "paper_label", "local_path"]

MAX_QUERY_CHARS = 100
# A list of at most this many handouts shows every topic open; a longer one (the whole
# catalogue: 48 handouts, 30,000 px) shows one closed line per topic, opened on demand.
OPEN_AT_MOST = 8
# Each handout in the list shows one file and folds the others ("More formats") when it
# has more than this many (13 files in 6 languages made an opened topic 8,000 px tall at
# 390 px); a list of one handout shows them all.
FOLD_FROM = 2


@dataclass(frozen=True)
class Document:
    """One handout (variant) in one language, with its built files."""

    variant: str
    locale: str
    title: str
    description: str
    language: str
    dir: str
    files: tuple[Published, ...]
    also_known_as: str = ""  # nurses' words: see search.py
    status: str = ""  # draft or who reviewed it, version, next review (nurse's words)
    reading: str = ""  # its reading level, as the build measured it (nurse's words)

    @property
    def filter_text(self) -> str:
        return folded(
            " ".join(
                (self.title, self.description, self.language, self.also_known_as, self.variant,
                 self.locale)
            )
        )  # fmt: skip

    @property
    def main_files(self) -> tuple[Published, ...]:
        """The files shown at once: the first in the formats table's order (the standard
        PDF on the site's first paper, unless the filters leave another); all of them
        when folding would hide only one."""
        return self.files if len(self.files) <= FOLD_FROM else self.files[:1]

    @property
    def more_files(self) -> tuple[Published, ...]:
        """The other files, folded under "More formats" in the list."""
        return self.files[len(self.main_files) :]

    @property
    def web_page(self) -> Published | None:
        return next((f for f in self.files if f.format == "html"), None)


@dataclass(frozen=True)
class TopicGroup:
    """One topic (variant) with its handouts in each language, as the list shows them."""

    variant: str
    title: str  # in the desk's language
    documents: tuple[Document, ...]
    description: str = ""  # in the desk's language (each handout's own is in its language)

    @property
    def languages(self) -> tuple[tuple[str, str], ...]:
        return tuple((d.locale, d.language) for d in self.documents)


blueprint = Blueprint("find", __name__)


@blueprint.get("/")
def find() -> str:
    _, state = desk()
    chosen = _filters(state)
    documents = [
        replace(d, files=tuple(f for f in d.files if _file_ok(f, chosen)))
        for d in _documents(state)
        if _matches(d, chosen)
    ]
    documents = [d for d in documents if d.files]
    return render_template(
        "find.html.j2",
        chosen=chosen,
        documents=documents,
        groups=_by_topic(state, documents),
        open_groups=len(documents) <= OPEN_AT_MOST,
        open_more=len(documents) == 1,
        locales=state.locales,
        variants={variant: title for variant, (title, _) in _topics(state).items()},
        editions={e: edition_label(e) for e in state.editions},
        papers={p: paper_label(p) for p in state.papers},
        formats={f: format_label(f) for f in state.formats},
        file_label=file_label,
        back=request.script_root + request.full_path if request.query_string else "",
    )


@blueprint.get("/preview/<variant>/<locale>")
def preview(variant: str, locale: str) -> str:
    _, state = desk()
    document = next(
        (d for d in _documents(state) if d.variant == variant and d.locale == locale), None
    )
    if document is None:
        abort(404)
    return render_template("preview.html.j2", document=document, file_label=file_label)


@blueprint.get("/files/<path:key>")
def published_file(key: str) -> Response:
    """A built file: downloaded, or shown in the browser (to print) with ``?show=1``."""
    _, state = desk()
    found = state.published_file(key)
    if found is None:
        abort(404)
    entry, data = found
    show = request.args.get("show") == "1" or entry.format == "html"
    response = Response(data, content_type=media_type(entry))
    name = PurePosixPath(entry.path).name
    response.headers["Content-Disposition"] = (
        f'{"inline" if show else "attachment"}; filename="{name}"'
    )

    if entry.format == "html":
        response.headers["Content-Security-Policy"] = HANDOUT_CSP
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@blueprint.post("/language")
def choose_language() -> Response:
    """The nurse's page language (kept in a cookie); back to where they were."""
    choice = request.form.get("ui", "")
    if choice not in UI_LOCALES:
        abort(400)
    response = make_response(redirect(local_path(request.form.get("back", "")), 303))
    response.set_cookie(UI_COOKIE, choice, samesite="Strict", httponly=True, max_age=365 * 86400)
    return response


def local_path(back: str) -> str:
    """``back`` when it is a path of this desk, else the desk's first page. Never another
    host: no scheme, no ``//host``, no backslash, and no space or control character
    (browsers drop tabs and line breaks, so ``/<tab>/host`` would read as ``//host``)."""
    home = url_for("find.find")
    root = f"{request.script_root}/"
    if any(ord(char) < 0x21 or char in "\\\x7f" for char in back):
        return home
    parts = urlsplit(back)
    if (
        parts.scheme
        or parts.netloc
        or not back.startswith(root)
        or back[len(root) :].startswith("/")
    ):
        return home
    return back


def media_type(entry: Published) -> str:
    """The file's MIME type, from the pipeline's formats table."""
    try:
        media = output_format(entry.format, entry.edition).media_type
    except KeyError:
        return "application/octet-stream"
    return f"{media}; charset=utf-8" if media.startswith("text/") else media


def format_label(format: str) -> str:
    return gettext(FORMAT_LABELS.get(format, format.upper()))


def edition_label(edition: str) -> str:
    return gettext(EDITION_LABELS.get(edition, edition.replace("-", " ").capitalize()))


def paper_label(paper: str) -> str:
    return gettext(PAPER_LABELS.get(paper, paper))


def file_label(entry: Published) -> str:
    """'PDF to print, Large print, Letter', 'E-book (EPUB)', ... in the nurse's words."""
    parts = [format_label(entry.format)]
    if entry.format == "pdf" or entry.edition != DEFAULT_EDITION:
        parts.append(edition_label(entry.edition))
    if entry.paper:
        parts.append(paper_label(entry.paper))
    return ", ".join(p for p in parts if p)


# Helpers ------------------------------------------------------------------------------


def _filters(state: DeskState) -> dict[str, str]:
    """The GET filters; an unknown value is treated as 'any' (and shown as such)."""
    known: dict[str, Any] = {
        "locale": state.locales,
        "variant": state.variant_ids(),
        "edition": state.editions,
        "paper": state.papers,
        "format": state.formats,
    }
    chosen = {name: request.args.get(name, "") for name in known}
    chosen = {name: value if value in known[name] else "" for name, value in chosen.items()}
    chosen["q"] = request.args.get("q", "")[:MAX_QUERY_CHARS].strip()
    return chosen


def _documents(state: DeskState) -> list[Document]:
    by_document: dict[tuple[str, str], list[Published]] = {}
    for entry in state.published():
        by_document.setdefault((entry.variant, entry.locale), []).append(entry)
    documents = []
    order = {v: i for i, v in enumerate(state.variant_ids())}
    locales = list(state.locales)
    for (variant_id, locale), files in sorted(
        by_document.items(),
        key=lambda item: (
            locales.index(item[0][1]) if item[0][1] in locales else 99,
            order.get(item[0][0], 99),
        ),
    ):
        if locale not in state.projects or variant_id not in order:
            continue
        variant = next(v for v in state.projects[locale].variants if v.id == variant_id)
        documents.append(
            Document(
                variant_id,
                locale,
                plain_text(variant.title),
                plain_text(variant.description),
                state.locales[locale],
                text_direction(locale),
                tuple(sorted(files, key=lambda f: _file_order(state, f))),
                _search_words(state, variant_id, locale),
                status_line(state.resolved(variant_id, locale)),
                reading_line(files),
            )
        )
    return documents


def _by_topic(state: DeskState, documents: list[Document]) -> list[TopicGroup]:
    """The documents grouped by topic, in the topics' order; languages in site order."""
    return [
        TopicGroup(variant, title, group, description)
        for variant, (title, description) in _topics(state).items()
        if (group := tuple(d for d in documents if d.variant == variant))
    ]


def _topics(state: DeskState) -> dict[str, tuple[str, str]]:
    """Each topic's title and description in the desk's language, in the topics' order."""
    ui = getattr(g, "ui", "en-CA")
    variants = {v.id: v for v in state.projects.get(ui, state.project).variants}
    return {
        variant: (plain_text(variants[variant].title), plain_text(variants[variant].description))
        if variant in variants
        else (variant, "")
        for variant in state.variant_ids()
    }


def status_line(resolved: Any) -> str:
    """'Draft, not yet reviewed · version 1.2 · next review 1 June 2027', in the nurse's
    language: what a nurse checks before printing."""
    ui = getattr(g, "ui", "en-CA")
    if resolved.is_draft:
        status = gettext("Draft, not yet reviewed")
    else:
        status = gettext("Reviewed by %(names)s on %(date)s") % {
            "names": ", ".join(a.reviewer for a in resolved.signatures),
            "date": format_date(resolved.last_reviewed, "long", locale=babel_locale(ui)),
        }
    handout = resolved.handout
    return " · ".join(
        (
            status,
            gettext("version %(version)s") % {"version": handout.content_version},
            gettext("next review %(date)s")
            % {"date": format_date(handout.next_review, "long", locale=babel_locale(ui))},
        )
    )


def reading_line(files: list[Published]) -> str:
    """'Reading level: grade 3.7 (Flesch-Kincaid)', or the reading ease of French and
    Spanish, as the build recorded it in the manifest; "" when the manifest predates it."""
    recorded = next(
        (f.reading_level for f in files if f.reading_level != NOT_RECORDED), NOT_RECORDED
    )
    if recorded == NOT_RECORDED:
        return ""
    if not isinstance(recorded, dict):
        return gettext("Reading level: not measured for this language (no formula for it)")
    words = {
        "formula": recorded["formula"],
        "value": format_decimal(
            recorded["value"], "#,##0.0", locale=babel_locale(getattr(g, "ui", "en-CA"))
        ),
    }
    if recorded["measure"] == "grade":
        return gettext("Reading level: grade %(value)s (%(formula)s)") % words
    return gettext("Reading ease: %(value)s out of 100, higher is easier (%(formula)s)") % words


def _search_words(state: DeskState, variant_id: str, locale: str) -> str:
    """What else finds this handout: see search.py."""
    names = [str(babel_locale(locale).get_display_name(babel_locale(ui))) for ui in UI_LOCALES]
    titles = [
        plain_text(state.resolved(variant_id, ui).variant.title)
        for ui in UI_LOCALES
        if ui in state.projects
    ]
    drugs = [
        " ".join((drug.generic, *drug.brands, *drug.other_names))
        for drug in state.variant_drugs(variant_id, locale)
    ]
    words = (TOPIC_WORDS.get(variant_id, ""), LANGUAGE_WORDS.get(locale, ""))
    return " ".join([*names, *titles, *drugs, *words])


def _file_order(state: DeskState, entry: Published) -> tuple:
    formats, editions, papers = list(state.formats), list(state.editions), list(state.papers)
    return (
        formats.index(entry.format) if entry.format in formats else 9,
        editions.index(entry.edition) if entry.edition in editions else 9,
        papers.index(entry.paper) if entry.paper in papers else 9,  # site.yaml's order
    )


def _matches(document: Document, chosen: dict[str, str]) -> bool:
    if chosen["locale"] and document.locale != chosen["locale"]:
        return False
    if chosen["variant"] and document.variant != chosen["variant"]:
        return False
    return matches(chosen["q"], document.filter_text)


def _file_ok(entry: Published, chosen: dict[str, str]) -> bool:
    if chosen["format"] and entry.format != chosen["format"]:
        return False
    if chosen["edition"] and entry.edition != chosen["edition"]:
        return False
    return not (chosen["paper"] and entry.paper != chosen["paper"])
