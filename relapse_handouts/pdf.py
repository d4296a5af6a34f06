"""Stage 4a: an HTML print document into a tagged PDF/UA-1 file with WeasyPrint.

WeasyPrint is imported only here, and only when a PDF is actually rendered, so a build
with nothing to do never pays for the import. A ``PdfRenderer`` keeps one
``FontConfiguration`` per process (a new one per render leaks memory).
"""

from __future__ import annotations

import hashlib
import logging
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .config import BuildConfig
from .errors import HandoutError, Location
from .fonts import ensure_project_fonts
from .html import HtmlDocument
from .pdftags import fix_structure

__all__ = [
    "PdfRenderer",
    "RenderedPdf",
    "ProjectOnlyFetcher",
    "BlockedResource",
    "MissingFonts",
    "TooManyPages",
    "UrgentSectionSplit",
]


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    warnings: tuple[str, ...]


class BlockedResource(HandoutError):
    """A layout or style asked for something outside the project's own files."""


class MissingFonts(HandoutError):
    """No font is installed, or none draws some characters of the text."""


class TooManyPages(HandoutError):
    """An edition with a page limit (the one-page summary) does not fit in it."""

    default_code = "too_many_pages"


class UrgentSectionSplit(TooManyPages):
    """ "When to call right away" (the section with role ``urgent``) does not fit whole on
    one page, or in one column of the summary (issue 19, 2): a page limit of its own."""

    default_code = "urgent_section_split"


_MISSING_GLYPH = ".notdef glyph rendered"
# WeasyPrint warns on import when fontconfig has no fonts; _require_fonts says it clearly.
warnings.filterwarnings("ignore", message=".*FontConfig.*Expect ugly output", category=UserWarning)
_FONT_HINT = (
    "install fonts that cover every language built (Debian: fonts-noto-core, "
    "fonts-noto-cjk; 'bash run.sh setup' installs them)"
)


def _require_fonts() -> None:
    """Stop before rendering when fontconfig finds no font at all (Pango would crash)."""
    from weasyprint.text.ffi import ffi, fontconfig

    config = ffi.gc(fontconfig.FcInitLoadConfigAndFonts(), fontconfig.FcConfigDestroy)
    fonts = fontconfig.FcConfigGetFonts(config, fontconfig.FcSetSystem)
    if fonts == ffi.NULL or fonts.nfont == 0:
        raise MissingFonts("no fonts are installed: text cannot be drawn", hint=_FONT_HINT)


def _refuse_missing_glyphs(document: HtmlDocument, messages: list[str]) -> None:
    """Characters drawn as empty boxes fail the build, with or without --strict."""
    missing = [message for message in messages if message.startswith(_MISSING_GLYPH)]
    if not missing:
        return
    codes = sorted({message.rsplit("(", 1)[-1].rstrip(")") for message in missing})
    resolved = document.resolved
    raise MissingFonts(
        f"{len(codes)} character(s) of the {resolved.locale} text have no glyph in the "
        f"installed fonts and would print as empty boxes: {', '.join(codes[:8])}",
        Location(Path(resolved.source_files[0]) if resolved.source_files else Path("source")),
        hint=_FONT_HINT,
        code="missing_glyphs",
        params={"code_points": ", ".join(codes[:8])},
    )


def _refuse_too_many_pages(document: HtmlDocument, pages: int) -> None:
    """An edition with ``max_pages`` in the formats table fails when it runs longer, naming
    the variant, locale and paper, at the file whose text is to be shortened."""
    limit = document.output.max_pages if document.output else None
    if limit is None or pages <= limit:
        return
    resolved = document.resolved
    where = _text_file(document)
    assert document.output is not None
    edition = document.output.edition
    raise TooManyPages(
        f"the {edition} edition of variant '{resolved.variant.id}' in {resolved.locale} "
        f"({document.paper}) runs to {pages} pages; it must fit on {limit}",
        Location(where),
        hint=(
            f"shorten what the {edition} edition shows in {resolved.locale} (key points, 'when to "
            "call right away', the first three questions) or, for a personalized one, the "
            "care sheet's contacts and notes; look at the PDF to see what spills over"
        ),
        params={"edition": edition, "pages": pages, "limit": limit},
    )


def _page_and_x(pages: list[Any], *anchors: str) -> tuple[tuple[int, float], ...] | None:
    """The page number and x of each of ``anchors`` in the laid-out ``pages``; None when
    one is on no page."""
    places = {
        name: (number, anchor[0])
        for number, page in enumerate(pages, 1)
        for name, anchor in page.anchors.items()
        if name in anchors
    }
    if len(places) < len(anchors):
        return None
    return tuple(places[name] for name in anchors)


def _refuse_split_urgent(document: HtmlDocument, pages: list[Any]) -> None:
    """The urgent section is one unbreakable block: its title and its end mark (layouts,
    ``whole_end``) must be on one page at one x, which is one column of the summary. When
    the block is taller than the page, WeasyPrint splits it anyway: that fails here,
    naming the variant, locale, edition and paper."""
    resolved = document.resolved
    for section in resolved.handout.sections:
        if section.role != "urgent":
            continue
        ends = _page_and_x(pages, f"{section.id}-title", f"{section.id}-end")
        if ends is None:
            continue  # a page without the section (the booklet's notes page)
        (start_page, start_x), (end_page, end_x) = ends
        if start_page == end_page and abs(start_x - end_x) < 1:
            continue
        edition = document.output.edition if document.output else "?"
        where = (
            f"from page {start_page} to page {end_page}"
            if start_page != end_page
            else (f"over two columns of page {start_page}")
        )
        raise UrgentSectionSplit(
            f"section '{section.id}' ('when to call right away') of variant "
            f"'{resolved.variant.id}' in {resolved.locale}, {edition} edition "
            f"({document.paper}), runs {where}; it must be whole on one page",
            Location(_text_file(document)),
            field=f"sections.{section.id}",
            hint=(
                f"shorten the section's text in {resolved.locale} (signs, side effects, the "
                "emergency line) or, for a personalized handout, the care sheet's "
                "'call_right_away'; look at the PDF to see where it breaks"
            ),
            params={"edition": edition, "start_page": start_page, "end_page": end_page},
        )


