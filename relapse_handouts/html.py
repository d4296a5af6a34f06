"""Stage 3: a resolved handout through the Jinja layouts into an HTML document.

One document per entry of the formats table (``formats.py``): its template assembles
the parts with its stylesheets (a PDF edition for WeasyPrint, one paper size; the
standalone web page; for EPUBs, parts only, wrapped per chapter by the EPUB stage).
Every output renders the same parts, so all formats show the same content.
"""

from __future__ import annotations

import datetime
import gettext
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date, format_time
from markupsafe import Markup

from .approvals import MEANINGS, Approval, ApprovalStatus
from .conditions import parse_condition
from .config import BuildConfig
from .errors import HandoutError, Location
from .figures import body_outline
from .files import read_text
from .formats import OutputFormat, output_format
from .i18n import babel_locale, ui_translations
from .icons import sign_icon
from .languages import sentence_gap
from .layout_filters import css_counters, css_string, css_xref, markdown, text_direction
from .markup import display_width, keep_glosses, plain_text
from .printrefs import section_titles
from .qr import qr_data_uri, update_link
from .resolve import ResolvedHandout, variant_profile
from .templates import ProjectEnvironment, ProjectLoader

__all__ = ["Part", "HtmlDocument", "HtmlRenderer"]

_PAPER_CSS = {"letter": "letter", "a4": "A4"}


@dataclass(frozen=True)
class Part:
    """One titled piece of a handout; a chapter of its own in the EPUB."""

    kind: str
    anchor: str
    title: str
    html: Markup


@dataclass(frozen=True)
class HtmlDocument:
    resolved: ResolvedHandout
    output: OutputFormat | None  # None: a page that is no output of its own (notes)
    paper: str | None
    title: str
    html: str
    parts: tuple[Part, ...]


