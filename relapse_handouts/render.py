"""Stage: turn planned outputs into artifacts (bytes in memory), in worker processes.

Each process builds one ``RenderContext`` (the documents ``gather`` resolved, Jinja
environments, one WeasyPrint font configuration) and reuses it for every output it
renders. Workers never load, translate or resolve the source themselves. Each worker
renders one locale's outputs only, at most ``TASKS_PER_WORKER`` tasks, then is replaced,
so its memory cannot creep over a long build (WeasyPrint's users see growth in long-lived
processes) nor hold the fonts of every script; workers come from a fork server (small,
clean processes: replacing a worker never forks the busy parent). The fork server
imports WeasyPrint and pypdf once, so the workers of each batch start with them.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import resource
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

from .config import BuildConfig
from .fonts import font_environment
from .html import HtmlRenderer
from .markup import plain_text
from .plan import DocumentKey, OutputSpec
from .processes import die_with, no_core_files, return_large_blocks
from .quality import ReadingLevel, reading_level
from .resolve import ResolvedHandout

if TYPE_CHECKING:
    from .audio.edition import AudioRenderer
    from .pdf import PdfRenderer, RenderedPdf

__all__ = ["Artifact", "RenderContext", "render_outputs", "TASKS_PER_WORKER"]

# Tasks (an output, or a PDF and its booklet) per worker before the workers are replaced.
TASKS_PER_WORKER = 24
# What the fork server imports once for all workers (0.3 s of CPU each, 24 workers in a
# whole build). relapse_handouts.pdf first: it silences WeasyPrint's import-time warning
# about fonts (the fork server's fonts need not be the project's; a worker's are).
_PRELOAD = [__name__, "relapse_handouts.pdf", "weasyprint", "weasyprint.css", "pypdf"]
# Renderer warnings of worker processes are logged again here, in the parent, so that a
# handler on the "weasyprint" logger sees them wherever the output was rendered.
_WORKER_LOG = logging.getLogger("weasyprint.workers")
_WORKER_LOG.addHandler(logging.NullHandler())  # the CLI prints them itself


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
    worker: int = 0  # that process's id (see _batches: workers are replaced)
    duration: float | None = None  # seconds of narration, for read-aloud outputs
    reading_level: ReadingLevel | None = None  # of the text (None: no formula for it)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


class RenderContext:
    """Per-process state for rendering the gathered documents; renderers are created
    on first use. Which renderer and post-processing an output gets is read from its
    formats-table entry (``spec.output``)."""

    def __init__(
        self, config: BuildConfig, documents: Mapping[DocumentKey, ResolvedHandout]
    ) -> None:
        self.config = config
        self.documents = documents  # resolved once by gather(), never again here
        self.html = HtmlRenderer(config)
        self._last_pdf: tuple[tuple[object, ...], RenderedPdf] | None = None
        self._notes_pages: dict[tuple[str, str], bytes] = {}
        self._reading_levels: dict[DocumentKey, ReadingLevel | None] = {}

    def use_documents(
        self, documents: Mapping[DocumentKey, ResolvedHandout], reread_layouts: bool
    ) -> None:
        """For a long-lived context (the author preview): render ``documents`` from now on,
        forgetting what was made from the earlier ones; with ``reread_layouts``, read the
        layouts, styles and catalogs again. The fonts (the slow part to set up) are kept."""
        self.documents = documents
        self._last_pdf = None
        self._notes_pages = {}
        self._reading_levels = {}
        if reread_layouts:
            self.html = HtmlRenderer(self.config)

    @cached_property
    def audio(self) -> AudioRenderer:  # clips cached in the project's .cache/
        from .audio.edition import AudioRenderer

        return AudioRenderer(self.config)

    @cached_property
    def pdf(self) -> PdfRenderer:  # imports WeasyPrint only when needed
        from .pdf import PdfRenderer

        return PdfRenderer(self.config)

    def render(self, spec: OutputSpec) -> Artifact:
        started = time.perf_counter()
        resolved = self.documents[spec.document_key]
        entry = spec.output
        base = replace(spec, edition=entry.made_from) if entry.made_from else spec
        data, pages, warnings = self._rendered(base, resolved)
        for step in entry.post_processing:
            data, pages = _POST_PROCESSING[step](self, spec, resolved, data)
        return Artifact(
            spec,
            data,
            pages,
            warnings,
            resolved.handout.content_version,
            resolved.source_files,
            time.perf_counter() - started,
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            worker=os.getpid(),
            duration=self.audio.last_duration if entry.renderer == "read-aloud" else None,
            reading_level=self.reading_level(spec.document_key),
        )

    def reading_level(self, key: DocumentKey) -> ReadingLevel | None:
        """The document's reading level, scored once (~20 ms) for all its outputs."""
        if key not in self._reading_levels:
            self._reading_levels[key] = reading_level(self.documents[key])
        return self._reading_levels[key]

    def _rendered(
        self, spec: OutputSpec, resolved: ResolvedHandout
    ) -> tuple[bytes, int | None, tuple[str, ...]]:
        entry = spec.output
        if entry.renderer == "pdf":
            pdf = self.standard_pdf(spec)
            return pdf.data, pdf.pages, pdf.warnings
        if entry.renderer == "epub":
            from .epub import build_epub

            return build_epub(self.html.render(resolved, entry), self.html), None, ()
        if entry.renderer == "html":
            return self.html.render(resolved, entry).html.encode("utf-8"), None, ()
        if entry.renderer == "read-aloud":
            return self.audio.render(entry, resolved, self.html), None, ()
        raise ValueError(f"no renderer '{entry.renderer}' (formats.py, {entry.key})")

    def standard_pdf(self, spec: OutputSpec) -> RenderedPdf:
        """The tagged PDF; the last one is kept for the outputs made from it (booklet)."""
        key = (spec.document_key, spec.paper, spec.edition)
        if self._last_pdf and self._last_pdf[0] == key:
            return self._last_pdf[1]
        resolved = self.documents[spec.document_key]
        rendered = self.pdf.render(self.html.render(resolved, spec.output, spec.paper))
        self._last_pdf = (key, rendered)
        return rendered

    def impose_booklet(
        self, spec: OutputSpec, resolved: ResolvedHandout, data: bytes
    ) -> tuple[bytes, int]:
        """The print-only booklet: the PDF imposed 2-up, padded with notes pages."""
        from .pdfpost import impose_booklet

        paper = spec.paper or "letter"
        if (spec.locale, paper) not in self._notes_pages:  # the same for every variant
            self._notes_pages[spec.locale, paper] = self.pdf.render(
                self.html.render_notes_page(resolved, paper)
            ).data
        return impose_booklet(
            data,
            self._notes_pages[spec.locale, paper],
            paper,
            plain_text(resolved.variant.title),
            resolved.direction == "rtl",
        )


