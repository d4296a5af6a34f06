"""``make_docs.py personalize``: one child's handout, built straight to the nurse's file.

Nothing here touches ``output/``, the manifest or any cache, and nothing personal is
printed: the only trace of the child is the file the nurse asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .config import BuildConfig
from .errors import HandoutError, Location
from .files import write_private, write_private_check
from .load import load_project
from .pdfpost import encrypt_pdf
from .personal import load_sheet, personalize
from .plan import OutputSpec
from .render import RenderContext
from .resolve import ResolvedHandout
from .translate import translate_all

__all__ = ["PersonalRequest", "PersonalHandout", "render_personal", "build_personal"]


@dataclass(frozen=True)
class PersonalRequest:
    variant: str
    locale: str
    sheet_path: Path | None = None
    paper: str = "letter"
    password: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    with_epub: bool = False


@dataclass(frozen=True)
class PersonalHandout:
    """The rendered files, in memory, and a file name that carries nothing personal."""

    resolved: ResolvedHandout
    pdf: bytes
    epub: bytes | None
    file_stem: str


def render_personal(config: BuildConfig, request: PersonalRequest) -> PersonalHandout:
    """One handout for one child (or the generic one when no sheet or overrides are given)."""
    # Load and validate the source, and the care sheet against its drug list.
    project = load_project(config)
    sheet = load_sheet(request.sheet_path, request.overrides, {d.id for d in project.drugs})
    variant = _known(request.variant, {v.id: v for v in project.variants}, "variant")
    _known(request.locale, project.site.locales, "locale")
    # Translate the content model into the requested locale.
    projects, _ = translate_all(project, config.source_dir, config.root, (request.locale,))
    context = RenderContext(config, projects)
    # Resolve the variant, then apply the child's care sheet.
    spec = OutputSpec(
        project.handouts[0].id,
        variant.id,
        request.locale,
        "pdf",
        request.paper,
        PurePosixPath(f"{variant.slug}.{request.paper}.pdf"),
    )
    resolved = personalize(context.resolved(spec), sheet)
    # Render the PDF (protected when asked) and, on request, the EPUB.
    pdf = context.pdf.render(context.html.render(resolved, "print", request.paper))
    if config.strict and pdf.warnings:
        raise HandoutError(f"renderer: {pdf.warnings[0]}", hint="--strict fails on warnings")
    data = encrypt_pdf(pdf.data, request.password) if request.password else pdf.data
    epub = None
    if request.with_epub:
        from .epub import build_epub

        epub = build_epub(context.html.render(resolved, "epub"), context.html, config)
    return PersonalHandout(resolved, data, epub, f"{variant.slug}.{request.paper}")


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


def _known(name: str, known: dict[str, Any], kind: str) -> Any:
    if name not in known:
        raise HandoutError(
            f"unknown {kind} '{name}'",
            Location(Path("source/variants.yaml" if kind == "variant" else "source/site.yaml")),
            hint=f"choose from {', '.join(sorted(known))}",
        )
    return known[name]
