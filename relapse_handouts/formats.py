"""The one table of outputs: for each format and edition, how it is made and of what.

Read by the plan (file names), the incremental keys (the styles and source files each
output depends on), the HTML stage (template, stylesheets, heading level), the EPUB
stage (stylesheets), the render stage (renderer and post-processing), the publish
stage (media type), the catalog (link labels) and the review page (which file to show).

Adding an edition is one ``OutputFormat`` entry in ``OUTPUTS`` plus its template in
``layouts/`` (see docs/architecture.md, "The formats table"). No other module names an edition.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "OutputFormat",
    "OUTPUTS",
    "FORMATS",
    "EDITIONS",
    "PAPERS",
    "PAPER_LABELS",
    "FORMAT_LABELS",
    "EDITION_LABELS",
    "PERSONAL_EDITIONS",
    "DEFAULT_EDITION",
    "SHARED_SOURCES",
    "output_format",
    "has_editions",
    "handout_sources",
]


def N_(message: str) -> str:
    """Marks a layout word for ``pybabel extract``; translated where it is shown."""
    return message


# Paper sizes of per-paper outputs (CSS @page size names in ``paper_css``), each with its
# name where a paper is chosen by itself (the nurse desk); gettext message ids.
PAPER_LABELS: Mapping[str, str] = {"letter": N_("Letter"), "a4": N_("A4")}
PAPERS = tuple(PAPER_LABELS)
# The edition of a format that has only one, and of an output that names none.
DEFAULT_EDITION = "standard"
# Source files (in source/) that every output of every handout is made from.
SHARED_SOURCES = ("site.yaml", "variants.yaml", "drugs.yaml", "glossary.yaml", "references.yaml")


@dataclass(frozen=True)
class OutputFormat:
    """One kind of output file.

    Attributes:
        format / edition: the command line's ``--format`` and ``--edition`` values.
        renderer: how it is made: ``pdf`` (the template through WeasyPrint, tagged),
            ``epub`` (parts as chapters through EbookLib), ``html`` (one page),
            ``read-aloud`` (narrated: MP3, EPUB with Media Overlays, page with player).
        template: the layout in ``layouts/`` that assembles the parts (for EPUBs: the
            template of each chapter); ``None`` when no layout assembles it (the MP3).
        stylesheets: files in ``styles/``, in cascade order.
        file_name: ``str.format`` pattern with ``{slug}`` and, per paper, ``{paper}``.
        media_type: MIME type of the file.
        labels: the catalog's link text per paper (``None`` when not per paper);
            gettext message ids, translated into each locale.
        per_paper: one file per paper size in ``site.yaml`` ``papers``.
        made_from: the edition (same format) whose file ``post_processing`` starts from.
        post_processing: named steps applied after rendering, in order (see render.py).
        extra_layouts: other layouts it reads beyond the parts (booklet: notes page).
        part_heading: heading level of each part's title (EPUB chapters start at h1).
        tagged: a tagged, accessible file (PDF/UA); untagged files are print-only.
        extract: the template picks sections by their ``role`` instead of showing every
            part; with no glossary or reference list on the page, glossary words,
            citations and links to other sections print as plain text.
        max_pages: the most pages a PDF may have; a longer one fails the build, naming
            the variant, locale and paper (the one-page summary).
    """

    format: str
    edition: str
    renderer: str
    template: str | None
    stylesheets: tuple[str, ...]
    file_name: str
    media_type: str
    labels: Mapping[str | None, str]
    per_paper: bool = False
    made_from: str | None = None
    post_processing: tuple[str, ...] = ()
    extra_layouts: tuple[str, ...] = ()
    part_heading: int = 2
    tagged: bool = True
    extract: bool = False
    max_pages: int | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.format, self.edition)

    def path_name(self, slug: str, paper: str | None) -> str:
        return self.file_name.format(slug=slug, paper=paper)


OUTPUTS: tuple[OutputFormat, ...] = (
    OutputFormat(
        format="pdf",
        edition="standard",
        renderer="pdf",
        template="print.html.j2",
        stylesheets=("content.css", "print.css"),
        file_name="{slug}.{paper}.pdf",
        media_type="application/pdf",
        labels={paper: label for paper, label in PAPER_LABELS.items()},
        per_paper=True,
    ),
    OutputFormat(
        format="pdf",
        edition="large-print",
        renderer="pdf",
        template="print.html.j2",
        stylesheets=("content.css", "print.css", "compact-signs.css", "large-print.css"),
        file_name="{slug}.large-print.{paper}.pdf",
        media_type="application/pdf",
        labels={"letter": N_("Large print, Letter"), "a4": N_("Large print, A4")},
        per_paper=True,
    ),
    OutputFormat(
        format="pdf",
        edition="booklet",
        renderer="pdf",
        template="print.html.j2",
        stylesheets=("content.css", "print.css"),
        file_name="{slug}.booklet.{paper}.pdf",
        media_type="application/pdf",
        labels={"letter": N_("Booklet to print, Letter"), "a4": N_("Booklet to print, A4")},
        per_paper=True,
        made_from="standard",
        post_processing=("impose-booklet",),
        extra_layouts=("notes.html.j2",),
        tagged=False,
    ),
    # The one sheet a nurse hands over (issue 10): key points, when to call, three
    # questions, the care-team box and where to read the full handout; 11 pt or more.
    OutputFormat(
        format="pdf",
        edition="summary",
        renderer="pdf",
        template="summary.html.j2",
        stylesheets=("content.css", "print.css", "compact-signs.css", "summary.css"),
        file_name="{slug}.summary.{paper}.pdf",
        media_type="application/pdf",
        labels={"letter": N_("One-page summary, Letter"), "a4": N_("One-page summary, A4")},
        per_paper=True,
        extract=True,
        max_pages=1,
    ),
    OutputFormat(
        format="epub",
        edition="standard",
        renderer="epub",
        template="epub_chapter.xhtml.j2",
        stylesheets=("content.css", "epub.css"),
        file_name="{slug}.epub",
        media_type="application/epub+zip",
        labels={None: N_("E-book (EPUB)")},
        part_heading=1,
    ),
    OutputFormat(
        format="html",
        edition="standard",
        renderer="html",
        template="web.html.j2",
        stylesheets=("content.css", "screen.css"),
        file_name="{slug}.html",
        media_type="text/html",
        labels={None: N_("Web page")},
    ),
    # Read aloud (audio/): the narration is made once per handout and shared by these
    # three; the web page plays the MP3 saved next to it.
    OutputFormat(
        format="epub",
        edition="audio",
        renderer="read-aloud",
        template="epub_chapter.xhtml.j2",
        stylesheets=("content.css", "epub.css"),
        file_name="{slug}.audio.epub",
        media_type="application/epub+zip",
        labels={None: N_("E-book read aloud (EPUB)")},
        part_heading=1,
    ),
    OutputFormat(
        format="html",
        edition="audio",
        renderer="read-aloud",
        template="web.html.j2",
        stylesheets=("content.css", "screen.css", "read-aloud.css"),
        file_name="{slug}.audio.html",
        media_type="text/html",
        labels={None: N_("Web page read aloud")},
    ),
    OutputFormat(
        format="mp3",
        edition="standard",
        renderer="read-aloud",
        template=None,
        stylesheets=(),
        file_name="{slug}.mp3",
        media_type="audio/mpeg",
        labels={None: N_("Listen (MP3)")},
    ),
)

FORMATS = tuple(dict.fromkeys(entry.format for entry in OUTPUTS))
EDITIONS = tuple(dict.fromkeys(entry.edition for entry in OUTPUTS))
# Each format and each edition by itself, in a reader's words (the nurse desk's filters,
# and its file names: "PDF to print, Large print, Letter"); gettext message ids. A test
# checks that they name exactly the formats and editions of ``OUTPUTS``.
FORMAT_LABELS: Mapping[str, str] = {
    "pdf": N_("PDF to print"),
    "epub": N_("E-book (EPUB)"),
    "html": N_("Web page"),
    "mp3": N_("Audio (MP3)"),
}
EDITION_LABELS: Mapping[str, str] = {
    "standard": N_("Standard"),
    "large-print": N_("Large print"),
    "booklet": N_("Booklet to print"),
    "summary": N_("Summary"),
    "audio": N_("Read aloud"),
}
# The editions one child's handout can be made in: the PDFs rendered from the layouts
# (the booklet is imposed from the standard PDF afterwards).
PERSONAL_EDITIONS = tuple(
    entry.edition for entry in OUTPUTS if entry.format == "pdf" and entry.made_from is None
)
_BY_KEY = {entry.key: entry for entry in OUTPUTS}


def output_format(format: str, edition: str = DEFAULT_EDITION) -> OutputFormat:
    """The table entry of ``format`` and ``edition`` (KeyError if there is none)."""
    return _BY_KEY[(format, edition)]


def has_editions(format: str) -> bool:
    """Whether ``format`` comes in several editions (``--edition`` then chooses)."""
    return sum(entry.format == format for entry in OUTPUTS) > 1


def handout_sources(handout_file: str) -> tuple[str, ...]:
    """The source files (project-relative) an output of the handout in ``handout_file``
    (relative to source/) is made from, before translation."""
    return tuple(f"source/{name}" for name in (handout_file, *SHARED_SOURCES))