class HtmlRenderer:
    """Holds one Jinja environment per locale; build once per process and reuse."""

    def __init__(self, config: BuildConfig) -> None:
        self._config = config
        self._environments: dict[str, jinja2.Environment] = {}
        self._translations: dict[str, gettext.NullTranslations] = {}
        self._styles: dict[str, str] = {}

    def stylesheets(self, output: OutputFormat) -> str:
        """The text of ``output``'s stylesheets, in cascade order (read once each)."""
        return "\n".join(self._stylesheet(name) for name in output.stylesheets)

    def _stylesheet(self, name: str) -> str:
        if name not in self._styles:
            styles = self._config.styles_dir
            self._styles[name] = read_text(styles / name, Path("styles") / name, inside=(styles,))
        return self._styles[name]

    def render(
        self,
        resolved: ResolvedHandout,
        output: OutputFormat,
        paper: str | None = None,
        read_aloud: Callable[[tuple[Part, ...]], tuple[tuple[Part, ...], Any]] | None = None,
    ) -> HtmlDocument:
        """``resolved`` as ``output`` (a formats-table entry): its parts, and the whole
        document from its template unless it is made of chapters (EPUB). ``read_aloud``
        (web pages with narration, see ``audio.edition``) marks the parts with ids and
        gives the player the page shows."""
        env = self._environment(resolved)
        context = self._output_context(resolved, output)
        # An extract (the summary) picks its sections in its template: no parts.
        parts = tuple(
            self._render_part(env, context, kind, item, output.part_heading)
            for kind, item in (() if output.extract else _part_plan(resolved))
        )
        player = None
        if read_aloud is not None:
            parts, player = read_aloud(parts)
        html = ""
        if output.renderer != "epub" and output.template is not None:
            whole = {
                **context,
                "parts": parts,
                "stylesheets": output.stylesheets,
                "inline_css": Markup(self.stylesheets(output)),
                "paper_css": _PAPER_CSS.get(paper or "letter"),
                "standard_file": _standard_file(output, resolved, paper),
                "read_aloud": player,
            }
            html = self._call(env, output.template, whole)
        return HtmlDocument(resolved, output, paper, context["document_title"], html, parts)

    def _output_context(self, resolved: ResolvedHandout, output: OutputFormat) -> dict[str, Any]:
        """The handout's template variables, with what ``output`` changes in them."""
        context = {
            **self._context(resolved),
            "extract": output.extract,
            "edition": output.edition,
            "printed": output.renderer == "pdf",
            "section_titles": section_titles(resolved.handout.sections),
        }
        if output.renderer == "pdf" and context["update_link"]:
            # Printed copies carry a QR code to the latest version online.
            context = {**context, "qr_uri": qr_data_uri(context["update_link"])}
        return context

    def gettext(self, resolved: ResolvedHandout) -> Callable[[str], str]:
        """The layout words' translation function of ``resolved``'s locale."""
        self._environment(resolved)
        return self._translations[resolved.locale].gettext

    def render_notes_page(self, resolved: ResolvedHandout, paper: str) -> HtmlDocument:
        """A page of ruled lines for notes, used to pad printed booklets."""
        env = self._environment(resolved)
        html = self._call(
            env, "notes.html.j2", {**self._context(resolved), "paper_css": _PAPER_CSS[paper]}
        )
        return HtmlDocument(resolved, None, paper, "notes", html, ())

    def render_chapter(self, document: HtmlDocument, part: Part, stylesheet: str) -> str:
        """A part as a complete XHTML chapter file for the EPUB (the entry's template)."""
        env = self._environment(document.resolved)
        assert document.output is not None and document.output.template is not None
        return self._call(
            env,
            document.output.template,
            {**self._context(document.resolved), "part": part, "stylesheet": stylesheet},
        )

    def _render_part(
        self, env: jinja2.Environment, context: dict[str, Any], kind: str, item: Any, heading: int
    ) -> Part:
        html = self._call(
            env, "part.html.j2", {**context, "part": {"kind": kind, "section": item}, "h": heading}
        )
        _ = self._translations[context["lang"]].gettext
        titles = {
            "intro": _("Key points"),
            "glossary": _("Words to know"),
            "references": _("References"),
            "about": _("About this handout"),
        }
        if kind == "section":
            return Part(kind, item.id, plain_text(item.title), Markup(html))
        return Part(
            kind, f"handout-{'title' if kind == 'intro' else kind}", titles[kind], Markup(html)
        )

    def _context(self, resolved: ResolvedHandout) -> dict[str, Any]:
        self._environment(resolved)
        return {
            "handout": resolved.handout,
            "variant": resolved.variant,
            "site": resolved.site,
            "drugs": resolved.drugs,
            "glossary": resolved.glossary,
            "references": resolved.references,
            "ref_numbers": {ref.id: n for n, ref in enumerate(resolved.references, 1)},
            "is_draft": resolved.is_draft,
            "draft_kind": resolved.draft_kind,
            "last_reviewed": resolved.last_reviewed,
            "lang": resolved.locale,
            "dir": resolved.direction,
            "personal": resolved.personal,
            "qr_uri": None,
            "extract": False,
            "holds": _condition_test(resolved),
            "update_link": update_link(
                resolved.site.publisher_url, resolved.locale, resolved.variant.slug
            ),
            "appointment_text": _appointment_text(resolved),
            "document_title": plain_text(resolved.variant.title),
            **_review_texts(resolved, self._translations[resolved.locale].gettext),
        }

    def _environment(self, resolved: ResolvedHandout) -> jinja2.Environment:
        locale = resolved.locale
        if locale not in self._environments:
            env = ProjectEnvironment(
                loader=ProjectLoader(self._config.layouts_dir, self._config.root),
                autoescape=True,
                undefined=jinja2.StrictUndefined,
                extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
                keep_trailing_newline=True,
            )
            translations = ui_translations(
                self._config.source_dir, locale, resolved.site.source_locale
            )
            env.install_gettext_translations(translations, newstyle=True)  # type: ignore
            self._translations[locale] = translations
            env.filters.update(
                md=markdown,
                glosses=keep_glosses,
                display_width=display_width,
                plain=plain_text,
                css_string=css_string,
                css_counters=css_counters,
                css_xref=css_xref,
                direction=text_direction,
                date=lambda value: _format_date(value, locale),
            )
            env.globals.update(
                body_outline=body_outline, sign_icon=sign_icon, sentence_gap=sentence_gap(locale)
            )
            self._environments[locale] = env
        return self._environments[locale]

    def _call(self, env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
        """Render a template; turn template mistakes into located user errors."""
        try:
            return env.get_template(name).render(context)
        except jinja2.TemplateSyntaxError as error:
            raise HandoutError(
                f"template syntax: {error.message}",
                Location(self._shown(error.filename or name), error.lineno),
                hint="fix the Jinja syntax at this line",
            ) from None
        except jinja2.UndefinedError as error:
            raise HandoutError(
                f"undefined variable: {error.message}",
                self._template_location(error, name),
                hint="use a variable the layout is given (docs/authoring.md, 'Layouts and styles')",
            ) from None

    def _template_location(self, error: Exception, name: str) -> Location:
        layouts = str(self._config.layouts_dir)
        frames = [
            frame
            for frame in traceback.extract_tb(error.__traceback__)
            if frame.filename.startswith(layouts)
        ]
        if frames:
            return Location(self._shown(frames[-1].filename), frames[-1].lineno)
        return Location(Path("layouts") / name)

    def _shown(self, filename: str) -> Path:
        path = Path(filename)
        return (
            path.relative_to(self._config.root) if path.is_relative_to(self._config.root) else path
        )


def _condition_test(resolved: ResolvedHandout) -> Callable[[str], bool]:
    """``holds("relapse_site.cns")`` in a layout: whether a content condition holds for
    the handout's variant (pictures show what the variant covers)."""
    profile = variant_profile(resolved.site, resolved.variant)
    return lambda condition: parse_condition(condition).holds(profile)


def _part_plan(resolved: ResolvedHandout) -> list[tuple[str, Any]]:
    plan: list[tuple[str, Any]] = [("intro", None)]
    plan += [("section", section) for section in resolved.handout.sections]
    if resolved.glossary:
        plan.append(("glossary", None))
    return plan + [("references", None), ("about", None)]


def _standard_file(output: OutputFormat, resolved: ResolvedHandout, paper: str | None) -> str:
    """The file name of the full handout in ``output``'s format and paper (the summary
    says where to read more)."""
    try:
        standard = output_format(output.format)
    except KeyError:
        return ""
    return standard.path_name(resolved.variant.slug, paper if standard.per_paper else None)


def _review_texts(resolved: ResolvedHandout, _: Any) -> dict[str, str | None]:
    """What the handout says about its review: footer, draft header and sign-off lines
    (a name only where that person signed the text printed)."""
    signed, version = resolved.last_reviewed, resolved.handout.content_version
    signoff = resolved.signoff
    return {
        "footer_text": (
            _("Version %(version)s · Last reviewed %(date)s")
            % {"version": version, "date": _format_date(signed, resolved.locale)}
            if signed
            else _("Version %(version)s · Draft, not yet reviewed") % {"version": version}
        ),
        "draft_header": _draft_header(resolved, _),
        "review_text": _signature(signoff.content if signoff else None, resolved.locale, _),
        "translation_text": (
            _signature(signoff.translation, resolved.locale, _)
            if signoff and signoff.translation
            else None
        ),
    }


def _draft_header(resolved: ResolvedHandout, _: Any) -> str:
    changed = resolved.changed_since
    if resolved.draft_kind == "changed" and changed:
        return _changed_text(changed, resolved.locale, _)
    if resolved.draft_kind == "translation":
        return _("Draft translation, not yet reviewed")
    return _("Draft, not yet reviewed")


def _changed_text(approval: Approval, locale: str, _: Any) -> str:
    return _("Draft: changed since approved by %(name)s on %(date)s") % {
        "name": approval.reviewer,
        "date": _format_date(approval.date, locale),
    }


def _signature(status: ApprovalStatus | None, locale: str, _: Any) -> str:
    """'Approved by <name>, <role>, for <meaning>, on <date>' only while the signed text
    is the text printed; else what kind of draft it is."""
    approval = status.approval if status else None
    if status is None or approval is None:
        return _("Draft, not yet reviewed")
    if status.state != "approved":
        return _changed_text(approval, locale, _)
    return _("Approved by %(reviewer)s, %(role)s, for %(meaning)s, on %(date)s") % {
        "reviewer": approval.reviewer,
        "role": approval.role,
        "meaning": _(MEANINGS[approval.meaning]),
        "date": _format_date(approval.date, locale),
    }


def _appointment_text(resolved: ResolvedHandout) -> str:
    when = resolved.personal.next_appointment if resolved.personal else None
    if isinstance(when, datetime.datetime):
        return f"{_format_date(when.date(), resolved.locale)}, " + format_time(
            when, format="short", locale=babel_locale(resolved.locale)
        )
    if isinstance(when, datetime.date):
        return _format_date(when, resolved.locale)
    return when or ""


def _format_date(value: Any, locale: str) -> str:
    return format_date(value, format="long", locale=babel_locale(locale))
