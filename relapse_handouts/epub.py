"""Stage 4b: the EPUB 3 book, built from the HTML stage's parts with EbookLib.

Like Sphinx's EPUB builder, it reuses the HTML documents and ends with short named
finishing steps that fix what EbookLib cannot do itself (package language, fragment
links across chapters, reproducible zip entries).
"""

from __future__ import annotations

import re
import uuid
import zipfile
from datetime import UTC, datetime
from io import BytesIO

from ebooklib import epub

from .cover import draw_cover
from .html import HtmlDocument, HtmlRenderer, Part
from .markup import plain_text

__all__ = ["build_epub"]

_STYLESHEET = "styles/handout.css"
_FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
_ID = re.compile(r'\sid="([^"]+)"')


def build_epub(document: HtmlDocument, renderer: HtmlRenderer) -> bytes:
    """The EPUB bytes for an ``epub``-target document; same input, same bytes."""
    book = _new_book(document)
    _add_stylesheet(book, document, renderer)
    _add_cover(book, document)
    chapters = _add_chapters(book, document, renderer)
    _add_navigation(book, chapters)
    raw = BytesIO()
    epub.write_epub(
        raw, book, {"mtime": _modified(document), "raise_exceptions": True, "epub3_pages": False}
    )
    return _finish(raw.getvalue(), document)


def _modified(document: HtmlDocument) -> datetime:
    updated = document.resolved.handout.updated
    return datetime(updated.year, updated.month, updated.day, tzinfo=UTC)


def _new_book(document: HtmlDocument) -> epub.EpubBook:
    resolved = document.resolved
    book = epub.EpubBook()
    # A stable identifier: the same handout, variant and locale is the same book.
    key = f"{resolved.handout.id}/{resolved.variant.id}/{resolved.locale}"
    book.set_identifier(f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}")
    book.set_title(document.title)
    book.set_language(resolved.locale)
    book.set_direction(resolved.direction)
    book.add_author(resolved.site.organisation)
    book.add_metadata("DC", "publisher", resolved.site.organisation)
    book.add_metadata("DC", "description", plain_text(resolved.variant.description))
    for keyword in resolved.handout.keywords:
        book.add_metadata("DC", "subject", keyword)
    book.add_metadata("DC", "date", resolved.handout.updated.isoformat())
    _add_accessibility_metadata(book)
    return book


def _add_accessibility_metadata(book: epub.EpubBook) -> None:
    """EPUB Accessibility 1.1 discovery metadata (schema.org) and conformance claim."""
    entries = [
        ("schema:accessMode", "textual"),
        ("schema:accessMode", "visual"),
        ("schema:accessModeSufficient", "textual"),
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityFeature", "readingOrder"),
        ("schema:accessibilityFeature", "alternativeText"),
        ("schema:accessibilityFeature", "displayTransformability"),
        ("schema:accessibilityHazard", "none"),
        (
            "schema:accessibilitySummary",
            "All content is text with headings, lists and tables marked up for navigation. "
            "The only image is the cover, which has a text alternative.",
        ),
        ("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"),
    ]
    for prop, value in entries:
        book.add_metadata(None, "meta", value, {"property": prop})


def _add_stylesheet(book: epub.EpubBook, document: HtmlDocument, renderer: HtmlRenderer) -> None:
    # The formats table's stylesheets for this output, as one file in the book.
    assert document.output is not None
    css = renderer.stylesheets(document.output)
    book.add_item(
        epub.EpubItem(
            uid="style", file_name=_STYLESHEET, media_type="text/css", content=css.encode("utf-8")
        )
    )


def _add_cover(book: epub.EpubBook, document: HtmlDocument) -> None:
    resolved = document.resolved
    image = draw_cover(
        document.title,
        plain_text(resolved.handout.audience),
        resolved.site.organisation,
        resolved.locale,
        resolved.direction,
    )
    # No generated cover page: EbookLib makes it non-linear and unreachable (OPF-096).
    book.set_cover("images/cover.png", image, create_page=False)


def _add_chapters(
    book: epub.EpubBook, document: HtmlDocument, renderer: HtmlRenderer
) -> list[epub.EpubHtml]:
    resolved = document.resolved
    files = {part.anchor: f"{part.anchor}.xhtml" for part in document.parts}
    anchors = {
        anchor: files[part.anchor] for part in document.parts for anchor in _ID.findall(part.html)
    }
    chapters = []
    for part in document.parts:
        chapter = epub.EpubHtml(
            uid=f"part-{part.anchor}",
            file_name=files[part.anchor],
            title=part.title,
            lang=resolved.locale,
            direction=resolved.direction,
        )
        html = renderer.render_chapter(document, _relinked(part, anchors), _STYLESHEET)
        chapter.content = html.encode("utf-8")
        if "<svg" in html:  # pictures (issue 25): EPUB 3 wants the item marked
            chapter.properties.append("svg")
        chapter.add_link(href=_STYLESHEET, rel="stylesheet", type="text/css")
        book.add_item(chapter)
        chapters.append(chapter)
    return chapters


def _relinked(part: Part, anchors: dict[str, str]) -> Part:
    """Point ``#id`` links at the chapter file holding that id."""

    def target(match: re.Match[str]) -> str:
        anchor = match.group(1)
        return f'href="{anchors.get(anchor, "")}#{anchor}"'

    html = re.sub(r'href="#([^"]+)"', target, part.html)
    return Part(part.kind, part.anchor, part.title, type(part.html)(html))


def _add_navigation(book: epub.EpubBook, chapters: list[epub.EpubHtml]) -> None:
    book.toc = [epub.Link(chapter.file_name, chapter.title, chapter.id) for chapter in chapters]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = chapters


def _finish(data: bytes, document: HtmlDocument) -> bytes:
    """Set the package language and rewrite the zip with fixed entry times."""
    source = zipfile.ZipFile(BytesIO(data))
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.endswith(".opf"):
                content = _with_package_language(content, document.resolved.locale)
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            entry.compress_type = (
                zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            )
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()


def _with_package_language(opf: bytes, locale: str) -> bytes:
    # EbookLib cannot put xml:lang on <package>; Ace reports epub-lang without it.
    return re.sub(rb"<package ", f'<package xml:lang="{locale}" '.encode(), opf, count=1)