# Post-processing steps named in the formats table: (context, spec, document, data) ->
# (data, pages).
_POST_PROCESSING: dict[
    str, Callable[[RenderContext, OutputSpec, ResolvedHandout, bytes], tuple[bytes, int]]
] = {"impose-booklet": RenderContext.impose_booklet}

_WORKER: RenderContext | None = None


def _start_worker(
    config: BuildConfig,
    documents: Mapping[DocumentKey, ResolvedHandout],
    environment: dict[str, str],
    build: int,
) -> None:
    global _WORKER  # one context per worker process, set once by the pool initializer
    die_with(build)  # a killed build leaves no renderer behind, waiting for ever
    no_core_files()
    return_large_blocks()
    os.environ.update(environment)  # the project's fonts, before any font is loaded
    _WORKER = RenderContext(config, documents)


def _render_in_worker(group: tuple[OutputSpec, ...]) -> tuple[Artifact, ...]:
    assert _WORKER is not None
    return tuple(_WORKER.render(spec) for spec in group)


def _groups(specs: tuple[OutputSpec, ...]) -> list[tuple[OutputSpec, ...]]:
    """Tasks for the workers: an output and those made from it (a standard PDF and its
    booklet) go together, so it is rendered once, as do a handout's read-aloud outputs
    (narrated once); those first, then PDFs, as they take longest."""
    groups: dict[tuple[object, ...], list[OutputSpec]] = {}
    for spec in specs:
        base = spec.output.made_from or spec.edition
        key: tuple[object, ...] = (spec.document_key, spec.format, spec.paper, base)
        if spec.output.renderer == "read-aloud":
            key = (spec.document_key, "read-aloud")
        groups.setdefault(key, []).append(spec)
    ordered = sorted(
        groups.values(),
        key=lambda group: (
            group[0].output.renderer != "read-aloud",
            group[0].format != "pdf",
            -len(group),
        ),
    )
    return [tuple(sorted(group, key=lambda s: s.output.made_from is not None)) for group in ordered]


