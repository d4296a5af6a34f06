"""One child's handout: ``render_handout`` is the one function that makes it, for the
command line (``make_docs.py personalize`` and ``email``) and the nurse desk alike
(the care sheet itself is ``personal.CareSheet``).

Nothing here touches ``output/``, the manifest or any cache, and nothing personal is
printed: the only trace of the child is the file the nurse asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .config import BuildConfig
from .errors import HandoutError, Location
from .files import write_private, write_private_check
from .formats import output_format
from .gather import gather
from .html import HtmlRenderer
from .meanings import MEANINGS
from .model import Handout
from .pdfpost import add_info, encrypt_pdf
from .personal import CareSheet, load_sheet, personalize
from .resolve import ResolvedHandout

if TYPE_CHECKING:
    from .pdf import PdfRenderer

__all__ = [
    "PersonalRequest",
    "PersonalHandout",
    "Attachment",
    "Renderers",
    "render_handout",
    "render_personal",
    "build_personal",
    "finish_personal_pdf",
]


@dataclass(frozen=True)
class PersonalRequest:
    variant: str
    locale: str
    sheet_path: Path | None = None
    paper: str = "letter"
    edition: str = "standard"  # a PDF edition made from the layouts (formats.py)
    password: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    with_epub: bool = False
    handout: str | None = None  # needed only when the project has several handouts


@dataclass(frozen=True)
class Attachment:
    """One file for the family: its name (nothing personal in it), type and bytes."""

    name: str
    media_type: str
    data: bytes
    # What it is, as the formats table words it (untranslated: the email translates it
    # into the family's language), and the file's own language.
    label: str = ""
    locale: str = ""


@dataclass(frozen=True)
class PersonalHandout:
    """The rendered files, in memory, and a file name that carries nothing personal."""

    resolved: ResolvedHandout
    pdf: bytes
    epub: bytes | None
    file_stem: str

    @property
    def attachments(self) -> tuple[Attachment, ...]:
        """The PDF, then the EPUB when one was made."""
        locale = self.resolved.locale
        files = [Attachment(f"{self.file_stem}.pdf", "application/pdf", self.pdf, "", locale)]
        if self.epub is not None:
            epub = Attachment(
                f"{self.file_stem}.epub", "application/epub+zip", self.epub, "E-book (EPUB)", locale
            )
            files.append(epub)
        return tuple(files)


class Renderers(Protocol):
    """What renders one child's handout: warm in the desk, made once by the command line."""

    @property
    def html(self) -> HtmlRenderer: ...

    @property
    def pdf(self) -> PdfRenderer: ...


@dataclass(frozen=True)
class _Renderers:
    html: HtmlRenderer
    pdf: PdfRenderer


def render_handout(
    config: BuildConfig,
    document: ResolvedHandout,
    sheet: CareSheet,
    renderers: Renderers,
    paper: str,
    edition: str = "standard",
    password: str | None = None,
    with_epub: bool = False,
) -> PersonalHandout:
    """The one function that makes a child's handout: ``document`` (resolved by
    ``gather``) with the child's ``sheet``, in the PDF edition asked for (protected when
    asked; ``config.strict`` fails on renderer warnings) and, on request, the EPUB."""
    resolved = personalize(document, sheet)
    output = output_format("pdf", edition)
    pdf = renderers.pdf.render(renderers.html.render(resolved, output, paper))
    if config.strict and pdf.warnings:
        raise HandoutError(
            f"renderer: {pdf.warnings[0]}", hint="--strict fails on warnings", code="strict"
        )
    data = finish_personal_pdf(pdf.data, resolved, password)
    epub = None
    if with_epub:
        from .epub import build_epub

        epub = build_epub(renderers.html.render(resolved, output_format("epub")), renderers.html)
    stem = output.path_name(resolved.variant.slug, paper).removesuffix(".pdf")
    return PersonalHandout(resolved, data, epub, stem)


def render_personal(config: BuildConfig, request: PersonalRequest) -> PersonalHandout:
    """One handout for one child (or the generic one when no sheet or overrides are given)."""
    # Gather the one locale (load, validate, check the variant and locale, translate).
    gathered = gather(_one_document(config, request))
    project = gathered.projects[request.locale]
    handout = _chosen_handout(project.handouts, request.handout)
    # Check the care sheet against the drug list.
    sheet = load_sheet(request.sheet_path, request.overrides, {d.id for d in project.drugs})
    variant = gathered.variant(request.variant)
    from .pdf import PdfRenderer

    return render_handout(
        config,
        gathered.documents[handout.id, variant.id, request.locale],
        sheet,
        _Renderers(HtmlRenderer(config), PdfRenderer(config)),
        request.paper,
        request.edition,
        request.password,
        request.with_epub,
    )


def finish_personal_pdf(pdf: bytes, resolved: ResolvedHandout, password: str | None) -> bytes:
    """The content version and approval in the PDF's document information (so a chart
    note can name exactly what was given: the release archive finds it by version),
    then the password when asked. Nothing about the child goes into the metadata."""
    signed = "; ".join(
        f"{a.reviewer}, {a.role}, {MEANINGS[a.meaning]}, {a.date.isoformat()} ({a.locale})"
        for a in resolved.signatures
    )
    data = add_info(
        pdf,
        {
            "/ContentVersion": resolved.handout.content_version,
            "/Approval": signed or "none: a draft no named reviewer has signed as it is",
        },
    )
    return encrypt_pdf(data, password) if password else data


def _one_document(config: BuildConfig, request: PersonalRequest) -> BuildConfig:
    """``config`` selecting the one document asked for (gather refuses unknown names and
    translates and resolves nothing more)."""
    return replace(
        config,
        handouts=(request.handout,) if request.handout else (),
        variants=(request.variant,),
        locales=(request.locale,),
        formats=("pdf",),
        papers=(request.paper,),
        editions=(request.edition,),
    )


def _chosen_handout(handouts: tuple[Handout, ...], wanted: str | None) -> Handout:
    if wanted is None and len(handouts) > 1:
        raise HandoutError(
            "the project has several handouts",
            Location(Path("source/handouts")),
            hint=f"choose one with --handout: {', '.join(h.id for h in handouts)}",
        )
    return next(h for h in handouts if wanted in (None, h.id))


def build_personal(
    config: BuildConfig, request: PersonalRequest, pdf_path: Path, epub_path: Path | None = None
) -> tuple[Path, ...]:
    """Write the personalized PDF (and EPUB) atomically; return the paths written."""
    for path in (pdf_path, epub_path):
        if path:  # refuse a bad target before rendering, and again when writing
            write_private_check(path, config.private_forbidden)
    handout = render_personal(config, request)
    write_private(pdf_path, handout.pdf, config.private_forbidden)
    if epub_path and handout.epub is not None:
        write_private(epub_path, handout.epub, config.private_forbidden)
        return (pdf_path, epub_path)
    return (pdf_path,)