def _text_file(document: HtmlDocument) -> Path:
    """The file whose text is to be shortened: the translation, or the English source."""
    resolved = document.resolved
    if resolved.locale != resolved.site.source_locale:
        return Path("source/translations") / f"{resolved.locale}.yaml"
    return Path(resolved.source_files[0] if resolved.source_files else "source")


def ProjectOnlyFetcher(allowed_dirs: tuple[Path, ...]) -> Any:
    """A WeasyPrint URL fetcher that reads only files under ``allowed_dirs``.

    Network URLs, paths outside the project and any ``data:`` URL that is not an image
    are refused with a fatal error, so a build can never leak a local file into a PDF.
    """
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    roots = tuple(path.resolve() for path in allowed_dirs)

    class _Fetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "data" and url.startswith("data:image/"):
                return super().fetch(url, headers)  # images made in-process (QR codes)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if any(path.is_relative_to(root) for root in roots) and path.is_file():
                    return super().fetch(url, headers)
            raise FatalURLFetchingError(
                f"refused to load {url!r}: the renderer may read only files in "
                f"{', '.join(root.name + '/' for root in roots)}"
            )

    return _Fetcher(allowed_protocols=("file", "data"), allow_redirects=False)


class _WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _reading_direction(direction: str) -> Any:
    """A WeasyPrint finisher: the structure fixes of ``pdftags``, and telling viewers a
    right-to-left document pages leftwards."""

    def finish(document: Any, pdf: Any) -> None:
        fix_structure(document, pdf)
        if direction == "rtl":
            pdf.catalog["ViewerPreferences"]["Direction"] = "/R2L"

    return finish


# "In this handout" (layouts/print.html.j2) belongs on page 1, whole, above the safety box
# that opens page 2; where it does not fit (a long translation, a personal handout's
# details), it would push that box to page 3 and leave page 2 nearly empty: the document
# is then laid out again without it.
_CONTENTS_ANCHOR = "handout-contents"
_NO_CONTENTS = "<style>nav.contents { display: none; }</style></head>"


# WeasyPrint (issue 1614) takes an inline box almost as a word of its own: when a <strong>
# did not fit at a line's end, the line was broken at the first space of the text before
# it instead of the last ("traitement. Elle" / "n'est pas ... de LAL" / "réfractaire
# primaire" in French large print). With the space inside the <strong>, the text before
# it ends in no break opportunity and the line breaks at that space, as it should.
_SPACE_BEFORE_STRONG = re.compile(r"(?<=[^\s>]) (<strong\b[^>]*>)")


def _contents_ran_over(pages: list[Any]) -> bool:
    return any(_CONTENTS_ANCHOR in page.anchors for page in pages[1:])


class PdfRenderer:
    """Renders print documents; build one per process and reuse it."""

    def __init__(self, config: BuildConfig) -> None:
        ensure_project_fonts(config)  # before fontconfig loads: only the styles' fonts
        from weasyprint.text.fonts import FontConfiguration

        from .parse_once import parse_once

        _require_fonts()
        parse_once()  # the same stylesheets (and tinyhtml5's expressions) once per process
        self._config = config
        self._fonts = FontConfiguration()
        self._fetcher = ProjectOnlyFetcher(config.readable_dirs)
        self._base_url = config.root.as_uri() + "/"

    def _layout(self, html: str) -> Any:
        from weasyprint import HTML

        html = _SPACE_BEFORE_STRONG.sub(r"\1 ", html)
        return HTML(string=html, base_url=self._base_url, url_fetcher=self._fetcher).render(
            font_config=self._fonts
        )

    def render(self, document: HtmlDocument) -> RenderedPdf:
        from weasyprint.urls import FatalURLFetchingError

        collector = _WarningCollector()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(collector)
        try:
            page_set = self._layout(document.html)
            if _contents_ran_over(page_set.pages):
                page_set = self._layout(document.html.replace("</head>", _NO_CONTENTS, 1))
            data = page_set.write_pdf(
                pdf_variant="pdf/ua-1",
                # Same content, same identifier: part of byte-identical rebuilds.
                pdf_identifier=hashlib.sha256(document.html.encode()).hexdigest()[:32].encode(),
                finisher=_reading_direction(document.resolved.direction),
            )
        except FatalURLFetchingError as error:
            raise BlockedResource(
                str(error),
                Location(Path("layouts")),
                hint="reference only files in layouts/, styles/ or source/",
            ) from None
        finally:
            logger.removeHandler(collector)
        _refuse_missing_glyphs(document, collector.messages)
        _refuse_too_many_pages(document, len(page_set.pages))
        _refuse_split_urgent(document, page_set.pages)
        return RenderedPdf(data, len(page_set.pages), tuple(collector.messages))
