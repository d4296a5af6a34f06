"""Stage: turn planned outputs into artifacts (bytes in memory), in worker processes.

Each process builds one ``RenderContext`` (content model, Jinja environments, one
WeasyPrint font configuration) and reuses it for every output it renders.
"""

from __future__ import annotations

import hashlib
import resource
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from .config import BuildConfig
from .html import HtmlRenderer
from .load import load_project
from .markup import plain_text
from .model import Project
from .plan import OutputSpec
from .resolve import ResolvedHandout, resolve_handout

if TYPE_CHECKING:
    from .pdf import RenderedPdf
from .translate import translate_all

__all__ = ["Artifact", "RenderContext", "render_outputs"]


@dataclass(frozen=True)
class Artifact:
    """A rendered output, not yet written."""

    spec: OutputSpec
    data: bytes
    pages: int | None
    warnings: tuple[str, ...]
    content_version: str
    sources: tuple[str, ...]
    seconds: float = 0.0  # time to render, for the benchmark and the summary
    worker_peak_kb: int = 0  # peak memory of the process that rendered it

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


class RenderContext:
    """Per-process state for rendering; renderers are created on first use."""

    def __init__(self, config: BuildConfig, projects: dict[str, Project]) -> None:
        self.config = config
        self.projects = projects  # the content model per locale
        self.html = HtmlRenderer(config)
        self._resolved: dict[tuple[str, str, str], ResolvedHandout] = {}
        self._last_pdf: tuple[tuple, RenderedPdf] | None = None
        self._notes_pages: dict[tuple[str, str], bytes] = {}

    @cached_property
    def pdf(self):  # type: ignore[no-untyped-def]  # imports WeasyPrint only when needed
        from .pdf import PdfRenderer

        return PdfRenderer(self.config)

    def resolved(self, spec: OutputSpec) -> ResolvedHandout:
        if spec.document_key not in self._resolved:
            project = self.projects[spec.locale]
            handout = next(h for h in project.handouts if h.id == spec.handout_id)
            variant = next(v for v in project.variants if v.id == spec.variant_id)
            self._resolved[spec.document_key] = resolve_handout(
                project, handout, variant, spec.locale
            )
        return self._resolved[spec.document_key]

    def render(self, spec: OutputSpec) -> Artifact:
        started = time.perf_counter()
        resolved = self.resolved(spec)
        pages, warnings = None, ()
        if spec.format == "pdf" and spec.edition == "booklet":
            data, pages = self.booklet(spec)
        elif spec.format == "pdf":
            pdf = self.standard_pdf(spec, spec.edition)
            data, pages, warnings = pdf.data, pdf.pages, pdf.warnings
        elif spec.format == "epub":
            from .epub import build_epub

            data = build_epub(self.html.render(resolved, "epub"), self.html, self.config)
        else:
            data = self.html.render(resolved, "web").html.encode("utf-8")
        return Artifact(
            spec,
            data,
            pages,
            warnings,
            resolved.handout.content_version,
            resolved.source_files,
            time.perf_counter() - started,
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        )

    def standard_pdf(self, spec: OutputSpec, edition: str = "standard") -> RenderedPdf:
        """The tagged PDF; the last standard one is kept for the booklet made from it."""
        key = (spec.document_key, spec.paper, edition)
        if self._last_pdf and self._last_pdf[0] == key:
            return self._last_pdf[1]
        document = self.html.render(self.resolved(spec), "print", spec.paper, edition)
        rendered = self.pdf.render(document)
        self._last_pdf = (key, rendered)
        return rendered

    def booklet(self, spec: OutputSpec) -> tuple[bytes, int]:
        """The print-only booklet: the standard PDF imposed 2-up, padded with notes pages."""
        from .pdfpost import impose_booklet

        resolved, paper = self.resolved(spec), spec.paper or "letter"
        if (spec.locale, paper) not in self._notes_pages:  # the same for every variant
            self._notes_pages[spec.locale, paper] = self.pdf.render(
                self.html.render_notes_page(resolved, paper)
            ).data
        return impose_booklet(
            self.standard_pdf(spec).data,
            self._notes_pages[spec.locale, paper],
            paper,
            plain_text(resolved.variant.title),
            resolved.direction == "rtl",
        )


_WORKER: RenderContext | None = None


def _start_worker(config: BuildConfig, locales: tuple[str, ...]) -> None:
    global _WORKER  # one context per worker process, set once by the pool initializer
    project = load_project(config)
    projects, _ = translate_all(project, config.source_dir, config.root, locales)
    _WORKER = RenderContext(config, projects)


def _render_in_worker(group: tuple[OutputSpec, ...]) -> tuple[Artifact, ...]:
    assert _WORKER is not None
    return tuple(_WORKER.render(spec) for spec in group)


def _groups(specs: tuple[OutputSpec, ...]) -> list[tuple[OutputSpec, ...]]:
    """Tasks for the workers: a standard PDF and the booklet imposed from it go together
    (rendered once); PDFs first, as they take longest."""
    groups: dict[tuple, list[OutputSpec]] = {}
    for spec in specs:
        shared = spec.format == "pdf" and spec.edition in ("standard", "booklet")
        key = (spec.document_key, spec.paper) if shared else (spec,)
        groups.setdefault(key, []).append(spec)
    ordered = sorted(groups.values(), key=lambda group: (group[0].format != "pdf", -len(group)))
    return [tuple(sorted(group, key=lambda s: s.edition != "standard")) for group in ordered]


def render_outputs(
    config: BuildConfig,
    projects: dict[str, Project],
    specs: tuple[OutputSpec, ...],
    on_done: Callable[[Artifact], None] | None = None,
) -> tuple[Artifact, ...]:
    """Render every spec, in parallel when there is enough work; results in spec order."""
    report = on_done or (lambda artifact: None)
    workers = min(config.worker_count, len(specs))
    if workers <= 1:
        context = RenderContext(config, projects)
        done = {
            spec: _reported(context.render(spec), report)
            for group in _groups(specs)
            for spec in group
        }
        return tuple(done[spec] for spec in specs)
    results: dict[OutputSpec, Artifact] = {}
    with ProcessPoolExecutor(
        workers, initializer=_start_worker, initargs=(config, tuple(projects))
    ) as pool:
        for future in as_completed([pool.submit(_render_in_worker, g) for g in _groups(specs)]):
            for artifact in future.result():
                results[artifact.spec] = _reported(artifact, report)
    return tuple(results[spec] for spec in specs)


def _reported(artifact: Artifact, report: Callable[[Artifact], None]) -> Artifact:
    report(artifact)
    return artifact
