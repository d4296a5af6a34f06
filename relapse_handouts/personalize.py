"""``make_docs.py personalize``: one child's handout, built straight to the nurse's file.

Nothing here touches ``output/``, the manifest or any cache, and nothing personal is
printed: the only trace of the child is the file the nurse asked for.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import BuildConfig
from .errors import HandoutError, Location
from .load import load_project
from .pdfpost import encrypt_pdf
from .personal import load_sheet, personalize
from .plan import OutputSpec
from .publish import atomic_write
from .render import RenderContext
from .translate import translate_all

__all__ = ["PersonalRequest", "build_personal"]


@dataclass(frozen=True)
class PersonalRequest:
    variant: str
    locale: str
    sheet_path: Path | None
    pdf_path: Path
    epub_path: Path | None = None
    paper: str = "letter"
    password: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)


def build_personal(config: BuildConfig, request: PersonalRequest) -> tuple[Path, ...]:
    """Write the personalized PDF (and EPUB); return the paths written."""
    # Load and validate the source, and the care sheet against its drug list.
    project = load_project(config)
    sheet = load_sheet(request.sheet_path, request.overrides, {d.id for d in project.drugs})
    variant = _known(request.variant, {v.id: v for v in project.variants}, "variant")
    _known(request.locale, project.site.locales, "locale")
    # Translate the content model into the requested locale.
    projects, _ = translate_all(project, config.source_dir, config.root, (request.locale,))
    context = RenderContext(config, projects)
    # Resolve the variant, then apply the child's care sheet.
    spec = OutputSpec(project.handouts[0].id, variant.id, request.locale, "pdf", request.paper,
                      Path(request.pdf_path.name))  # type: ignore[arg-type]
    resolved = personalize(context.resolved(spec), sheet)
    # Render the PDF, protect it when asked, and write each file atomically.
    pdf = context.pdf.render(context.html.render(resolved, "print", request.paper))
    data = encrypt_pdf(pdf.data, request.password) if request.password else pdf.data
    if config.strict and pdf.warnings:
        raise HandoutError(f"renderer: {pdf.warnings[0]}", hint="--strict fails on warnings")
    atomic_write(request.pdf_path, data)
    written = [request.pdf_path]
    if request.epub_path:
        from .epub import build_epub
        atomic_write(request.epub_path, build_epub(context.html.render(resolved, "epub"),
                                                   context.html, config))
        written.append(request.epub_path)
    return tuple(written)


def _known(name: str, known: dict[str, Any], kind: str) -> Any:
    if name not in known:
        raise HandoutError(f"unknown {kind} '{name}'",
                           Location(Path("source/variants.yaml" if kind == "variant"
                                         else "source/site.yaml")),
                           hint=f"choose from {', '.join(sorted(known))}")
    return known[name]