def _batches(
    groups: list[tuple[OutputSpec, ...]], workers: int
) -> list[list[tuple[OutputSpec, ...]]]:
    """The tasks in batches, each rendered by new worker processes: one locale per batch
    (a worker that drew CJK, Arabic and Gurmukhi text kept all their fonts) and at most
    ``TASKS_PER_WORKER`` tasks per worker on average (so memory cannot creep; one worker
    renders at most its batch). A locale with more is dealt into even batches, each with
    its share of the slow tasks, which come first."""
    by_locale: dict[str, list[tuple[OutputSpec, ...]]] = {}
    for group in groups:
        by_locale.setdefault(group[0].locale, []).append(group)
    batches = []
    for same in by_locale.values():
        count = -(-len(same) // (workers * TASKS_PER_WORKER))  # rounded up
        batches += [same[first::count] for first in range(count)]
    return batches


def render_outputs(
    config: BuildConfig,
    documents: Mapping[DocumentKey, ResolvedHandout],
    specs: tuple[OutputSpec, ...],
    on_done: Callable[[Artifact], None] | None = None,
) -> tuple[Artifact, ...]:
    """Render every spec, in parallel when there is enough work; results in spec order."""
    report = on_done or (lambda artifact: None)
    # A web page renders in milliseconds, less than a worker takes to start (a fork server
    # importing the package): workers only for two or more slow tasks (PDF, EPUB, narration).
    slow = [group for group in _groups(specs) if group[0].output.renderer != "html"]
    workers = min(config.worker_count, len(slow))
    if workers <= 1:
        context = RenderContext(config, documents)
        done = {
            spec: _reported(context.render(spec), report)
            for group in _groups(specs)
            for spec in group
        }
        return tuple(done[spec] for spec in specs)
    results: dict[OutputSpec, Artifact] = {}
    server = multiprocessing.get_context("forkserver")
    server.set_forkserver_preload(_PRELOAD)
    initargs = (config, documents, font_environment(), os.getpid())
    # New workers for each batch. (Not the pool's max_tasks_per_child: Python 3.11's pool
    # can stop replacing workers and hang with it.)
    for batch in _batches(_groups(specs), workers):
        with ProcessPoolExecutor(
            workers, mp_context=server, initializer=_start_worker, initargs=initargs
        ) as pool:
            tasks = [pool.submit(_render_in_worker, group) for group in batch]
            for future in as_completed(tasks):
                for artifact in future.result():
                    for warning in artifact.warnings:
                        _WORKER_LOG.warning("%s", warning)
                    results[artifact.spec] = _reported(artifact, report)
    return tuple(results[spec] for spec in specs)


def _reported(artifact: Artifact, report: Callable[[Artifact], None]) -> Artifact:
    report(artifact)
    return artifact
